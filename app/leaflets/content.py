"""What a leaflet says, as plain data: every block of text in the patient's language and in English.

No ReportLab here. Service facts (names, phone numbers, hours, addresses, websites) come from the
directory as plain text and are never translated; the text around them is marked with ``L_`` and
translated through the ``leaflet`` catalog. No patient identifier is ever taken in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.directory.model import Service
from app.leaflets import LEAFLET_VERSION
from app.leaflets.advice import ADVICE_BANDS, band_sentence, substance_advice, substance_name
from app.leaflets.catalog import L_, LeafletCatalog, load_catalog
from app.leaflets.national_text import NATIONAL_HOURS, NATIONAL_SUMMARIES

# Each crisis line's patient-language description. 999 is given as text, not as a service.
CRISIS_DESCRIPTIONS = {
    "nhs-111-mental-health": L_("Call %(phone)s and choose the mental health option. For any age, day or night."),
    "samaritans": L_("Free, confidential listening, day or night. You do not have to be suicidal to call."),
}


_TRANSLATED_SUMMARIES = frozenset(NATIONAL_SUMMARIES.values())
_TRANSLATED_HOURS = frozenset(NATIONAL_HOURS.values())


@dataclass(frozen=True)
class Text:
    """One block of text: ``patient`` in the leaflet language, ``english`` the same in English."""

    patient: str
    english: str


@dataclass(frozen=True)
class DetailRow:
    """A labelled fact about a service.

    ``value`` and ``note`` are directory text, shown as is (``value`` kept on one line when ``unbreakable``);
    ``translated`` is our own text in both languages.
    """

    label: Text
    value: str = ""
    note: str = ""
    translated: Text | None = None
    unbreakable: bool = False


@dataclass(frozen=True)
class ServiceEntry:
    name: str
    summary: str
    rows: tuple[DetailRow, ...]
    website: str = ""
    description: Text | None = None


@dataclass(frozen=True)
class SubstanceAdvice:
    substance: Text
    band: Text
    advice: tuple[Text, ...]


@dataclass(frozen=True)
class Section:
    heading: Text
    paragraphs: tuple[Text, ...] = ()
    services: tuple[ServiceEntry, ...] = ()
    advice: tuple[SubstanceAdvice, ...] = ()
    kind: str = "plain"  # "plain", "advice" or "crisis"


@dataclass(frozen=True)
class Footer:
    site_name: str
    date: Text
    version: Text
    unreviewed_notice: Text | None


@dataclass(frozen=True)
class Leaflet:
    """Everything printed on one leaflet, in reading order."""

    language: str
    title: Text
    intro: Text
    sections: tuple[Section, ...]
    footer: Footer

    @property
    def bilingual(self) -> bool:
        return self.language != "en"


@dataclass(frozen=True)
class SubstanceRisk:
    """A substance (instrument block id) and its risk band id."""

    substance: str
    band: str


class _Translator:
    def __init__(self, catalog: LeafletCatalog) -> None:
        self.catalog = catalog

    def text(self, message: str, **values: str) -> Text:
        patient = self.catalog.gettext(message)
        if values:
            return Text(patient % values, message % values)
        return Text(patient, message)


def build_leaflet(
    language: str,
    *,
    risks: Sequence[SubstanceRisk] = (),
    services: Sequence[Service] = (),
    crisis_services: Sequence[Service] = (),
    site_name: str = "",
    today: dt.date | None = None,
    general: bool = False,
) -> Leaflet:
    """Assemble a leaflet.

    Args:
        language: leaflet language code (``en`` or a code with a compiled ``leaflet`` catalog).
        risks: substances and bands from the screening; only moderate and high get advice.
        services: the services chosen for the patient (or, for a general leaflet, from the directory).
        crisis_services: the national services for the crisis section (see ``build.crisis_services``).
        site_name: printed in the footer.
        today: the date printed in the footer (default: today).
        general: a services leaflet with no screening behind it (no advice section).

    Returns:
        The leaflet as plain data, ready for ``render.render_pdf``.
    """
    t = _Translator(load_catalog(language))
    today = today or dt.date.today()
    sections: list[Section] = []
    if general:
        title = t.text(L_("Help is here when you want it"))
        intro = t.text(
            L_("This leaflet lists services that can help. Keep it, and contact them whenever you are ready.")
        )
    else:
        title = t.text(L_("Thank you for talking with us today"))
        advice = _advice_section(t, risks)
        if advice:
            sections.append(advice)
            intro = t.text(
                L_(
                    "This leaflet is yours to keep. It has some advice and details of services that can "
                    "help, whenever you are ready."
                )
            )
        else:  # no substance at moderate or high risk: no advice to promise
            intro = t.text(
                L_("This leaflet is yours to keep. It has details of services that can help, whenever you are ready.")
            )
    crisis_ids = {s.id for s in crisis_services}
    chosen = [s for s in services if s.active and s.id not in crisis_ids]
    local = [s for s in chosen if not s.national]
    national = [s for s in chosen if s.national]
    scan_note = t.text(L_("Scan a square code with your phone camera to open the service's website."))
    if local:
        heading = L_("Local services") if general else L_("Services that can help you")
        notes = (scan_note,) if any(s.website for s in local) else ()
        sections.append(Section(t.text(heading), notes, tuple(_service_entry(t, s) for s in local)))
    if national:
        notes = (scan_note,) if any(s.website for s in national) and not local else ()
        sections.append(
            Section(t.text(L_("National helplines")), notes, tuple(_service_entry(t, s) for s in national))
        )
    sections.append(_crisis_section(t, crisis_services))
    return Leaflet(language, title, intro, tuple(sections), _footer(t, language, site_name, today))


def _advice_section(t: _Translator, risks: Iterable[SubstanceRisk]) -> Section | None:
    advice = tuple(
        SubstanceAdvice(
            t.text(name),
            t.text(band_sentence(risk.band)),
            tuple(t.text(message) for message in substance_advice(risk.substance, risk.band)),
        )
        for risk in risks
        if risk.band in ADVICE_BANDS and (name := substance_name(risk.substance)) is not None
    )
    if not advice:
        return None
    return Section(t.text(L_("About your answers today")), advice=advice, kind="advice")


def _service_entry(t: _Translator, service: Service) -> ServiceEntry:
    rows: list[DetailRow] = []
    if service.phone:
        rows.append(DetailRow(t.text(L_("Phone")), service.phone, note=service.phone_note, unbreakable=True))
    if service.text_number:
        rows.append(
            DetailRow(t.text(L_("Text message")), service.text_number, note=service.text_note, unbreakable=True)
        )
    if service.hours in _TRANSLATED_HOURS and t.catalog.language != "en":
        rows.append(DetailRow(t.text(L_("Opening hours")), translated=t.text(service.hours)))
    elif service.hours:
        rows.append(DetailRow(t.text(L_("Opening hours")), service.hours))
    if service.address:
        rows.append(DetailRow(t.text(L_("Address")), service.address))
    if service.email:
        rows.append(DetailRow(t.text(L_("Email")), service.email, unbreakable=True))
    if service.website:
        rows.append(DetailRow(t.text(L_("Website")), service.website, unbreakable=True))
    if any(name.casefold() != "english" for name in service.languages):  # "English" alone goes without saying
        rows.append(DetailRow(t.text(L_("Languages spoken")), ", ".join(service.languages)))
    if service.self_referral is True:
        rows.append(DetailRow(t.text(L_("Referral")), translated=t.text(L_("You can contact them yourself."))))
    elif service.self_referral is False:
        rows.append(
            DetailRow(t.text(L_("Referral")), translated=t.text(L_("Ask your GP or the hospital team to refer you.")))
        )
    description = None
    if service.summary in _TRANSLATED_SUMMARIES and t.catalog.language != "en":
        description = t.text(service.summary)
    return ServiceEntry(service.name, service.summary, tuple(rows), website=service.website, description=description)


def _crisis_section(t: _Translator, crisis_services: Sequence[Service]) -> Section:
    entries = []
    for service in crisis_services:
        message = CRISIS_DESCRIPTIONS.get(service.id)
        description = t.text(message, phone=service.phone) if message and service.phone else None
        rows = (DetailRow(t.text(L_("Phone")), service.phone, unbreakable=True),) if service.phone else ()
        entries.append(ServiceEntry(service.name, service.summary, rows, description=description))
    return Section(
        t.text(L_("If you need help urgently")),
        (t.text(L_("If a life is at risk now, call 999.")),),
        tuple(entries),
        kind="crisis",
    )


def _footer(t: _Translator, language: str, site_name: str, today: dt.date) -> Footer:
    from app.i18n import format_date

    date = Text(
        t.catalog.gettext(L_("Date: %(date)s")) % {"date": format_date(today, language)},
        f"Date: {format_date(today, 'en')}",
    )
    version = t.text(L_("Leaflet version %(version)s"), version=LEAFLET_VERSION)
    notice = None
    if not t.catalog.reviewed:
        notice = t.text(L_("This translation has not yet been checked by a qualified translator."))
    return Footer(site_name, date, version, notice)
