"""What keeps the form quick to appear (bench/startup.py measures it; these guard the causes).

PySide6 builds all ~100 enum types of its ``Qt`` namespace the first time ``Qt`` is imported
(about 15 ms), so nothing on the way to the first paint may import it: enum properties are set by
name and key handlers import ``Qt`` when a key is pressed.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT

from app.config import CONFIG_ENV
from app.paths import default_config_file
from ui.app import STARTUP_PROBE_ENV, STARTUP_PROBE_MARK
from ui.theme import apply_style


def _after_first_paint(expression: str, *, config_file: bool = True, scale: str = "1") -> str:
    """The value of ``expression`` once the demo form is painted and the app has quit (the probe quits it); in it,
    ``seen`` holds whether the window showed one column at its first paint.

    ``config_file=False`` starts as a machine that IT has not configured (no ``SIGNPOST_CONFIG``); ``scale`` is
    the screen's scaling (the offscreen screen is 800x600).
    """
    code = (
        "import sys\n"
        "import ui.app\n"
        "from app.__main__ import main\n"
        "report, seen = ui.app._report_shown_and_quit, []\n"
        "def at_paint(app):\n"
        "    window = next(w for w in app.topLevelWidgets() if w.objectName() == 'main-window')\n"
        "    seen.append(window.columns.one_column)\n"
        "    report(app)\n"
        "ui.app._report_shown_and_quit = at_paint\n"
        "code = main(['--demo'])\n"
        f"print('AFTER_PAINT', {expression})\n"
        "sys.exit(code)\n"
    )
    env = {**os.environ, STARTUP_PROBE_ENV: "1", "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": scale}
    if not config_file:
        env.pop(CONFIG_ENV, None)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert STARTUP_PROBE_MARK in out.stdout
    return out.stdout.split("AFTER_PAINT ", 1)[1].strip()


def test_the_form_is_painted_before_pyside_builds_the_qt_namespace() -> None:
    assert _after_first_paint("'Qt' in vars(sys.modules['PySide6.QtCore'])") == "False"


def test_a_narrow_screen_paints_one_column_before_pyside_builds_the_qt_namespace() -> None:
    # At 150 % the window is 513 wide: the result goes under the form (ui/columns.py) before the first paint.
    assert _after_first_paint("seen, 'Qt' in vars(sys.modules['PySide6.QtCore'])", scale="1.5") == "[True] False"


def test_the_form_is_painted_without_importing_datetime() -> None:
    # ~1.8 ms of import: dates are parsed and checked only once someone types one. (A config file
    # brings it in anyway: tomllib reads dates.)
    if default_config_file().exists():
        pytest.skip(f"this machine has a config file, {default_config_file()}")
    assert _after_first_paint("'datetime' in sys.modules", config_file=False) == "False"


def test_a_fusion_style_already_made_is_kept(qapp) -> None:  # noqa: ANN001 - pytest-qt fixture
    # Setting a style re-initialises palettes and fonts (~5 ms at start); the GUI asks QApplication for
    # Fusion on its command line instead, so the style is made once, when first needed.
    qapp.setStyle("Fusion")
    made = qapp.style()
    apply_style(qapp)
    assert qapp.style() is made


def test_another_style_is_replaced_by_fusion(qapp) -> None:  # noqa: ANN001 - pytest-qt fixture
    qapp.setStyle("Windows")
    try:
        assert qapp.style().name().lower() == "windows"
        apply_style(qapp)
        assert qapp.style().name().lower() == "fusion"
    finally:
        qapp.setStyle("Fusion")

