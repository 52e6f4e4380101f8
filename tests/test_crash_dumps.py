"""Signpost asks the system never to dump its memory (records, keys, passwords) to disk after a crash."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads Linux process state")

STATE = (
    "import ctypes, resource; "
    "print('core', resource.getrlimit(resource.RLIMIT_CORE), 'dumpable', ctypes.CDLL(None).prctl(3, 0, 0, 0, 0))"
)


def _run(code: str) -> str:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()[-1]


def test_a_plain_python_process_may_dump() -> None:
    assert _run(STATE) != "core (0, 0) dumpable 0"  # so the checks below can fail


def test_every_command_runs_with_dumps_off() -> None:
    assert _run(f"from app.__main__ import main; main(['instruments']); {STATE}") == "core (0, 0) dumpable 0"


def test_the_app_runs_with_dumps_off_once_its_window_is_up() -> None:
    code = (
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from ui.app import run_gui\n"
        "app = QApplication([])\n"
        f"QTimer.singleShot(1500, lambda: (exec({STATE!r}, {{}}), app.quit()))\n"
        "run_gui(['--demo'])\n"
    )
    assert _run(code) == "core (0, 0) dumpable 0"
