"""Wrong-password counters kept beside the vault, for a growing delay and a later audit entry.

They live outside the database because a wrong password cannot open it. The file holds account
names, counts and times only: a name that is not an account is counted as "unknown", so text typed
into the name box by mistake is never written down. Pending counts are written to the audit log at
the next successful sign-in.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.vault.atomic_file import write_atomically

UNKNOWN = "*unknown*"
FREE_TRIES = 3
MAX_WAIT_SECONDS = 300.0


@dataclass
class Attempts:
    """Failures for one account since its last successful sign-in."""

    failures: int = 0
    unaudited: int = 0
    first_at: str = ""
    last_at: str = ""
    not_before: float = 0.0


@dataclass
class AttemptLog:
    """All counters of one data directory. ``base_seconds`` scales the delay (lowered in tests)."""

    path: Path
    base_seconds: float = 1.0
    clock: Callable[[], float] = field(default=lambda: dt.datetime.now(dt.UTC).timestamp())
    by_name: dict[str, Attempts] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path, *, base_seconds: float = 1.0, clock: Callable[[], float] | None = None) -> AttemptLog:
        log = cls(path, base_seconds) if clock is None else cls(path, base_seconds, clock)
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            log.by_name = {str(name): Attempts(**value) for name, value in doc.items()}
        except FileNotFoundError:
            pass
        except (OSError, ValueError, TypeError, AttributeError):
            # A damaged counter file must never stop staff signing in; it is rewritten on the next failure.
            log.by_name = {}
        return log

    def wait_seconds(self, name: str) -> float:
        """Seconds before ``name`` may try again (0 when a try is allowed now), never more than the wait imposed.

        A wait longer than that means the clock went back since the last failure (it was set right after
        being ahead, or wrongly set back): the wait then starts again from now, so a clock that was a year
        ahead costs one wait, not a year.
        """
        entry = self.by_name.get(name)
        if entry is None:
            return 0.0
        now = self.clock()
        imposed = self.delay_after(entry.failures)
        if entry.not_before - now > imposed:
            entry.not_before = now + imposed
            self.save()
        return max(0.0, entry.not_before - now)

    def delay_after(self, failures: int) -> float:
        """The wait imposed after the ``failures``-th wrong password in a row: none at first, then doubling."""
        if failures < FREE_TRIES:
            return 0.0
        return min(self.base_seconds * 2 ** (failures - FREE_TRIES), MAX_WAIT_SECONDS)

    def record_failure(self, name: str) -> float:
        """Count a wrong password for ``name`` and return the wait now imposed."""
        now = self.clock()
        stamp = dt.datetime.fromtimestamp(now, dt.UTC).isoformat(timespec="seconds")
        entry = self.by_name.setdefault(name, Attempts(first_at=stamp))
        entry.failures += 1
        entry.unaudited += 1
        entry.first_at = entry.first_at or stamp
        entry.last_at = stamp
        wait = self.delay_after(entry.failures)
        entry.not_before = now + wait
        self.save()
        return wait

    def take_unaudited(self) -> list[tuple[str, Attempts]]:
        """Counts not yet written to the audit log; marks them written (call inside the audit transaction)."""
        pending = [(name, Attempts(**vars(entry))) for name, entry in self.by_name.items() if entry.unaudited]
        for entry in self.by_name.values():
            entry.unaudited = 0
        return pending

    def clear(self, name: str) -> None:
        self.by_name.pop(name, None)

    def save(self) -> None:
        """Best effort: a read-only or full disk must not turn a wrong password into a crash."""
        doc = {name: vars(entry) for name, entry in self.by_name.items()}
        try:
            write_atomically(self.path, (json.dumps(doc, indent=2) + "\n").encode("utf-8"))
        except OSError:
            pass  # the delay then holds only while this program runs
