"""CLI: ``signpost languages`` lists every language with its own name, review status and, where a catalog
is incomplete, how much of it is translated; a language whose leaflets cannot be printed (no compiled catalog)
is named, and the command then fails."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
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
            "translator has reviewed its catalogue (from the catalogue header; English is the source), followed, "
            "when the catalogue is incomplete, by how many of the template's messages it translates "
            "(as 'unreviewed, N of M translated'; untranslated staff UI text is shown in English). For leaflets, a "
            "language whose compiled catalogue is missing is named, and the command exits with status 1."
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
    """Review status, with the share translated when the catalog is incomplete: ``unreviewed, N of M translated``;
    for leaflets, whether they can be printed at all (see ``unprintable``)."""
    from app.i18n.coverage import coverage
    from app.i18n.review import SOURCE, review_status

    status = review_status(code, domain)
    if status.state == SOURCE:
        return status.describe()
    done = coverage(code, domain, wanted)
    text = status.describe()
    if not done.complete:
        text = _("{status}, {translated} of {total} translated").format(
            status=text, translated=done.translated, total=done.total
        )
    missing = unprintable(code) if domain == LEAFLET_DOMAIN else None
    if missing is not None:
        text = _("{status}; leaflets cannot be printed: {file} is missing").format(status=text, file=missing)
    return text


def unprintable(code: str) -> Path | None:
    """The compiled leaflet catalog a language lacks (leaflets in it then cannot be made), or ``None``.

    Staff UI catalogs are not checked: a language without one is simply not offered in the window.
    """
    from app.i18n.review import catalog_path

    compiled = catalog_path(code, LEAFLET_DOMAIN).with_suffix(".mo")
    return None if code == "en" or compiled.is_file() else compiled


def _languages(args: argparse.Namespace) -> int:
    from app.i18n.languages import LANGUAGES

    for line in language_lines(args.domain):
        print(line)
    if args.domain != LEAFLET_DOMAIN:
        return 0
    missing = [lang.code for lang in LANGUAGES if unprintable(lang.code) is not None]
    if missing:
        print(
            _("Leaflets cannot be printed in: {languages}. Compile the catalogs (make catalogs) or reinstall "
              "Signpost.").format(languages=", ".join(missing)),
            file=sys.stderr,
        )
        return 1
    return 0
