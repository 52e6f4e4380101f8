"""No user-facing text in ui/ bypasses ``_()``, and every ``_()`` argument is a literal Babel can extract.

Read statically from the source, so dialogs and screens the pseudo-locale screenshot does not open are
covered too: a string literal (or an f-string with words in it) handed straight to a Qt text setter
or widget constructor is a hard-coded string; ``_(variable)`` is fine only when the values are marked
with ``N_()`` where they are defined (Babel extracts those).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from conftest import ROOT

# Qt calls whose string arguments staff read.
TEXT_SETTERS = {
    "setText", "setWindowTitle", "setToolTip", "setStatusTip", "setWhatsThis", "setPlaceholderText",
    "setTitle", "setLabelText", "addAction", "addMenu", "setInformativeText", "setDetailedText",
    "setHeaderLabels", "setHorizontalHeaderLabels", "addTab", "setTabText", "showMessage", "setPrefix",
    "setSuffix", "setSpecialValueText",
}
TEXT_WIDGETS = {"QLabel", "QPushButton", "QCheckBox", "QRadioButton", "QAction", "QGroupBox", "QMenu", "QToolButton"}
MESSAGE_BOXES = {"information", "warning", "critical", "question", "about"}


URL = re.compile(r"[a-z]+://\S*")


def _has_words(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return any(ch.isalpha() for ch in node.value) and not URL.fullmatch(node.value)
    if isinstance(node, ast.JoinedStr):
        return any(_has_words(part) for part in node.values if isinstance(part, ast.Constant))
    if isinstance(node, ast.BinOp):
        return _has_words(node.left) or _has_words(node.right)
    return False


def hard_coded_strings(source: str, filename: str) -> list[str]:
    """``file:line: text`` for each literal with words given directly to a Qt text call."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name in TEXT_SETTERS or name in TEXT_WIDGETS:
            args = [*node.args, *(kw.value for kw in node.keywords if kw.arg in ("text", "title"))]
        elif name in MESSAGE_BOXES and isinstance(func, ast.Attribute) and "MessageBox" in ast.unparse(func.value):
            args = node.args[1:3]
        else:
            continue
        found += [f"{filename}:{arg.lineno}: {ast.unparse(arg)[:70]}" for arg in args if _has_words(arg)]
    return found


def untranslatable_calls(source: str, filename: str) -> list[str]:
    """``_()`` calls whose argument Babel cannot extract (not a literal and not a plain name)."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "N_"):
            arg = node.args[0] if node.args else None
            if isinstance(arg, ast.JoinedStr) or (isinstance(arg, ast.BinOp) and _has_words(arg)):
                found.append(f"{filename}:{node.lineno}: {ast.unparse(node)[:70]}")
    return found


UI_FILES = sorted((ROOT / "ui").rglob("*.py"))


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_hard_coded_user_facing_strings(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    name = str(path.relative_to(ROOT))
    assert hard_coded_strings(source, name) == []
    assert untranslatable_calls(source, name) == []


def test_the_scanner_finds_what_it_should() -> None:
    bad = '''
label = QLabel("Patient details")
button.setText(f"Save {n} records")
QMessageBox.warning(self, "Signpost", "Could not save")
action = menu.addAction("Services leaflet…")
title = _(f"Hello {name}")
'''
    good = '''
label = QLabel(_("Patient details"))
score.setText("–")
website.setPlaceholderText("https://")
score.setText(str(total))
title.setText(f"{pack.title} ({pack.version})")
QMessageBox.warning(self, _("Signpost"), _("Could not save"))
menu.addAction(_("Services leaflet…"))
text = _(LABELS[key])
'''
    assert len(hard_coded_strings(bad, "bad.py")) == 5
    assert len(untranslatable_calls(bad, "bad.py")) == 1
    assert hard_coded_strings(good, "good.py") == [] and untranslatable_calls(good, "good.py") == []
