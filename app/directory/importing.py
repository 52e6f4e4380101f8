"""Import a directory file: a per-row plan (add / change / unchanged / reject, and why), then all or nothing.

A file with any rejected row changes nothing: the plan says which rows to fix. A real import is one
transaction, so a crash or a fault half-way leaves the directory as it was. The IT-managed file
named in the machine config is imported on start-up when it is newer than the last one imported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from app.config import Config
from app.directory.audit import DIRECTORY_REF, IMPORT, record_directory_change
from app.directory.formats import DirectoryFileError, Row, parse_document, read_limited, service_from_fields
from app.directory.model import Service
from app.directory.repository import (
    changed_fields,
    insert_row,
    services_by_ids,
    unverified_if_contacts_changed,
    update_row,
)
from app.directory.validation import service_problems
from app.errors import SignpostError, UsageError
from app.i18n import _, ngettext
from app.vault.database import transaction
from app.vault.errors import VaultDamagedError, VaultIOError

ADD, CHANGE, UNCHANGED, REJECT = "add", "change", "unchanged", "reject"
MANAGED_ACTOR = "system (IT-managed directory file)"


@dataclass(frozen=True)
class RowOutcome:
    """What importing one row would do: ``changes`` names changed fields, ``problems`` why it is rejected."""

    number: int
    service_id: str
    status: str
    changes: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    service: Service | None = None

    def describe(self, *, applied: bool = False) -> str:
        """The row's line of the report: what it would do, or with ``applied`` what it did."""
        label = _("row {number}").format(number=self.number) + (f" ({self.service_id})" if self.service_id else "")
        fields = ", ".join(self.changes)
        if self.status == ADD:
            return _("{row}: added").format(row=label) if applied else _("{row}: would be added").format(row=label)
        if self.status == CHANGE:
            if applied:
                return _("{row}: changed {fields}").format(row=label, fields=fields)
            return _("{row}: would change {fields}").format(row=label, fields=fields)
        if self.status == UNCHANGED:
            return _("{row}: unchanged").format(row=label)
        return _("{row}: rejected: {reasons}").format(row=label, reasons="; ".join(self.problems))


@dataclass(frozen=True)
class ImportPlan:
    """Each row's outcome; ``applied`` once the import has been written (the report then says what it did)."""

    source: str
    sha256: str
    outcomes: tuple[RowOutcome, ...]
    applied: bool = False

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def rejected(self) -> list[RowOutcome]:
        return [o for o in self.outcomes if o.status == REJECT]

    def summary(self) -> str:
        counts = {"added": self.count(ADD), "changed": self.count(CHANGE), "unchanged": self.count(UNCHANGED),
                  "rejected": self.count(REJECT)}
        if self.applied:
            return _("{added} added, {changed} changed, {unchanged} unchanged").format(**counts)
        return _("{added} to add, {changed} to change, {unchanged} unchanged, {rejected} rejected").format(**counts)

    def report(self) -> str:
        """Every row's outcome on its own line, then the totals."""
        return "\n".join([*(o.describe(applied=self.applied) for o in self.outcomes), self.summary()])


class ImportRejectedError(UsageError):
    """Some rows are rejected, so nothing was imported; ``plan`` says which and why."""

    def __init__(self, plan: ImportPlan) -> None:
        self.plan = plan
        lines = [o.describe() for o in plan.rejected]
        super().__init__(
            ngettext("{source}: nothing imported, because {n} row is rejected:",
                     "{source}: nothing imported, because {n} rows are rejected:", len(lines)).format(
                source=plan.source, n=len(lines)
            ) + "\n" + "\n".join(f"  {line}" for line in lines)
        )


def _duplicates(rows: list[Row]) -> dict[str, list[int]]:
    numbers: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if row.id:
            numbers[row.id].append(row.number)
    return {service_id: found for service_id, found in numbers.items() if len(found) > 1}


def plan_rows(conn: Any, rows: list[Row], *, source: str, sha256: str, today: dt.date | None = None) -> ImportPlan:
    """What importing ``rows`` would do to the stored directory, row by row (nothing is written)."""
    duplicates = _duplicates(rows)
    stored = {s.id: s for s in services_by_ids(conn, [r.id for r in rows if r.id])}
    outcomes = []
    for row in rows:
        problems = list(row.problems)
        if not row.id and row.fields and not any(p.startswith("id:") for p in problems):
            problems.append(_("id is required"))
        if row.id in duplicates:
            problems.append(
                _("duplicate id '{id}': it is on rows {rows}").format(
                    id=row.id, rows=", ".join(str(n) for n in duplicates[row.id])
                )
            )
        base = stored.get(row.id)
        service = None
        if row.fields and row.read_in_full and row.id:
            # Every known field was read: check them too, so one pass lists every problem with the row.
            service = service_from_fields(row.fields, base)
            if base is not None:
                service = unverified_if_contacts_changed(base, service)
            problems += [p for p in service_problems(service, today=today) if p not in problems]
        if problems:
            outcomes.append(RowOutcome(row.number, row.id, REJECT, problems=tuple(problems)))
        elif base is None:
            outcomes.append(RowOutcome(row.number, row.id, ADD, service=service))
        else:
            assert service is not None
            changes = tuple(changed_fields(base, service))
            outcomes.append(RowOutcome(row.number, row.id, CHANGE if changes else UNCHANGED, changes, service=service))
    return ImportPlan(source, sha256, tuple(outcomes))


def _parse(data: bytes, name: str, fmt: str | None) -> list[Row]:
    rows = parse_document(data, name, fmt)
    if not rows:
        raise DirectoryFileError(_("{name} contains no services").format(name=name))
    return rows


def import_data(
    conn: Any,
    data: bytes,
    name: str,
    *,
    actor: str,
    dry_run: bool,
    fmt: str | None = None,
    kind: str = "file",
    mtime_ns: int | None = None,
) -> ImportPlan:
    """Plan, and unless ``dry_run`` apply, an import of a directory file's bytes.

    Raises ``DirectoryFileError`` for a file that cannot be read at all and ``ImportRejectedError``
    (after a real attempt) when any row is rejected; in both cases nothing is changed.
    """
    rows = _parse(data, name, fmt)
    digest = hashlib.sha256(data).hexdigest()
    if dry_run:
        return plan_rows(conn, rows, source=name, sha256=digest)
    with transaction(conn):
        plan = plan_rows(conn, rows, source=name, sha256=digest)
        if plan.rejected:
            raise ImportRejectedError(plan)
        for outcome in plan.outcomes:
            assert outcome.service is not None
            if outcome.status == ADD:
                insert_row(conn, outcome.service)
            elif outcome.status == CHANGE:
                update_row(conn, outcome.service)
        added, changed = plan.count(ADD), plan.count(CHANGE)
        conn.execute(
            "INSERT INTO directory_import (source, kind, sha256, mtime_ns, added, changed, actor)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (name, kind, digest, mtime_ns, added, changed, actor),
        )
        record_directory_change(
            conn,
            actor=actor,
            action=IMPORT,
            record_ref=DIRECTORY_REF,
            detail={
                "source": name,
                "sha256": digest,
                "added": [o.service_id for o in plan.outcomes if o.status == ADD],
                "changed": {o.service_id: list(o.changes) for o in plan.outcomes if o.status == CHANGE},
            },
        )
    return replace(plan, applied=True)


def import_file(conn: Any, path: Path, *, actor: str, dry_run: bool, fmt: str | None = None) -> ImportPlan:
    """Import (or with ``dry_run`` only plan) a JSON or CSV file chosen by an admin."""
    return import_data(conn, read_limited(path), path.name, actor=actor, dry_run=dry_run, fmt=fmt)


@dataclass(frozen=True)
class ManagedImport:
    """What the start-up check of the IT-managed file did; ``problem`` is set when it could not import."""

    path: Path
    imported: bool
    plan: ImportPlan | None = None
    problem: str = ""


@dataclass(frozen=True)
class ManagedRead:
    """The IT-managed file as read from disk, or why it could not be: no vault is involved, so the GUI reads it
    away from the screen (the file may sit on a network share that is slow or gone)."""

    path: Path
    mtime_ns: int = 0
    data: bytes = b""
    problem: str = ""


def read_managed_file(path: Path) -> ManagedRead:
    """Read the IT-managed directory file; never raises for a file that cannot be read."""
    try:
        mtime_ns = path.stat().st_mtime_ns
        data = read_limited(path)
    except OSError as exc:
        return ManagedRead(path, problem=_("{path}: cannot be read ({reason})").format(path=path, reason=exc.strerror))
    except SignpostError as exc:
        return ManagedRead(path, problem=str(exc))
    return ManagedRead(path, mtime_ns, data)


def apply_managed_file(conn: Any, read: ManagedRead) -> ManagedImport:
    """Import the file ``read`` when it is newer than the last one imported. Never raises for a bad file: the
    problem is returned (for the admins' banner) and nothing is changed, so the next sign-in tries again."""
    path = read.path
    if read.problem:
        return ManagedImport(path, False, problem=read.problem)
    source = str(path)
    last = conn.execute(
        "SELECT sha256, mtime_ns FROM directory_import WHERE kind = 'managed' AND source = ? ORDER BY id DESC LIMIT 1",
        (source,),
    ).fetchone()
    if last is not None and last[1] is not None and read.mtime_ns <= last[1]:
        return ManagedImport(path, False)
    if last is not None and hashlib.sha256(read.data).hexdigest() == last[0]:
        return ManagedImport(path, False)
    try:
        plan = import_data(conn, read.data, source, actor=MANAGED_ACTOR, dry_run=False, kind="managed",
                           mtime_ns=read.mtime_ns)
    except (VaultDamagedError, VaultIOError):
        raise  # the vault's fault, not the file's: said as such by whoever reads the directory
    except SignpostError as exc:
        return ManagedImport(path, False, problem=str(exc))
    return ManagedImport(path, True, plan)


def import_managed_file(conn: Any, config: Config) -> ManagedImport | None:
    """Import the machine config's directory file when it is newer than the last one imported.

    Returns ``None`` when no file is configured. Never raises for a bad file: the problem is returned
    (for the admins' banner) and nothing is changed, so the next start tries again.
    """
    path = config.directory_import_file
    if path is None:
        return None
    return apply_managed_file(conn, read_managed_file(path))

