"""Where the UI reads the directory from, at the moment it is needed.

The open vault (``context.vault.conn``) when there is one, prepared once per session (first-run seed,
then the IT-managed file); otherwise the shipped national services, read-only. They also stand in, until the
next sign-in, for a vault whose directory cannot be read (a damaged page, the drive gone): ``fault`` then
says why, once, and the screening carries on.

The IT-managed file is read on a thread of its own and imported back on the UI thread when it arrives
(``managed_imported`` is then emitted): it often sits on a network share, and reading one that was slow or
unreachable froze the window at every sign-in (on Windows for the share's time-out, on a hard NFS mount for
good). The thread touches no vault and is not waited for when Signpost closes.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.directory.model import Service
from app.directory.seed import load_seed_services, with_shipped_crisis_numbers
from app.vault.errors import VaultDamagedError, VaultIOError
from ui.context import AppContext


class DirectorySource(QObject):
    """Reads ``context.vault`` each time (it changes at sign-in, lock and sign-out); never keeps the connection."""

    managed_imported = Signal()  # the IT-managed file has been read and imported (or its problem noted)
    fault = Signal(object)  # the open vault's directory cannot be read: the VaultError, once per vault session
    _managed_read = Signal(object, object)  # (session it was read for, ManagedRead), from the reading thread

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self._prepared: weakref.ref[Any] | None = None
        self._unreadable: weakref.ref[Any] | None = None  # the vault session whose directory could not be read
        self.managed_problem = ""
        self._managed_read.connect(self._import_managed)

    def session(self) -> Any | None:
        vault = self.context.vault
        if vault is None or getattr(vault, "conn", None) is None:
            return None
        if self._unreadable is not None and self._unreadable() is vault:
            return None
        with self._reading(vault):
            self._prepare(vault)
            return vault
        return None

    def conn(self) -> Any | None:
        session = self.session()
        return session.conn if session is not None else None

    def actor(self) -> str:
        session = self.session()
        return session.user.name if session is not None else ""

    def is_admin(self) -> bool:
        session = self.session()
        return bool(session is not None and getattr(session.user, "is_admin", False))

    def services(self) -> list[Service]:
        """The active services as they are now: the vault's, or the national ones when no vault is open."""
        conn = self.conn()
        if conn is not None:
            from app.directory.repository import list_services

            with self._reading(self.context.vault):
                # A crisis line's number as every leaflet prints it, whatever an older vault holds.
                return with_shipped_crisis_numbers(list_services(conn, active_only=True))
        return [s for s in load_seed_services() if s.active]

    @contextmanager
    def _reading(self, vault: Any) -> Iterator[None]:
        """Reads ``vault``'s directory; one that cannot be read is marked unreadable for the rest of that session,
        ``fault`` says why, and the block is left without raising."""
        try:
            yield
        except (VaultDamagedError, VaultIOError) as error:
            self._unreadable = weakref.ref(vault)
            self.fault.emit(error)

    def _prepare(self, vault: Any) -> None:
        """As ``app.directory.startup.prepare_directory`` does for the command line, except that the IT-managed
        file is read on a worker thread (a share can keep it waiting) and imported back on this one."""
        if self._prepared is not None and self._prepared() is vault:
            return
        from app.directory.seed import seed_if_empty

        seed_if_empty(vault.conn)
        self._prepared = weakref.ref(vault)
        self.managed_problem = ""
        path = self.context.config.directory_import_file
        if path is not None:
            threading.Thread(target=self._read_managed, args=(vault, path), name="signpost-managed-directory",
                             daemon=True).start()

    def _read_managed(self, vault: Any, path: Path) -> None:
        from app.directory.importing import read_managed_file

        read = read_managed_file(path)
        try:
            self._managed_read.emit(vault, read)
        except RuntimeError:  # the window closed while the share kept us waiting: nobody to import it for
            pass

    def _import_managed(self, vault: Any, read: Any) -> None:
        if self.context.vault is not vault or getattr(vault, "conn", None) is None:
            return  # locked or signed out meanwhile: the next sign-in reads it again
        from app.directory.importing import apply_managed_file

        with self._reading(vault):
            self.managed_problem = apply_managed_file(vault.conn, read).problem
        self.managed_imported.emit()
