"""Make a leaflet's PDF bytes from a screening result or from directory categories: what the CLI and the UI call."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from app.directory.model import CATEGORIES, CATEGORY_LABELS, Service
from app.errors import SignpostError
from app.i18n import _
from app.instrument.scoring import Result
from app.leaflets import CRISIS_SERVICE_IDS
from app.leaflets.content import SubstanceRisk, build_leaflet


def risks_from_result(result: Result) -> list[SubstanceRisk]:
    """Each substance's settled band from a scored result, in instrument order.

    A substance whose band the answers still to come could change gets no advice: it could understate the risk.
    """
    return [SubstanceRisk(b.block.id, b.band.id) for b in result.answered_blocks]


def crisis_services(directory: Iterable[Service] | None = None) -> list[Service]:
    """The crisis lines to print, in a fixed order: each as ``directory`` has it, or as shipped where the
    directory has it deactivated or lacks it, and always with its number as shipped. Every leaflet carries them.
    """
    from app.directory.seed import load_seed_services, with_shipped_crisis_numbers

    shipped = {s.id: s for s in load_seed_services()}
    by_id = {s.id: s for s in directory or () if s.active}
    return with_shipped_crisis_numbers(by_id.get(i, shipped[i]) for i in CRISIS_SERVICE_IDS)


def in_categories(services: Iterable[Service], categories: Iterable[str]) -> list[Service]:
    """Active services in any of ``categories``, local ones first, each once, in a stable order.

    Raises ``SignpostError`` when there are none: a services leaflet would list only the crisis lines.
    """
    wanted = [c for c in CATEGORIES if c in set(categories)]
    if not wanted:
        raise SignpostError(_("choose at least one kind of service to include."))
    chosen = [s for s in services if s.active and set(wanted).intersection(s.categories)]
    if not chosen:
        raise SignpostError(_("the directory has no active service for {categories}, so the leaflet would list "
                              "none.").format(categories=", ".join(_(CATEGORY_LABELS[c]) for c in wanted)))
    return sorted(chosen, key=lambda s: (s.national, s.name.casefold(), s.id))


def screening_leaflet_pdf(
    language: str,
    *,
    risks: Sequence[SubstanceRisk],
    services: Sequence[Service],
    site_name: str,
    paper: str = "A4",
    directory: Iterable[Service] | None = None,
    today: dt.date | None = None,
) -> bytes:
    """The leaflet for one screening: advice per substance at risk, the chosen services, crisis lines."""
    return _leaflet_pdf(language, paper, directory, risks=risks, services=services, site_name=site_name, today=today)


def services_leaflet_pdf(
    language: str,
    *,
    services: Sequence[Service],
    site_name: str,
    paper: str = "A4",
    directory: Iterable[Service] | None = None,
    today: dt.date | None = None,
) -> bytes:
    """A general services leaflet (no screening behind it): the given directory entries and crisis lines."""
    return _leaflet_pdf(language, paper, directory, services=services, site_name=site_name, today=today, general=True)


def _leaflet_pdf(language: str, paper: str, directory: Iterable[Service] | None, **content: Any) -> bytes:
    from app.leaflets.render import render_pdf

    leaflet = build_leaflet(language, crisis_services=crisis_services(directory), **content)
    return render_pdf(leaflet, paper=paper)
