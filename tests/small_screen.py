"""A program run on a small or scaled screen: Qt's offscreen platform takes such a screen from a file, in its own
process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import ROOT


def run_on_screen(code: str, width: int, height: int, folder: Path, *args: str) -> Any:
    """What ``code`` (run with ``args``) prints as JSON, on a ``width`` x ``height`` screen described in ``folder``."""
    screens = folder / "screen.json"
    screens.write_text(json.dumps({"screens": [{"name": "ward", "x": 0, "y": 0, "width": width, "height": height,
                                                "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screens}"}
    run = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)
