"""The services panel with a large directory: time to re-suggest, against a ten-service directory in the same run.

An in-memory SQLCipher vault (nothing on disk) holds ``n`` local alcohol services; the panel shows the
suggestions for a high alcohol result (every service matches), then the form changes in a way that
changes no suggestion (the rows should stay), then the directory is re-read as another copy's change
would make it, then checked for changes when there are none (as at every form change, save and print).
Each step's time, layout and painting included, is printed with its ratio to the same step on ten
services. ``BENCH_SIZES=10,200`` runs other sizes (the first is the baseline).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SIZES = tuple(int(n) for n in os.environ.get("BENCH_SIZES", "10,200,1000,4000").split(","))
BLOCKS = ("tobacco", "alcohol", "cannabis", "stimulants", "sedatives", "opioids", "other")
ALCOHOL_HIGH = {**{f"{b}.use": "no" for b in BLOCKS}, "alcohol.use": "yes", "alcohol.more_than_4": "yes",
                "alcohol.failed_to_control": "yes", "alcohol.concern": "yes"}


def timed(step: Callable[[], object]) -> float:
    """Seconds for ``step`` and the layout and painting it causes."""
    from PySide6.QtWidgets import QApplication

    start = time.perf_counter()
    step()
    QApplication.processEvents()
    return time.perf_counter() - start


def measure(n: int) -> dict[str, float]:
    """Seconds for each step with ``n`` matching services."""
    import dataclasses

    from PySide6.QtWidgets import QApplication

    from app.config import load_config
    from app.directory.model import Service
    from app.directory.repository import insert_row
    from app.instrument import find_pack
    from app.instrument.scoring import score
    from app.records.draft import ScreeningDraft
    from app.vault.database import transaction
    from app.vault.session import open_demo_vault
    from ui.context import AppContext
    from ui.directory.services_panel import ServicesPanel
    from ui.directory.source import DirectorySource

    QApplication.instance() or QApplication([])
    session = open_demo_vault()
    with transaction(session.conn):
        for i in range(n):
            insert_row(session.conn, Service(id=f"svc-{i:05}", name=f"Service {i}", summary="Local alcohol help",
                                              categories=("alcohol",), phone=f"01632 96{i % 10000:04}"))
    context = AppContext(config=load_config(), demo=True, data_dir=None, vault=session)
    panel = ServicesPanel(DirectorySource(context))
    panel.resize(900, 700)
    panel.show()
    QApplication.processEvents()
    pack = find_pack()
    draft = ScreeningDraft(instrument_id=pack.id, instrument_version=pack.version, answers=ALCOHOL_HIGH)
    result = score(pack, ALCOHOL_HIGH)
    times = {
        "suggest": timed(lambda: panel.update_for(draft, result)),
        "same suggestions": timed(lambda: panel.update_for(dataclasses.replace(draft, setting="ed"), result)),
        "re-read directory": timed(panel.refresh),
    }
    if hasattr(panel, "refresh_if_changed"):  # the check made at every form change and before save or print
        times["check, unchanged"] = timed(panel.refresh_if_changed)
    panel.close()
    panel.deleteLater()
    QApplication.processEvents()
    session.close()
    return times


def main() -> None:
    base = measure(SIZES[0])
    print(f"{'services':>8}  {'step':<18} {'seconds':>8}  ratio to {SIZES[0]}")
    for n in SIZES:
        times = base if n == SIZES[0] else measure(n)
        for step, seconds in times.items():
            print(f"{n:>8}  {step:<18} {seconds:8.3f}  {seconds / base[step]:8.1f}")


if __name__ == "__main__":
    main()
