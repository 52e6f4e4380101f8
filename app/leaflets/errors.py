"""Faults a user can fix when a leaflet cannot be made: a missing font file or translation catalog."""

from __future__ import annotations

from pathlib import Path

from app.errors import SignpostError


class LeafletFontError(SignpostError):
    """A font the leaflet needs is missing or unreadable; the message names the file."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        super().__init__(f"leaflet font {path.name} {problem} ({path}); reinstall Signpost or restore resources/fonts")


class LeafletCatalogError(SignpostError):
    """The compiled leaflet translation for a language is missing or unreadable; the message names it."""

    def __init__(self, language: str, path: Path, problem: str) -> None:
        self.language = language
        self.path = path
        super().__init__(
            f"leaflet translation for '{language}' {problem} ({path}); "
            "compile the catalogs (make catalogs) or reinstall Signpost"
        )
