"""The form's widgets without Signpost: what PySide6 itself needs to paint a window like ours.

``TREE_CODE`` runs in the app (the demo, stopped at its first paint) and prints the form's widget tree:
each widget's PySide6 class, text, dynamic properties (the stylesheet's selectors), object name, minimum
size and whether it is hidden, and each layout's kind, margins, spacing and items, walked through the
layouts from the central widget (widgets Qt makes inside others, such as scroll bars, come with them).
``write_replay`` turns that tree into a plain PySide6 program that builds the same widgets in the same
layouts, in a window of the same size and menu titles, with the same stylesheet and style, then paints:
no Signpost module is imported, no instrument read, no signal connected.

The floor is not exact (properties set by name on Qt's own properties, such as a label's alignment, are
not copied; the form builds a question's buttons only when it is shown, the replay copies that), but it
puts the same number of the same widgets on screen: a floor under what any code building this form
in PySide6 can reach.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

# Runs inside the app once its form is painted: prints the tree (a Python literal) and quits.
TREE_CODE = '''
import sys
import ui.app
from PySide6 import QtWidgets

def plain_class(widget):
    return next(k.__name__ for k in type(widget).__mro__ if k.__module__.startswith("PySide6"))

def widget_entry(widget):
    entry = {"class": plain_class(widget), "hidden": widget.isHidden(), "name": widget.objectName(),
             "min": (widget.minimumWidth(), widget.minimumHeight()), "props": {}}
    for raw in widget.dynamicPropertyNames():
        name = bytes(raw).decode()
        value = widget.property(name)
        if isinstance(value, (str, bool, int, float)):
            entry["props"][name] = value
    if isinstance(widget, (QtWidgets.QLabel, QtWidgets.QAbstractButton)):
        entry["text"] = widget.text()
    if isinstance(widget, QtWidgets.QLabel):
        entry["wrap"] = widget.wordWrap()
    if isinstance(widget, QtWidgets.QComboBox):
        entry["items"] = [widget.itemText(i) for i in range(widget.count())]
    if isinstance(widget, QtWidgets.QScrollArea) and widget.widget() is not None:
        entry["scrolled"] = widget_entry(widget.widget())
        entry["resizable"] = widget.widgetResizable()
    elif widget.layout() is not None:
        entry["layout"] = layout_entry(widget.layout())
    return entry

def layout_entry(layout):
    margins = layout.contentsMargins()
    entry = {"class": plain_class(layout), "spacing": layout.spacing(), "items": [],
             "margins": (margins.left(), margins.top(), margins.right(), margins.bottom())}
    if isinstance(layout, QtWidgets.QBoxLayout):
        entry["direction"] = layout.direction().value
    for index in range(layout.count()):
        item = layout.itemAt(index)
        if isinstance(layout, QtWidgets.QGridLayout):
            place = tuple(layout.getItemPosition(index))
        elif isinstance(layout, QtWidgets.QBoxLayout):
            place = (layout.stretch(index),)
        else:
            place = ()
        if item.widget() is not None:
            entry["items"].append(("widget", place, widget_entry(item.widget())))
        elif item.layout() is not None:
            entry["items"].append(("layout", place, layout_entry(item.layout())))
        elif item.spacerItem() is not None:
            hint = item.sizeHint()
            entry["items"].append(("spacer", place, (hint.width(), hint.height())))
    return entry

def dump(app):
    window = app.activeWindow() or next(w for w in app.topLevelWidgets() if isinstance(w, QtWidgets.QMainWindow))
    menus = [action.text() for action in window.menuBar().actions()]
    tree = {"central": widget_entry(window.centralWidget()), "menus": menus,
            "size": (window.width(), window.height()), "stylesheet": app.styleSheet()}
    print("FORM_TREE", repr(tree), flush=True)
    app.quit()

ui.app._report_shown_and_quit = dump
from app.__main__ import main
sys.exit(main(["--demo"]))
'''
TREE_MARK = "FORM_TREE"


def parse_tree(stdout: str) -> dict[str, Any]:
    """The tree ``TREE_CODE`` printed."""
    line = next(line for line in stdout.splitlines() if line.startswith(TREE_MARK))
    return ast.literal_eval(line[len(TREE_MARK) + 1:])


def probe(mark: str) -> str:
    """Source of ``Probe``, for a program that has imported ``time``, ``QApplication``, ``QEvent``, ``QObject`` and
    ``QTimer``: installed on a window, it prints ``mark`` and the time once the window has painted, then quits."""
    return _PROBE.replace("@PROBE_MARK@", mark)


_PROBE = '''
class Probe(QObject):
    seen = False
    def eventFilter(self, watched, event):
        if not self.seen and event.type() == QEvent.Type.Paint:
            self.seen = True
            QTimer.singleShot(0, self.report)
        return False
    def report(self):
        print("@PROBE_MARK@", f"{time.time():.6f}", flush=True)
        QApplication.instance().quit()
'''


def write_replay(tree: dict[str, Any], folder: Path, probe_mark: str) -> Path:
    """A plain PySide6 program in ``folder`` that builds ``tree`` and, once painted, prints ``probe_mark`` and
    the time. The tree is a module of its own beside it, so that it is compiled once, as the app's modules are."""
    (folder / "form_tree.py").write_text(f"TREE = {tree!r}\n", encoding="utf-8")
    program = folder / "form_replay.py"
    program.write_text(_REPLAY.replace("@PROBE@", probe(probe_mark)), encoding="utf-8")
    return program


_REPLAY = '''
import sys, time
from PySide6 import QtWidgets
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from form_tree import TREE

@PROBE@
def build(entry):
    widget = getattr(QtWidgets, entry["class"])()
    if entry["name"]:
        widget.setObjectName(entry["name"])
    for name, value in entry["props"].items():
        widget.setProperty(name, value)
    if "text" in entry:
        widget.setText(entry["text"])
    if entry.get("wrap"):
        widget.setWordWrap(True)
    if "items" in entry:
        widget.addItems(entry["items"])
    widget.setMinimumSize(*entry["min"])
    if "scrolled" in entry:
        widget.setWidgetResizable(entry["resizable"])
        widget.setWidget(build(entry["scrolled"]))
    elif "layout" in entry:
        widget.setLayout(lay_out(entry["layout"]))
    if entry["hidden"]:
        widget.hide()
    return widget

def lay_out(entry):
    kind = getattr(QtWidgets, entry["class"])
    layout = kind(kind.Direction(entry["direction"])) if kind is QtWidgets.QBoxLayout else kind()
    layout.setContentsMargins(*entry["margins"])
    layout.setSpacing(entry["spacing"])
    grid = isinstance(layout, QtWidgets.QGridLayout)
    for kind, place, item in entry["items"]:
        if kind == "spacer":
            spacer = QtWidgets.QSpacerItem(*item)
            layout.addItem(spacer, *place) if grid else layout.addItem(spacer)
        elif kind == "layout":
            layout.addLayout(lay_out(item), *place)
        else:
            layout.addWidget(build(item), *place)
    return layout

app = QApplication([sys.argv[0], "-style", "fusion"])
probe = Probe(app)
window = QtWidgets.QMainWindow()
for title in TREE["menus"]:
    window.menuBar().addMenu(title)
window.setCentralWidget(build(TREE["central"]))
window.resize(*TREE["size"])
app.setStyleSheet(TREE["stylesheet"])
window.installEventFilter(probe)
window.show()
code = app.exec()
del window
sys.exit(code)
'''
