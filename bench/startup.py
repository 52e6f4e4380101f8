"""Time from process start to the screening form on screen, against a bare PySide6 window.

Both are started the same way: a fresh ``python`` process, timed from just before it is spawned
until it prints the wall-clock time of its first paint (then it quits). The app runs as
``python -m app --demo`` with ``SIGNPOST_STARTUP_PROBE=1`` (see ``ui/app.py``); the baseline is a
QMainWindow with one label, probed identically. Runs alternate so machine noise hits both alike.
Bytecode is compiled once into a temporary ``PYTHONPYCACHEPREFIX`` (outside the tree) and reused,
as an installed or frozen app would; ``PYTHONDONTWRITEBYTECODE`` would otherwise make every run
recompile our sources and time the compiler. Goal: median ratio at most 1.3.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 21
GOAL = 1.3
PROBE_ENV = "SIGNPOST_STARTUP_PROBE"  # same names as ui.app, kept literal so the bench imports no Qt
PROBE_MARK = "SIGNPOST_SHOWN"

BARE_WINDOW = f"""
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

class Probe(QObject):
    seen = False
    def eventFilter(self, watched, event):
        if not self.seen and event.type() == QEvent.Type.Paint:
            self.seen = True
            QTimer.singleShot(0, self.report)
        return False
    def report(self):
        print("{PROBE_MARK}", f"{{time.time():.6f}}", flush=True)
        QApplication.instance().quit()

app = QApplication(sys.argv)
probe = Probe(app)
window = QMainWindow()
window.setCentralWidget(QLabel("Signpost"))
window.resize(1320, 860)
# Watch the window's events only, as ui/app.py does: a filter on the whole application costs ~30 ms.
window.installEventFilter(probe)
window.show()
code = app.exec()
del window
sys.exit(code)
"""


def time_to_shown(args: list[str], pycache: str) -> float:
    """Seconds from spawning ``python <args>`` to the first paint it reports."""
    env = {**os.environ, PROBE_ENV: "1", "PYTHONPYCACHEPREFIX": pycache}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.time()
    out = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    lines = [line for line in out.stdout.splitlines() if line.startswith(PROBE_MARK)]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"{args[:2]} did not report its window (exit {out.returncode}):\n{out.stderr}")
    return float(lines[0].split()[1]) - started


def main() -> None:
    app_args = ["-m", "app", "--demo"]
    bare_args = ["-c", BARE_WINDOW]
    app_times: list[float] = []
    bare_times: list[float] = []
    with tempfile.TemporaryDirectory(prefix="signpost-bench-pycache-") as pycache:
        time_to_shown(app_args, pycache)  # compile bytecode and warm the file cache for both before timing
        time_to_shown(bare_args, pycache)
        for _ in range(RUNS):
            bare_times.append(time_to_shown(bare_args, pycache))
            app_times.append(time_to_shown(app_args, pycache))
    app_median = statistics.median(app_times)
    bare_median = statistics.median(bare_times)
    ratio = app_median / bare_median
    print(f"bare PySide6 window : median {bare_median * 1000:7.1f} ms over {RUNS} runs")
    print(f"Signpost form (demo): median {app_median * 1000:7.1f} ms over {RUNS} runs")
    print(f"ratio {ratio:.2f} (goal <= {GOAL}): {'met' if ratio <= GOAL else 'NOT met'}")


if __name__ == "__main__":
    main()
