"""Directory services in the vault database: read, add, edit, deactivate, mark verified.

Every public write is one user action in one transaction, checked first (``DirectoryValidationError``
lists every problem) and audited. ``insert_row`` and ``update_row`` write without opening a
transaction, for callers (import, seeding) that group many rows into one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from app.directory.audit import ADD, DEACTIVATE, EDIT, REACTIVATE, VERIFY, record_directory_change, service_ref
from app.directory.model import Service, Source
from app.directory.validation import FieldProblem, field_problems
from app.errors import SignpostError, UsageError
from app.i18n import _
from app.vault.database import damage_guard, transaction

_COLUMNS = tuple(f.name for f in dataclasses.fields(Service))
_JSON_COLUMNS = ("categories", "languages", "do_not_print")


class DirectoryValidationError(UsageError):
    """An entry cannot be saved as it is; ``problems`` lists every reason, ``field_problems`` ties each to its field."""

    def __init__(self, service_id: str, problems: list[FieldProblem]) -> None:
        self.service_id = service_id
        self.field_problems = problems
        self.problems = [problem.message for problem in problems]
        super().__init__(
            _("service '{id}' cannot be saved:").format(id=service_id)
            + "\n"
            + "\n".join(f"  - {message}" for message in self.problems)
        )


class UnknownServiceError(SignpostError):
    """No service has this id."""

    exit_code = 2


class ServiceChangedError(SignpostError):
    """Someone else changed fields of the entry that this edit changes too, since the edit began.

    ``fields`` names them; ``current`` is the entry as it is now. Nothing has been saved.
    """

    def __init__(self, current: Service, fields: list[str]) -> None:
        self.current = current
        self.fields = fields
        super().__init__(
            _("service '{id}' was changed by someone else while you were editing it ({fields}); nothing has been "
              "saved. Open the entry again to see their change, then make yours.").format(
                id=current.id, fields=", ".join(fields))
        )


def _to_row(service: Service) -> tuple[Any, ...]:
    values: list[Any] = []
    for name in _COLUMNS:
        value = getattr(service, name)
        if name in _JSON_COLUMNS:
            value = json.dumps(list(value), ensure_ascii=False)
        elif name == "sources":
            value = json.dumps([dataclasses.asdict(s) for s in value], ensure_ascii=False)
        elif name == "last_verified":
            value = value.isoformat() if value else None
        elif isinstance(value, bool):
            value = int(value)
        values.append(value)
    return tuple(values)


def _from_row(row: Sequence[Any]) -> Service:
    data = dict(zip(_COLUMNS, row, strict=True))
    for name in _JSON_COLUMNS:
        data[name] = tuple(json.loads(data[name]))
    data["sources"] = tuple(Source(**s) for s in json.loads(data["sources"]))
    data["last_verified"] = dt.date.fromisoformat(data["last_verified"]) if data["last_verified"] else None
    data["self_referral"] = None if data["self_referral"] is None else bool(data["self_referral"])
    data["national"] = bool(data["national"])
    data["active"] = bool(data["active"])
    return Service(**data)


_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM directory_service"


@damage_guard()  # a damaged page read here is a VaultDamagedError, like one met in a transaction
def list_services(
    conn: Any, *, categories: Iterable[str] | None = None, active_only: bool = True
) -> list[Service]:
    """Services ordered local first, then national, then by name.

    Args:
        categories: keep services in any of these categories (``None``: all).
        active_only: leave out deactivated services.
    """
    sql = _SELECT + (" WHERE active = 1" if active_only else "") + " ORDER BY national, name COLLATE NOCASE, id"
    services = [_from_row(row) for row in conn.execute(sql)]
    if categories is not None:
        wanted = set(categories)
        services = [s for s in services if wanted.intersection(s.categories)]
    return services


@damage_guard()
def services_by_ids(conn: Any, ids: Iterable[str]) -> list[Service]:
    """Services with these ids, in the order given, inactive ones included (a saved screening names them).

    Unknown ids are left out.
    """
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    placeholders = ", ".join("?" for _id in wanted)
    found = {s.id: s for s in (_from_row(r) for r in conn.execute(f"{_SELECT} WHERE id IN ({placeholders})", wanted))}
    return [found[i] for i in wanted if i in found]


@damage_guard()
def get_service(conn: Any, service_id: str) -> Service:
    """One service; ``UnknownServiceError`` if no service has this id."""
    row = conn.execute(f"{_SELECT} WHERE id = ?", (service_id,)).fetchone()
    if row is None:
        raise UnknownServiceError(_("no service has the id '{id}'").format(id=service_id))
    return _from_row(row)


def others_changes(conn: Any) -> int:
    """A number that changes whenever another connection (another open copy, the command line) commits to the
    vault; this connection's own writes leave it alone (SQLite's ``PRAGMA data_version``)."""
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


@damage_guard()
def count_services(conn: Any) -> int:
    return int(conn.execute("SELECT count(*) FROM directory_service").fetchone()[0])


def check_service(service: Service, *, today: dt.date | None = None) -> None:
    """Raise ``DirectoryValidationError`` listing every problem with the entry."""
    problems = field_problems(service, today=today)
    if problems:
        raise DirectoryValidationError(service.id, problems)


def insert_row(conn: Any, service: Service) -> None:
    """Store a new service inside the caller's transaction (no checks, no audit: the caller does both)."""
    placeholders = ", ".join("?" for _c in _COLUMNS)
    conn.execute(f"INSERT INTO directory_service ({', '.join(_COLUMNS)}) VALUES ({placeholders})", _to_row(service))


def update_row(conn: Any, service: Service) -> None:
    """Overwrite a stored service inside the caller's transaction (no checks, no audit)."""
    assignments = ", ".join(f"{c} = ?" for c in _COLUMNS if c != "id")
    values = _to_row(service)[1:]
    conn.execute(
        f"UPDATE directory_service SET {assignments}, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?",
        (*values, service.id),
    )


# A change to any of these means the entry is no longer what someone checked against its source.
CONTACT_FIELDS = ("phone", "phone_note", "text_number", "text_note", "email", "website", "address", "hours")


def unverified_if_contacts_changed(old: Service, new: Service) -> Service:
    """``new``, with its "last verified" cleared when contact details changed but the verification did not.

    New contact details have not been checked against the service's official source: keeping the old
    date would mark them as checked, and take the entry off the overdue list.
    """
    contacts_changed = any(getattr(old, name) != getattr(new, name) for name in CONTACT_FIELDS)
    verification_kept = (old.last_verified, old.verified_by) == (new.last_verified, new.verified_by)
    if contacts_changed and verification_kept and new.last_verified is not None:
        return dataclasses.replace(new, last_verified=None, verified_by="")
    return new


def changed_fields(old: Service, new: Service) -> list[str]:
    """Names of the fields that differ, in field order."""
    return [name for name in _COLUMNS if getattr(old, name) != getattr(new, name)]


def add_service(conn: Any, service: Service, *, actor: str) -> Service:
    """Add a new service (validated); its id must not be taken."""
    check_service(service)
    with transaction(conn):
        if conn.execute("SELECT 1 FROM directory_service WHERE id = ?", (service.id,)).fetchone():
            taken = FieldProblem(
                "id", _("the id '{id}' is already taken").format(id=service.id),
                _("'{id}' is already taken").format(id=service.id),
            )
            raise DirectoryValidationError(service.id, [taken])
        insert_row(conn, service)
        record_directory_change(conn, actor=actor, action=ADD, record_ref=service_ref(service.id), detail={})
    return service


def update_service(conn: Any, service: Service, *, actor: str, base: Service | None = None) -> list[str]:
    """Store an edit of a service (validated); returns the names of the fields that changed.

    Args:
        base: the entry as the edit began. Only the fields the edit changed from it are written, onto the
            entry as it is now, so what someone else changed meanwhile in other fields is kept; if they
            changed one of the same fields to something else, ``ServiceChangedError`` and nothing is saved.
            Without it every field is replaced.
    """
    with transaction(conn):
        old = get_service(conn, service.id)
        if base is not None:
            edited = changed_fields(base, service)
            clashes = [
                name for name in edited if getattr(old, name) not in (getattr(base, name), getattr(service, name))
            ]
            if clashes:
                raise ServiceChangedError(old, clashes)
            service = dataclasses.replace(old, **{name: getattr(service, name) for name in edited})
        check_service(service)
        service = unverified_if_contacts_changed(old, service)
        changes = changed_fields(old, service)
        if changes:
            update_row(conn, service)
            record_directory_change(
                conn, actor=actor, action=EDIT, record_ref=service_ref(service.id), detail={"fields": changes}
            )
    return changes


def set_active(conn: Any, service_id: str, active: bool, *, actor: str) -> Service:
    """Deactivate (no longer suggested or offered) or reactivate a service. Services are never deleted."""
    with transaction(conn):
        service = dataclasses.replace(get_service(conn, service_id), active=active)
        update_row(conn, service)
        action = REACTIVATE if active else DEACTIVATE
        record_directory_change(conn, actor=actor, action=action, record_ref=service_ref(service_id), detail={})
    return service


def mark_verified(
    conn: Any, service_id: str, *, verified_by: str, actor: str, on: dt.date | None = None
) -> Service:
    """Record that ``verified_by`` checked the entry against the service's official source on ``on`` (today)."""
    with transaction(conn):
        service = dataclasses.replace(
            get_service(conn, service_id), last_verified=on or dt.date.today(), verified_by=verified_by.strip()
        )
        check_service(service)
        update_row(conn, service)
        record_directory_change(
            conn,
            actor=actor,
            action=VERIFY,
            record_ref=service_ref(service_id),
            detail={"on": service.last_verified.isoformat() if service.last_verified else None},
        )
    return service


@damage_guard()
def new_service_id(conn: Any, name: str) -> str:
    """A free id made from a name: "Leeds Recovery Hub" → "leeds-recovery-hub" (then -2, -3 …)."""
    base = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in name.lower())
    base = "-".join(part for part in base.split("-") if part)[:56] or "service"
    candidate, n = base, 1
    while conn.execute("SELECT 1 FROM directory_service WHERE id = ?", (candidate,)).fetchone():
        n += 1
        candidate = f"{base}-{n}"
    return candidate
