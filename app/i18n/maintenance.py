"""Catalog upkeep behind ``make extract`` and ``make update``: ``pybabel extract``, ``init`` and ``update``.

``extract`` holds the one definition of what each domain extracts (inputs and keywords; the file
mapping is ``babel.cfg``). ``update`` keeps the review header:
Babel rewrites PO headers from the fields it knows and silently drops ``X-`` fields
(python-babel/babel#772), which would erase who reviewed a translation. So ``update`` reads each
catalog's review fields first, runs ``pybabel update`` and writes them back. Every registry language
gets a ``ui`` catalog (created unreviewed when missing); ``leaflet`` catalogs are created by the
leaflet owner and only updated here. Run it as ``python -m app.i18n.maintenance update``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import app
from app.i18n.domains import DOMAINS, LEAFLET_DOMAIN, UI_DOMAIN
from app.i18n.languages import PSEUDO, language_codes
from app.i18n.review import REVIEW_FIELDS, STATUS_FIELD, UNREVIEWED, read_header
from app.paths import locales_dir

PROJECT_ROOT = Path(app.__file__).resolve().parent.parent

# What each domain is extracted from, with which keywords (docs/translations.md).
EXTRACTION: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    UI_DOMAIN: (("ui", "app", "resources/policy"), ("_", "N_", "ngettext:1,2")),
    LEAFLET_DOMAIN: (("app/leaflets",), ("L_",)),
}


def extract(domain: str, template: Path) -> None:
    """Run ``pybabel extract`` for ``domain`` over the source tree, writing ``template`` (a ``.pot``).

    Runs in the project root so that source locations read ``ui/main_window.py:12``.
    """
    inputs, keywords = EXTRACTION[domain]
    command = [
        sys.executable, "-m", "babel.messages.frontend", "--quiet", "extract", "--mapping-file", "babel.cfg",
        "--no-default-keywords", *(f"--keyword={keyword}" for keyword in keywords),
        "--add-comments=Translators:", "--sort-by-file", "--project=Signpost", f"--version={app.__version__}",
        "--output-file", str(template), *inputs,
    ]
    subprocess.run(command, cwd=PROJECT_ROOT, check=True)


def _pybabel(*args: str) -> None:
    from babel.messages.frontend import CommandLineInterface

    CommandLineInterface().run(["pybabel", "--quiet", *args])


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def set_header_fields(path: Path, fields: dict[str, str]) -> None:
    """Replace or add header fields (``{"X-Review-Status": "unreviewed"}``) in a PO file's header entry.

    The header entry is rewritten one field per line, so wrapped values are handled too.
    """
    merged = {**read_header(path), **fields}
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == 'msgid ""')
    end = start + 1
    while end < len(lines) and lines[end].strip().startswith(("msgstr", '"')):
        end += 1
    header = ['msgid ""\n', 'msgstr ""\n'] + [f'"{name}: {_escape(value)}\\n"\n' for name, value in merged.items()]
    path.write_text("".join(lines[:start] + header + lines[end:]), encoding="utf-8")


def _catalogs(root: Path, domain: str) -> list[Path]:
    return sorted(path for path in root.glob(f"*/LC_MESSAGES/{domain}.po") if path.parts[-3] != PSEUDO.code)


def update(domain: str, *, locales: Path | None = None) -> list[Path]:
    """Bring every catalog of ``domain`` up to date with ``<locales>/<domain>.pot``; returns the catalogs.

    Args:
        domain: ``ui`` or ``leaflet``.
        locales: the catalog tree (default: the project's ``locales/``).
    """
    root = locales or locales_dir()
    template = root / f"{domain}.pot"
    if not template.is_file():
        return []
    if domain == UI_DOMAIN:
        for code in language_codes():
            path = root / code / "LC_MESSAGES" / f"{domain}.po"
            if code != "en" and not path.exists():
                _pybabel("init", "--domain", domain, "--input-file", str(template),
                         "--output-dir", str(root), "--locale", code)
                set_header_fields(path, {STATUS_FIELD: UNREVIEWED})
    catalogs = _catalogs(root, domain)
    saved = {path: {k: v for k, v in read_header(path).items() if k in REVIEW_FIELDS} for path in catalogs}
    for path in catalogs:
        _pybabel("update", "--domain", domain, "--input-file", str(template), "--output-file", str(path),
                 "--locale", path.parts[-3], "--ignore-pot-creation-date")
        set_header_fields(path, saved[path] or {STATUS_FIELD: UNREVIEWED})
    return catalogs


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["extract"]:
        for domain in DOMAINS:
            extract(domain, locales_dir() / f"{domain}.pot")
            print(f"{domain}: extracted to {locales_dir() / f'{domain}.pot'}")
        return 0
    if args != ["update"]:
        print("usage: python -m app.i18n.maintenance extract|update", file=sys.stderr)
        return 2
    for domain in DOMAINS:
        catalogs = update(domain)
        print(f"{domain}: {len(catalogs)} catalogs updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
