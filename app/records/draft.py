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


@dataclass(frozen=True)
class SavedDraft:
    """A draft as the form last saved it, and the record (and version of it) it was saved as."""

    draft: ScreeningDraft
    reference: str
    version: int = 1


# What an amendment made on the form after saving changed, in the words stored with the new version.
# Stored record text, like audit details, so not translated: any later reader sees the same words.
_PARTS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("answers",), "answers"),
    (("identifier_kind", "identifier"), "patient identifier"),
    (("date_of_birth",), "date of birth"),
    (("setting",), "setting"),
    (("under_mental_health_services",), "under mental health services"),
    (("risk_to_self",), "risk to self"),
    (("service_ids",), "services chosen"),
    (("instrument_id", "instrument_version"), "instrument"),
)


def changes_after_saving(saved: ScreeningDraft, now: ScreeningDraft) -> str:
    """The amendment reason for ``now`` replacing ``saved`` on the form that saved it, naming what changed."""
    changed = [name for fields, name in _PARTS if any(getattr(saved, f) != getattr(now, f) for f in fields)]
    return "Changed on the screening form after saving: " + ", ".join(changed) + "."


# Why Save cannot be sure the form still holds the patient its screening was saved for (see ``patient_doubt``).
IDENTITY = "identity"
ANSWERS = "answers"
SAME_IDENTIFIER = "same_identifier"

# What, besides the identifier, tells one patient's screening from the next one's.
_ABOUT_THE_PATIENT = ("date_of_birth", "answers", "risk_to_self", "under_mental_health_services")


def patient_doubt(saved: ScreeningDraft, now: ScreeningDraft) -> tuple[str, tuple[str, ...]] | None:
    """Why ``now`` may be another patient than the one ``saved`` was saved for, with the fields that changed
    (of ``date_of_birth``, ``answers``, ``risk_to_self``, ``under_mental_health_services``), or None.

    ``IDENTITY``: the identifier has changed (a new record for the new one is right). ``SAME_IDENTIFIER``: the
    identifier is as saved but something else about the patient has changed: a correction, or the next patient
    screened over the form without New screening and without a new identifier, whose record must not carry the
    first one's. ``ANSWERS``: saved with no identifier, and something about the patient has changed. A change to
    the setting or the services chosen alone raises no doubt.
    """
    if (saved.identifier_kind, saved.identifier) != (now.identifier_kind, now.identifier):
        return IDENTITY, ()
    changed = tuple(name for name in _ABOUT_THE_PATIENT if getattr(saved, name) != getattr(now, name))
    if not changed:
        return None
    return (SAME_IDENTIFIER if saved.identifier.strip() else ANSWERS), changed
