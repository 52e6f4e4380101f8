"""National services shipped with Signpost (``resources/seed/national-services.json``), seeded on first run."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.directory.audit import DIRECTORY_REF, SEED, record_directory_change
from app.directory.formats import parse_document, service_from_fields
from app.directory.model import Service
from app.directory.repository import count_services, insert_row
from app.directory.validation import service_problems, shipped_crisis_numbers
from app.errors import SignpostError
from app.paths import resources_dir
from app.vault.database import transaction

SEED_ACTOR = "system (first-run seed)"


def seed_path() -> Path:
    return resources_dir() / "seed" / "national-services.json"


@lru_cache(maxsize=2)
def _seed(path: Path) -> tuple[tuple[Service, ...], str]:
    data = path.read_bytes()
    services = []
    for row in parse_document(data, path.name, "json"):
        service = service_from_fields(row.fields) if not row.problems else None
        problems = row.problems or service_problems(service)  # type: ignore[arg-type]
        if problems:
            raise SignpostError(f"{path}: service {row.number} ({row.id or 'no id'}): {'; '.join(problems)}")
        services.append(service)
    return tuple(services), hashlib.sha256(data).hexdigest()  # type: ignore[return-value]


def load_seed_services(path: Path | None = None) -> list[Service]:
    """The shipped national services, read-only, without a database (the demo and the locked app use these)."""
    return list(_seed(path or seed_path())[0])


def seed_if_empty(conn: Any, path: Path | None = None) -> int:
    """On first run (no service stored yet) store the shipped national services; returns how many were added."""
    if count_services(conn):
        return 0  # the usual case, found without taking the write lock another copy may be holding
    path = path or seed_path()
    services, digest = _seed(path)
    with transaction(conn):
        if count_services(conn):  # seeded meanwhile by another copy
            return 0
        for service in services:
            insert_row(conn, service)
        conn.execute(
            "INSERT INTO directory_import (source, kind, sha256, mtime_ns, added, changed, actor)"
            " VALUES (?, 'seed', ?, NULL, ?, 0, ?)",
            (path.name, digest, len(services), SEED_ACTOR),
        )
        record_directory_change(
            conn, actor=SEED_ACTOR, action=SEED, record_ref=DIRECTORY_REF, detail={"added": len(services)}
        )
    return len(services)


def with_shipped_crisis_numbers(services: Iterable[Service]) -> list[Service]:
    """``services`` with each crisis line's phone number as shipped: the directory refuses any other, but a vault
    may hold one from before that, and a number typed in another layout ("116-123") is shown as shipped."""
    shipped = shipped_crisis_numbers()
    return [replace(s, phone=shipped[s.id]) if s.id in shipped else s for s in services]
