"""Where the UI reads the directory from, at the moment it is needed.

The open vault (``context.vault.conn``) when there is one, prepared once per session (first-run seed,
then the IT-managed file); otherwise the shipped national services, read-only.
"""

from __future__ import annotations

import weakref
from typing import Any

from app.directory.model import Service
from app.directory.seed import load_seed_services
from ui.context import AppContext


class DirectorySource:
    """Reads ``context.vault`` each time (it changes at sign-in, lock and sign-out); never keeps the connection."""

    def __init__(self, context: AppContext) -> None:
        self.context = context
        self._prepared: weakref.ref[Any] | None = None
        self.managed_problem = ""

    def session(self) -> Any | None:
        vault = self.context.vault
        if vault is None or getattr(vault, "conn", None) is None:
            return None
        self._prepare(vault)
        return vault

    def conn(self) -> Any | None:
        session = self.session()
        return session.conn if session is not None else None

    def actor(self) -> str:
        session = self.session()
        return session.user.name if session is not None else ""

    def is_admin(self) -> bool:
        session = self.session()
        return bool(session is not None and getattr(session.user, "is_admin", False))

    def services(self, *, active_only: bool = True) -> list[Service]:
        """The directory as it is now: the vault's services, or the national services when no vault is open."""
        conn = self.conn()
        if conn is None:
            return [s for s in load_seed_services() if s.active or not active_only]
        from app.directory.repository import list_services

        return list_services(conn, active_only=active_only)

    def _prepare(self, vault: Any) -> None:
        if self._prepared is not None and self._prepared() is vault:
            return
        from app.directory.startup import prepare_directory

        outcome = prepare_directory(vault.conn, self.context.config)
        self.managed_problem = outcome.problem if outcome is not None else ""
        self._prepared = weakref.ref(vault)
