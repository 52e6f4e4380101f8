"""Replacing the vault's files (restore, rekey) so that a process killed halfway leaves a change that is finished.

Once the new vault is whole and on disk in its staging folder, a swap record (``swap-record.json``) listing
every move in order (the old files into ``replaced-…``, then the new ones in) is written atomically into the
data folder; the moves follow, then the record is removed. From the moment the record exists the change is
certain: a process killed during the moves leaves the record, and whoever opens the data folder next
(``finish_interrupted_swap``: every sign-in, ``init``, ``restore``) makes the remaining moves first. The moves
made are always the first ones of the list, so finishing is safe to repeat. The record then stays, marked
finished, until a sign-in has written the audit entry that says so (``take_finished_swap``).

A record looks the same whether its process is still making the moves or was killed: the process that writes
it holds the swap lock (``swap_lock``) until it has removed it or given up, and finishing takes the same lock,
so a running restore or rekey is never "finished" by someone else.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath, PureWindowsPath

from app.i18n import _
from app.records import audit
from app.vault.atomic_file import fsync_directory, previous_of, replace_file, write_atomically
from app.vault.errors import VaultDamagedError, VaultError
from app.vault.layout import DB_NAME, KEYSLOTS_NAME, VaultLayout
from app.vault.swap_lock import OPENING, swap_lock

RESTORE = "restore"
REKEY = "rekey"
STAGING_PREFIXES = {RESTORE: ".signpost-restore-", REKEY: ".signpost-rekey-"}


@dataclass(frozen=True)
class SwapRecord:
    """One replacement of the vault: its moves (names relative to the data folder), in the order they are made."""

    operation: str
    moves: tuple[tuple[str, str], ...]
    staging: str
    aside: str
    started_at: str
    finished_at: str = ""
    moves_made_before: int = 0  # how many the interrupted process had made (for the audit entry)

    def to_json(self) -> bytes:
        doc = {"format": 1, **{key: value for key, value in vars(self).items()}}
        doc["moves"] = [list(move) for move in self.moves]
        return (json.dumps(doc, indent=2) + "\n").encode("utf-8")

    def audit_detail(self) -> str:
        return (
            f"the {self.operation} started at {self.started_at} was interrupted after {self.moves_made_before} of "
            f"{len(self.moves)} file moves; the remaining moves were made at {self.finished_at}, when the data "
            f"folder was next opened (the replaced vault is in {self.aside or 'no folder: there was none'})"
        )


def read_record(layout: VaultLayout) -> SwapRecord | None:
    """The swap record in the data folder, if there is one; ``VaultDamagedError`` if it cannot be read."""
    try:
        doc = json.loads(layout.swap_record.read_text(encoding="utf-8"))
        if doc.pop("format") != 1:
            raise ValueError("unknown format")
        doc["moves"] = tuple((str(source), str(target)) for source, target in doc["moves"])
        record = SwapRecord(**doc)
        # Only names inside the data folder, and a working folder of ours: the record is never followed elsewhere.
        names = [name for move in record.moves for name in move] + [record.aside, record.staging]
        if any(_outside(name) for name in names) or not record.staging.startswith(tuple(STAGING_PREFIXES.values())):
            raise ValueError("it names files outside the data folder")
        return record
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise VaultDamagedError(
            _(
                "{file} cannot be read ({problem}): it lists the file moves of a restore or rekey that was "
                "interrupted. Ask IT: the vault's files are in {dir}, in its 'replaced-…' folders and its "
                "'.signpost-…' folders. Do not set up a new vault or restore an older backup: the data is all there."
            ).format(file=layout.swap_record, problem=exc, dir=layout.data_dir)
        ) from exc


def swap(
    layout: VaultLayout, operation: str, staging: Path, aside: Path | None, moves: list[tuple[Path, Path]],
    *, certain: Callable[[], None] | None = None,
) -> None:
    """Make ``moves`` (inside the data folder), first recording them so that a killed process's are finished.

    The swap lock is held from before the record is written until it is removed, or left for the next opening.
    ``certain`` is called once the record is on disk, before any move: the change can no longer be lost. A
    move refused now (a file held open) puts back the ones made and removes the record; if putting back fails
    too, the record stays and the next opening finishes the change.
    """
    with swap_lock(layout):
        _swap_locked(layout, operation, staging, aside, moves, certain)


def _swap_locked(
    layout: VaultLayout, operation: str, staging: Path, aside: Path | None, moves: list[tuple[Path, Path]],
    certain: Callable[[], None] | None,
) -> None:
    data_dir = layout.data_dir
    record = SwapRecord(
        operation, tuple((_relative(data_dir, source), _relative(data_dir, target)) for source, target in moves),
        staging.name, aside.name if aside is not None else "", audit.now_utc(),
    )
    try:
        write_atomically(layout.swap_record, record.to_json())
    except OSError as exc:
        raise VaultError(
            _(
                "the vault in {dir} cannot be replaced by its new copy ({problem}). Nothing has been changed."
            ).format(dir=data_dir, problem=exc.strerror or exc)
        ) from exc
    if certain is not None:
        try:
            certain()
        except Exception:
            # Nothing has moved yet: without what ``certain`` was to hand on (rekey's new secrets, which its output
            # could not take), the change must not happen. An interruption (Ctrl+C) is left as a kill is: the
            # secrets may be on screen already, so the change is finished at the next opening.
            _remove_record(layout)
            raise
    made = 0
    try:
        for source, target in moves:
            replace_file(source, target)  # tried again while a virus scanner holds it
            made += 1
        _sync(layout, aside)
    except OSError as exc:
        try:
            for source, target in reversed(moves[:made]):
                replace_file(target, source)
            _sync(layout, aside)
            # Said only when it is so: every file back where it was (a copy of an older version, which takes no
            # lock, may have made moves too).
            if missing := [str(source) for source, _target in moves if not os.path.lexists(source)]:
                raise FileNotFoundError(errno.ENOENT, _("not back in place: {files}").format(
                    files=", ".join(missing)))
            _remove_record(layout)
        except OSError as undo:
            raise VaultError(
                _(
                    "the vault in {dir} could not be replaced ({problem}), and putting the old one back failed "
                    "too ({undo}). The change is recorded in {record}: the next time Signpost opens the vault it "
                    "finishes it, once no other program holds its files. The old vault's files are in {aside}. "
                    "Do not restore an older backup: the data is all there."
                ).format(dir=data_dir, problem=exc, undo=undo, record=layout.swap_record, aside=aside)
            ) from undo
        raise VaultError(
            _(
                "the vault in {dir} cannot be replaced by its new copy ({problem}). Close Signpost on every computer "
                "that uses it and try again. Nothing has been changed."
            ).format(dir=data_dir, problem=exc.strerror or exc)
        ) from exc
    _remove_record(layout)


def finish_interrupted_swap(layout: VaultLayout) -> SwapRecord | None:
    """Make the moves an interrupted restore or rekey left unmade; returns its record (marked finished) if any.

    ``SwapUnderWayError`` (nothing moved) while a restore or rekey is running. They hold the lock from their start,
    not only while a record is there: a vault opened (and written to) while a rekey copies it, or a restore checks
    its backup, would lose what was written, left in the vault moved aside.
    """
    record = read_record(layout)
    if record is not None and record.finished_at:
        return record
    if record is None and not layout.db.exists():
        return None  # no vault here to guard
    with swap_lock(layout, purpose=OPENING):
        record = read_record(layout)  # again: its owner may have finished (or given up) while we waited
        if record is None or record.finished_at:
            return record
        return _finish_locked(layout, record)


def _finish_locked(layout: VaultLayout, record: SwapRecord) -> SwapRecord:
    data_dir = layout.data_dir
    moves = [(data_dir / source, data_dir / target) for source, target in record.moves]
    # Each move's source existed when the record was written and only a move takes it away; a later move may
    # bring a name back (the new signpost.db), but only after the last move whose source is gone. Not so SQLite's
    # -wal and -shm: a connection closing elsewhere (on a shared folder whose locks do not work) may delete them,
    # so their absence says nothing about the moves made; nor the previous key slots, which IT may have removed.
    made = max((number for number, (source, _target) in enumerate(moves, 1)
                if not _may_vanish(source) and not os.path.lexists(source)), default=0)
    aside = data_dir / record.aside if record.aside else None
    try:
        for source, target in moves[made:]:
            if _may_vanish(source) and not os.path.lexists(source):
                continue
            replace_file(source, target)
        _sync(layout, aside)
        finished = replace(record, finished_at=audit.now_utc(), moves_made_before=made)
        write_atomically(layout.swap_record, finished.to_json())
    except OSError as exc:
        if record.operation == REKEY:
            message = _(
                "giving the vault in {dir} a new key ('signpost rekey') was interrupted, and finishing it failed "
                "({problem}). Close every program that may hold the vault's files and try again. Do not set up a "
                "new vault or restore an older backup: the data is all there."
            )
        else:
            message = _(
                "a restore of the vault in {dir} was interrupted, and finishing it failed ({problem}). Close every "
                "program that may hold the vault's files and try again. Do not set up a new vault or restore an "
                "older backup: the data is all there."
            )
        raise VaultError(message.format(dir=data_dir, problem=exc.strerror or exc)) from exc
    shutil.rmtree(data_dir / record.staging, ignore_errors=True)
    return finished


def _may_vanish(path: Path) -> bool:
    """A file something other than a move may take away: a database's -wal and -shm (SQLite deletes them), the
    previous key slots (IT is told to remove them once looked at)."""
    return path.name.endswith(("-wal", "-shm")) or path.name == previous_of(Path(KEYSLOTS_NAME)).name


def take_finished_swap(layout: VaultLayout) -> SwapRecord | None:
    """The finished record waiting for its audit entry; the caller writes it, then calls ``forget_swap``."""
    record = read_record(layout)
    return record if record is not None and record.finished_at else None


def forget_swap(layout: VaultLayout, record: SwapRecord) -> None:
    """Remove ``record`` once its audit entry is written, unless a restore or rekey started since has put its own
    in its place (best effort: a record left is audited again)."""
    try:
        with swap_lock(layout, wait_seconds=0.0):
            if read_record(layout) == record:
                _remove_record(layout)
    except (OSError, VaultError):
        pass


def unfinished_leftovers(layout: VaultLayout) -> list[Path]:
    """``replaced-…`` folders holding a vault's files and restore or rekey working folders: what an interrupted
    restore or rekey (of a version without swap records) leaves while the data folder has no whole vault."""
    found: list[Path] = []
    try:
        for entry in sorted(layout.data_dir.iterdir()):
            if not entry.is_dir() or entry.is_symlink():
                continue
            if entry.name.startswith(tuple(STAGING_PREFIXES.values())) or (
                entry.name.startswith("replaced-") and any((entry / name).exists() for name in (DB_NAME, KEYSLOTS_NAME))
            ):
                found.append(entry)
    except OSError:
        return found
    return found


def _outside(name: str) -> bool:
    """A name that could lead out of the data folder on any system ("/x" and "\\x" have a root on Windows)."""
    return any(path.anchor or ".." in path.parts for path in (PurePosixPath(name), PureWindowsPath(name)))


def _relative(data_dir: Path, path: Path) -> str:
    return path.relative_to(data_dir).as_posix()


def _sync(layout: VaultLayout, aside: Path | None) -> None:
    if aside is not None and aside.is_dir():
        fsync_directory(aside)
    fsync_directory(layout.data_dir)


def _remove_record(layout: VaultLayout) -> None:
    layout.swap_record.unlink(missing_ok=True)
    fsync_directory(layout.data_dir)
