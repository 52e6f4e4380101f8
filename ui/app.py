"""Start the GUI: QApplication, config, demo or configured, the main window, then the features.

Only Qt widgets and light ``app`` modules load before the window shows. Each feature module in
``FEATURES`` is imported and its ``install(window)`` called after the first paint, so heavy
libraries (sqlcipher3, reportlab, babel, argon2, cryptography) never delay the form.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
import time
from collections.abc import Callable
from typing import NamedTuple

# Our pure-Python modules (and the standard ones they need) come before PySide6: once imported,
# PySide6 reads the source of every module imported after it, for its __feature__ switches.
from app.config import Config, load_config
from app.errors import SignpostError
from app.i18n import _
from app.instrument.loader import configured_pack

# isort: split
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from ui.context import AppContext
from ui.errors import install_excepthook, report_bug, show_error
from ui.theme import STYLE_ARGUMENTS, apply_style, apply_stylesheet

# Feature modules, each with ``install(window) -> None``; owners append theirs with a one-line edit.
FEATURES: tuple[str, ...] = ("ui.i18n_feature", "ui.directory.feature", "ui.vault_feature", "ui.leaflet.feature")

# Set by bench/startup.py: print the wall-clock time once the form is painted, then quit.
STARTUP_PROBE_ENV = "SIGNPOST_STARTUP_PROBE"
STARTUP_PROBE_MARK = "SIGNPOST_SHOWN"


class GuiOptions(NamedTuple):  # not a frozen dataclass: that compiles six methods (~0.5 ms) at every start
    demo: bool = False
    data_dir: str | None = None


def parse_gui_args(argv: list[str]) -> tuple[GuiOptions, list[str]]:
    """Our options (``--demo``, ``--data-dir DIR`` or ``--data-dir=DIR``) and whatever is left for Qt.

    Parsed by hand: argparse would add its import and regular expressions to every start.
    """
    demo, data_dir, rest = False, None, []
    args = iter(argv)
    for arg in args:
        if arg == "--demo":
            demo = True
        elif arg == "--data-dir":
            data_dir = next(args, None)
        elif arg.startswith("--data-dir="):
            data_dir = arg.split("=", 1)[1]
        else:
            rest.append(arg)
    return GuiOptions(demo=demo, data_dir=data_dir), rest


def make_context(config: Config, *, demo: bool, data_dir: str | None) -> AppContext:
    """Demo when asked, or when IT configured nothing and no data directory was given."""
    if demo or not (config.is_configured or data_dir):
        return AppContext(config=config, demo=True, data_dir=None)
    return AppContext(config=config, demo=False, data_dir=config.resolve_data_dir(data_dir))


def install_features(window: object, names: tuple[str, ...] | None = None) -> None:
    """Install each feature; one that fails is reported and the others still install."""
    for name in FEATURES if names is None else names:
        try:
            importlib.import_module(name).install(window)
        except SignpostError as exc:
            show_error(window, exc)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - a broken feature is a bug, reported without taking the form down
            report_bug(*sys.exc_info())


class _AfterFirstPaint(QObject):
    """Runs a callback once, just after the window's first paint (or after a fallback delay).

    It watches the window only, not every event of the application: a window paints before its
    children, and the zero timer runs once the whole paint pass is done.
    """

    FALLBACK_MS = 2000

    def __init__(self, window: QWidget, callback: Callable[[], None]) -> None:
        super().__init__(window)
        self._window = window
        self._callback: Callable[[], None] | None = callback
        window.installEventFilter(self)
        QTimer.singleShot(self.FALLBACK_MS, self._run)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if self._callback is not None and event.type() == QEvent.Type.Paint:
            self._window.removeEventFilter(self)
            # Zero timers run after the rest of this paint pass, so the whole form is on screen by then.
            QTimer.singleShot(0, self._run)
        return False

    def _run(self) -> None:
        callback, self._callback = self._callback, None
        if callback is not None:
            self._window.removeEventFilter(self)
            callback()


def _report_shown_and_quit(app: QApplication) -> None:
    print(f"{STARTUP_PROBE_MARK} {time.time():.6f}", flush=True)
    app.quit()


def run_gui(argv: list[str]) -> int:
    """Run the app until the window closes; returns the process exit code."""
    # Start-up builds objects that live as long as the window: looking for garbage among them only
    # delays the first paint. Collection resumes once the form is on screen (or start-up fails).
    gc.disable()
    try:
        return _run_gui(argv)
    finally:
        gc.enable()


def _run_gui(argv: list[str]) -> int:
    install_excepthook()
    options, qt_args = parse_gui_args(argv)
    app = QApplication.instance() or QApplication([sys.argv[0], *qt_args, *STYLE_ARGUMENTS])
    assert isinstance(app, QApplication)
    app.setApplicationName("Signpost")
    app.setApplicationDisplayName("Signpost")
    apply_style(app)
    try:
        config = load_config()
    except SignpostError as exc:
        show_error(None, exc, title=_("Signpost cannot start"))
        return exc.exit_code
    context = make_context(config, demo=options.demo, data_dir=options.data_dir)
    if context.data_dir is not None and context.data_dir.exists() and not context.data_dir.is_dir():
        problem = SignpostError(_("The data directory {path} is a file, not a folder.").format(path=context.data_dir))
        show_error(None, problem, title=_("Signpost cannot start"))
        return problem.exit_code

    from ui.main_window import MainWindow

    try:
        window = MainWindow(context, configured_pack(config))
    except SignpostError as exc:  # e.g. a damaged instrument pack or action policy file
        show_error(None, exc, title=_("Signpost cannot start"))
        return exc.exit_code
    apply_stylesheet(app)

    def shown() -> None:
        gc.enable()
        if os.environ.get(STARTUP_PROBE_ENV):
            _report_shown_and_quit(app)
            return
        # Before any feature can open the vault (ctypes is not worth its import time before the first paint).
        from app.crash_dumps import disable_crash_dumps

        disable_crash_dumps()
        install_features(window)
        from ui.key_routes import no_alt_typing

        no_alt_typing(window)  # the features' fields too, so after they are installed

    _AfterFirstPaint(window, shown)
    window.show()
    code = app.exec()
    # Destroy the window while the QApplication still exists: left to the garbage collector at
    # interpreter exit, the order is undefined and PySide6 can crash after a clean run.
    window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    return code
