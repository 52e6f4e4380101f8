"""Every directory the product reads or writes comes from here, so each can be redirected."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def resources_dir() -> Path:
    """Read-only resources (instruments, policy, seed data, fonts), also inside a frozen build."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def locales_dir() -> Path:
    """gettext catalogs: ``<lang>/LC_MESSAGES/{ui,leaflet}.mo``."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "locales"
    return Path(__file__).resolve().parent.parent / "locales"


def default_config_file() -> Path:
    """The machine-wide TOML file that IT sets once."""
    if sys.platform == "win32":
        return Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / "Signpost" / "signpost.toml"
    return Path("/etc/signpost/signpost.toml")


def default_data_dir() -> Path:
    """Per-machine data directory holding the vault (``signpost.db``, ``keyslots.json``, ``backups/``)."""
    if sys.platform == "win32":
        return Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / "Signpost"
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "signpost"
