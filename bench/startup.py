"""Time from process start to the screening form on screen, against a bare PySide6 window.

Both are started the same way: a fresh ``python`` process, timed from just before it is spawned
until it prints the wall-clock time of its first paint (then it quits). The app runs as
``python -m app --demo`` with ``SIGNPOST_STARTUP_PROBE=1`` (see ``ui/app.py``); the baseline is a
QMainWindow with one label, probed identically. Runs alternate so machine noise hits both alike.
Bytecode is compiled once into a temporary ``PYTHONPYCACHEPREFIX`` (outside the tree) and reused,
as an installed or frozen app would; ``PYTHONDONTWRITEBYTECODE`` would otherwise make every run
recompile our sources and time the compiler. Goal: median ratio at most 1.3.

For information, a third program is timed in the same rounds: the form's widget tree, taken from the app at
its first paint and rebuilt by plain PySide6 code with the same stylesheet (``bench/startup_floor.py``).
It shows what PySide6 itself needs to paint this window, and so what the goal leaves for Signpost's own
code: the instrument, the rules, the translations and the widgets' behaviour.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.startup_floor import TREE_CODE, parse_tree, probe, write_replay

ROOT = Path(__file__).resolve().parent.parent
RUNS = 21
GOAL = 1.3
PROBE_ENV = "SIGNPOST_STARTUP_PROBE"  # same names as ui.app, kept literal so the bench imports no Qt
PROBE_MARK = "SIGNPOST_SHOWN"

BARE_WINDOW = f"""
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
{probe(PROBE_MARK)}
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


def _probe_env(pycache: str) -> dict[str, str]:
    """The environment of a probed run: bytecode kept in ``pycache``, offscreen unless a display is chosen."""
    env = {**os.environ, PROBE_ENV: "1", "PYTHONPYCACHEPREFIX": pycache}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


def time_to_shown(args: list[str], pycache: str) -> float:
    """Seconds from spawning ``python <args>`` to the first paint it reports."""
    env = _probe_env(pycache)
    started = time.time()
    out = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    lines = [line for line in out.stdout.splitlines() if line.startswith(PROBE_MARK)]
    if out.returncode != 0 or not lines:
        raise RuntimeError(f"{args[:2]} did not report its window (exit {out.returncode}):\n{out.stderr}")
    return float(lines[0].split()[1]) - started


def form_replay(pycache: str) -> Path:
    """A plain PySide6 program (written beside the bytecode) that builds the demo form's widget tree as painted."""
    out = subprocess.run([sys.executable, "-c", TREE_CODE], cwd=ROOT, env=_probe_env(pycache), capture_output=True,
                         text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(f"the form's widget tree could not be read (exit {out.returncode}):\n{out.stderr}")
    return write_replay(parse_tree(out.stdout), Path(pycache), PROBE_MARK)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="signpost-bench-pycache-") as pycache:
        programs = {"bare": ["-c", BARE_WINDOW], "floor": [str(form_replay(pycache))], "app": ["-m", "app", "--demo"]}
        times: dict[str, list[float]] = {name: [] for name in programs}
        for args in programs.values():  # compile bytecode and warm the file cache for each before timing
            time_to_shown(args, pycache)
        for _ in range(RUNS):
            for name, args in programs.items():
                times[name].append(time_to_shown(args, pycache))
    bare, floor, app = (statistics.median(times[name]) for name in programs)
    ratio = app / bare
    print(f"bare PySide6 window : median {bare * 1000:7.1f} ms over {RUNS} runs")
    print(f"Signpost form (demo): median {app * 1000:7.1f} ms over {RUNS} runs")
    print(f"ratio {ratio:.2f} (goal <= {GOAL}): {'met' if ratio <= GOAL else 'NOT met'}")
    print(f"  for information, the form's widgets rebuilt by plain PySide6 code, same stylesheet: median "
          f"{floor * 1000:.1f} ms, {floor / bare:.2f}x the bare window; Signpost's own code adds "
          f"{(app - floor) * 1000:.1f} ms, where the goal leaves {max(GOAL * bare - floor, 0) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
