"""What every part of the window may read about the running app: config, demo mode, data, vault."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.config import Config


@dataclass
class AppContext:
    """Shared state of one running app.

    ``vault`` is the vault feature's session object (``.conn``, ``.user``) or ``None`` while no vault
    is open (before sign-in, while locked, or before the vault feature is installed). It changes over
    time: read ``window.context.vault`` when you need it, never keep the connection.
    ``data_dir`` is ``None`` in a demo, which keeps nothing on disk.
    """

    config: Config
    demo: bool
    data_dir: Path | None
    vault: Any | None = None
