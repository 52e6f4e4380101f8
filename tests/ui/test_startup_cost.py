"""What keeps the form quick to appear (bench/startup.py measures it; these guard the causes).

PySide6 builds all ~100 enum types of its ``Qt`` namespace the first time ``Qt`` is imported
(about 15 ms), so nothing on the way to the first paint may import it: enum properties are set by
name and key handlers import ``Qt`` when a key is pressed.
"""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT

from ui.app import STARTUP_PROBE_ENV, STARTUP_PROBE_MARK


def test_the_form_is_painted_before_pyside_builds_the_qt_namespace() -> None:
    code = (
        "import sys\n"
        "from app.__main__ import main\n"
        "code = main(['--demo'])\n"
        "print('QT_NAMESPACE_BUILT', 'Qt' in vars(sys.modules['PySide6.QtCore']))\n"
        "sys.exit(code)\n"
    )
    env = {**os.environ, STARTUP_PROBE_ENV: "1", "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert STARTUP_PROBE_MARK in out.stdout
    assert "QT_NAMESPACE_BUILT False" in out.stdout
