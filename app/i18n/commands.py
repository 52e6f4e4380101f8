"""CLI: ``signpost languages`` lists every language with its own name and translation review status."""

from __future__ import annotations

import argparse

from app.i18n.domains import DOMAINS, LEAFLET_DOMAIN


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    languages = subparsers.add_parser(
        "languages",
        help="list languages: code, English name, own name, review status",
        description=(
            "One language per line, tab-separated: code, English name, own name, and whether a qualified "
            "translator has reviewed its catalog (from the catalog header; English is the source)."
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
    from app.i18n.languages import LANGUAGES
    from app.i18n.review import review_status

    return [
        "\t".join((lang.code, lang.english_name, lang.own_name, review_status(lang.code, domain).describe()))
        for lang in LANGUAGES
    ]


def _languages(args: argparse.Namespace) -> int:
    for line in language_lines(args.domain):
        print(line)
    return 0
