"""CLI: ``signpost languages`` lists every language with its own name, review status and, where a catalog
is incomplete, how much of it is translated."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

from app.i18n import _
from app.i18n.domains import DOMAINS, LEAFLET_DOMAIN

if TYPE_CHECKING:
    from app.i18n.coverage import MessageId


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    languages = subparsers.add_parser(
        "languages",
        help="list languages: code, English name, own name, review status",
        description=(
            "One language per line, tab-separated: code, English name, own name, and whether a qualified "
            "translator has reviewed its catalog (from the catalog header; English is the source), followed, "
            "when the catalog is incomplete, by how many of the template's messages it translates "
            "(e.g. 'unreviewed, 5 of 435 translated'; untranslated staff UI text is shown in English)."
        ),
    )
    languages.add_argument(
        "--domain",
        choices=DOMAINS,
        default=LEAFLET_DOMAIN,
        help="whose review status to show: the patient leaflet (default) or the staff UI",
    )
    languages.set_defaults(handler=_languages)


def language_lines(domain: str) -> list[str]:
    """The lines ``signpost languages`` prints, English first."""
    from app.i18n.coverage import template_ids
    from app.i18n.languages import LANGUAGES

    wanted = template_ids(domain)
    return [
        "\t".join((lang.code, lang.english_name, lang.own_name, language_status(lang.code, domain, wanted)))
        for lang in LANGUAGES
    ]


def language_status(code: str, domain: str, wanted: Sequence[MessageId] | None) -> str:
    """Review status, with the share translated when the catalog is incomplete: ``unreviewed, 5 of 435 translated``."""
    from app.i18n.coverage import coverage
    from app.i18n.review import SOURCE, review_status

    status = review_status(code, domain)
    if status.state == SOURCE:
        return status.describe()
    done = coverage(code, domain, wanted)
    if done.complete:
        return status.describe()
    return _("{status}, {translated} of {total} translated").format(
        status=status.describe(), translated=done.translated, total=done.total
    )


def _languages(args: argparse.Namespace) -> int:
    for line in language_lines(args.domain):
        print(line)
    return 0
