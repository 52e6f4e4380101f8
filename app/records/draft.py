"""A screening as the form holds it before (and while) it is saved."""

from __future__ import annotations

from collections.abc import Collection
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


def is_anonymous(draft: ScreeningDraft) -> bool:
    """Whether ``draft`` names nobody: no identifier and no date of birth."""
    return not draft.identifier.strip() and draft.date_of_birth is None


# Why Save cannot be sure the form still holds the patient its screening was saved for (see ``patient_doubt``).
IDENTITY = "identity"
ANSWERS = "answers"
SUBSTANCES = "substances"


def patient_doubt(saved: ScreeningDraft, now: ScreeningDraft, gates: Collection[str]) -> str | None:
    """Why ``now`` may be another patient than the one ``saved`` was saved for, or None when it surely is not.

    ``IDENTITY``: the identifier or date of birth has changed. ``ANSWERS``: the screening names nobody and its
    answers have changed. ``SUBSTANCES``: it names a patient and the answers to ``gates`` (whether each substance
    was used) have changed, as when the next patient is screened over it without New screening and without
    changing the identifier. Other corrections (a follow-up answer, the setting, the services) raise no doubt.
    """
    if (saved.identifier_kind, saved.identifier, saved.date_of_birth) != (
        now.identifier_kind, now.identifier, now.date_of_birth
    ):
        return IDENTITY
    if is_anonymous(saved):
        return None if saved.answers == now.answers else ANSWERS
    return None if all(saved.answers.get(gate) == now.answers.get(gate) for gate in gates) else SUBSTANCES
