"""The pseudo-locale ``qps``: every UI string accented, about 40 % longer and mirrored right to left.

Under it, a clipped label shows a cut ``]`` bracket, a hard-coded string stays plain English, and
layouts are exercised right to left before real Arabic, Urdu or Persian arrive. The catalog is build
output: ``make catalogs`` runs ``python -m app.i18n.pseudo`` to write
``locales/qps/LC_MESSAGES/ui.po`` from ``locales/ui.pot``, then compiles it like any other.
Placeholders (``%(name)s``, ``{name}``, ``%d``), markup tags, entities and ``&`` accelerators are
kept exactly, so the pseudo catalog passes the same placeholder checks as a real one.
"""

from __future__ import annotations

import math
import os
import re
import sys
from pathlib import Path

from app.i18n.domains import UI_DOMAIN
from app.i18n.languages import PSEUDO
from app.paths import locales_dir

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: the text runs right to left
PDF = "\u202c"  # POP DIRECTIONAL FORMATTING: ends the override
EXPANSION = 0.4
PADDING_WORD = 8

_PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ACCENTED = "åƀçđéƒĝĥîĵķļɱñöþǫŕšŧüṽŵẋýžÅƁÇĐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŦÜṼŴẊÝŽ"
_ACCENT = str.maketrans(_PLAIN, _ACCENTED)

# Kept verbatim: printf and str.format placeholders, markup tags, entities, accelerators.
_PROTECTED = re.compile(
    r"%\([A-Za-z_]\w*\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"
    r"|%[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]"
    r"|\{[^{}]*\}"
    r"|<[^<>]*>"
    r"|&[A-Za-z]+;|&&|&."
)


def pseudo_text(message: str) -> str:
    """The pseudo-locale form of one UI message (empty stays empty)."""
    if not message:
        return message
    pieces: list[str] = []
    last = 0
    for match in _PROTECTED.finditer(message):
        pieces.append(message[last : match.start()].translate(_ACCENT))
        pieces.append(match.group(0))
        last = match.end()
    pieces.append(message[last:].translate(_ACCENT))
    added = max(4, math.ceil(len(message) * EXPANSION))
    return f"{RLO}[{''.join(pieces)} {_padding(added - 3)}]{PDF}"


def _padding(length: int) -> str:
    """``length`` characters of padding in word-sized groups: a real language's long text wraps at its spaces,
    so one unbreakable run would make a wrapping label wider than any translation could."""
    tildes = "~" * length
    return " ".join(tildes[start : start + PADDING_WORD] for start in range(0, length, PADDING_WORD))


def is_pseudo(text: str) -> bool:
    """True when ``text`` came from the pseudo-locale (catches strings that never went through ``_()``)."""
    return text.startswith(RLO)


def pseudo_catalog_path() -> Path:
    return locales_dir() / PSEUDO.code / "LC_MESSAGES" / f"{UI_DOMAIN}.po"


def write_pseudo_catalog(template: Path, target: Path) -> int:
    """Write the pseudo-locale PO catalog for every message in ``template``; returns the message count."""
    from babel.messages.pofile import read_po, write_po

    with template.open("rb") as source:
        catalog = read_po(source, locale=PSEUDO.code, domain=UI_DOMAIN)
    catalog.header_comment = (
        "# Pseudo-locale catalog: generated from locales/ui.pot by `python -m app.i18n.pseudo`.\n"
        "# Build output: do not edit or commit."
    )
    catalog.fuzzy = False  # a template's header is fuzzy, and pybabel compile skips fuzzy catalogs
    count = 0
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            message.string = tuple(pseudo_text(message.id[min(i, 1)]) for i in range(catalog.num_plurals))
        else:
            message.string = pseudo_text(message.id)
        message.flags.discard("fuzzy")
        count += 1
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        write_po(out, catalog, width=0)
    return count


def build_pseudo_catalog(template: Path | None = None) -> Path:
    """Write the pseudo-locale ``.po`` and compile its ``.mo`` (what ``make catalogs`` does); returns the ``.mo``.

    Args:
        template: the ``.pot`` to transform (default ``locales/ui.pot``; tests pass a fresh extraction).

    Both files are replaced atomically, so a reader never sees half a catalog.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po = pseudo_catalog_path()
    scratch = po.with_name(f".{po.name}.{os.getpid()}")
    write_pseudo_catalog(template or locales_dir() / f"{UI_DOMAIN}.pot", scratch)
    with scratch.open("rb") as source:
        catalog = read_po(source, locale=PSEUDO.code, domain=UI_DOMAIN)
    mo = po.with_suffix(".mo")
    compiled = mo.with_name(f".{mo.name}.{os.getpid()}")
    with compiled.open("wb") as out:
        write_mo(out, catalog)
    os.replace(scratch, po)
    os.replace(compiled, mo)
    return mo


def main(argv: list[str] | None = None) -> int:
    """``python -m app.i18n.pseudo`` (``make catalogs``): the pseudo-locale catalog from ``locales/ui.pot``."""
    del argv
    template = locales_dir() / f"{UI_DOMAIN}.pot"
    if not template.is_file():
        print(f"pseudo-locale: {template} is missing; run `make extract` first", file=sys.stderr)
        return 1
    mo = build_pseudo_catalog(template)
    print(f"pseudo-locale: {pseudo_catalog_path()} written and compiled to {mo.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
