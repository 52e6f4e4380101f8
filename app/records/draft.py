"""A screening as the form holds it before (and while) it is saved."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt  # for the annotation only: the GUI builds its form without importing datetime

SETTINGS = ("ed", "ambulance", "ward", "other")
IDENTIFIER_KINDS = ("nhs_number", "local_number", "anonymous")


@dataclass(frozen=True)
class ScreeningDraft:
    """Everything the practitioner has entered for one screening.

    ``answers`` maps item ids of the instrument ``instrument_id``/``instrument_version`` to answers;
    ``service_ids`` are the directory services chosen for the leaflet.
    """

    instrument_id: str
    instrument_version: str
    answers: dict[str, str] = field(default_factory=dict)
    identifier_kind: str = "anonymous"
    identifier: str = ""
    date_of_birth: dt.date | None = None
    setting: str = ""
    under_mental_health_services: bool | None = None
    risk_to_self: bool = False
    service_ids: tuple[str, ...] = ()
