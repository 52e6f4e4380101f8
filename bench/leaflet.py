"""Leaflet rendering time: per script, warm, against a bare ReportLab one-page PDF; and the first leaflet
in a fresh process.

What is timed (``python -m bench leaflet``), medians of several runs:

* **Bare** (the goal's baseline): a one-page ReportLab platypus document built the ordinary way:
  ``SimpleDocTemplate`` into memory, a heading and four paragraphs of body text in the standard
  Helvetica font (nothing to embed, no shaping, no tables, no pictures).
* **Leaflet, warm**: a full demo screening leaflet (content from the catalog, script runs, HarfBuzz
  shaping, QR codes, subset fonts, PDF bytes in memory) in one language of each script, in a process
  that has already made it once (fonts registered, catalogs loaded, as in a running app). A leaflet
  is several A4 pages (printed in the last column). Per-process caches in ``app.leaflets`` are keyed
  by text, font and size, or by website, never by leaflet: parsed paragraphs, shaped words,
  script-run markup, QR codes. A running app prints the same catalog sentences and directory entries
  again and again, so this is what staff see from the second leaflet on.
* **New text**: the same leaflet right after ``render.forget_text()`` has emptied those text caches
  (QR codes and fonts stay): what a leaflet costs whose sentences this process has not printed yet,
  e.g. the first in a language since the app started.
* **Same text, plain**: the leaflet's words (both languages, every block) as plain Helvetica
  ``Paragraph``\\ s in one ``SimpleDocTemplate``: no tables, fonts to embed, shaping or QR codes;
  characters outside Latin-1 become '?', so the amount of text is there but not its scripts.

The four are timed in turn, script by script, so machine noise hits them alike; the bare page is
then a little slower than alone in a tight loop (the leaflet has used the CPU caches), and its time
alone is printed too. Printed per script, each labelled: the bare page's time; the warm leaflet and
``x bare`` (the issue's goal: at most 3x; it compares a whole multi-page leaflet with one plain
page, so it grows with the leaflet's length); the warm time per page and ``x bare`` per page
(separates what a page costs from how many pages a script needs: Urdu's Nastaliq is tall); the
new-text time and ``x bare``; the plain same-text time, its ``x bare`` (what ReportLab alone needs to
set that much text: a floor under any leaflet carrying these words) and ``leaflet/plain`` (what our
layout, fonts and shaping cost on top of it).

**First**: a fresh ``python`` process imports the leaflet code, registers the fonts it needs and
makes one leaflet; goal at most 1 s (timed inside that process, from before the first import to
the PDF bytes, so interpreter start-up is left out).
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 11
WARM_GOAL = 3.0
FIRST_GOAL_S = 1.0
SCRIPTS = {
    "Latin": "pl",
    "Cyrillic": "uk",
    "Arabic": "ar",
    "Nastaliq": "ur",
    "Bengali": "bn",
    "Gurmukhi": "pa",
    "Gujarati": "gu",
    "Tamil": "ta",
    "Chinese": "zh_Hans",
}
BARE_HEADING = "Support after your visit today"
BARE_PARAGRAPHS = (
    "Thank you for talking with us today. This leaflet gives some advice about the substances we talked "
    "about, and the details of local and national services that can help you. You can contact them "
    "yourself: you do not need a referral from your doctor.",
    "Drinking more than 14 units of alcohol a week, regularly, puts your health at risk. It is safest to "
    "spread your drinking over three or more days, and to have several drink-free days each week.",
    "Stopping smoking is the best thing you can do for your health. Your local stop smoking service "
    "offers free support and medicines, and you are up to three times more likely to stop with their help.",
    "If you feel you cannot keep yourself safe, call NHS 111 and choose the mental health option, or call "
    "999 in an emergency. Samaritans are there to listen, day or night, on 116 123.",
)

FIRST = """
import time, datetime as dt
t0 = time.perf_counter()
from app.leaflets.build import screening_leaflet_pdf, risks_from_result
from app.leaflets.result_file import demo_screening
from app.directory.seed import load_seed_services
from app.directory.rules import suggest
screening = demo_screening()
directory = load_seed_services()
services = suggest(screening.result, under_mental_health_services=False, risk_to_self=False, services=directory)
pdf = screening_leaflet_pdf({lang!r}, risks=risks_from_result(screening.result), services=services, site_name="Bench",
                            directory=directory, today=dt.date(2026, 11, 26))
print(time.perf_counter() - t0, len(pdf))
"""


def bare_pdf() -> bytes:
    """A one-page platypus document: a heading and four paragraphs in Helvetica."""
    import io

    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    buffer = io.BytesIO()
    styles = getSampleStyleSheet()
    story = [Paragraph(BARE_HEADING, styles["Heading1"])]
    story += [Paragraph(text, styles["BodyText"]) for text in BARE_PARAGRAPHS]
    SimpleDocTemplate(buffer).build(story)
    return buffer.getvalue()


def plain_text_pdf(leaflet: object) -> bytes:
    """The leaflet's words as plain Helvetica paragraphs (Latin-1 only: other scripts become '?')."""
    import io
    from xml.sax.saxutils import escape

    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    texts: list[str] = []

    def collect(value: object) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                collect(item)
        elif hasattr(value, "__dataclass_fields__"):
            for name in value.__dataclass_fields__:  # type: ignore[attr-defined]
                collect(getattr(value, name))

    collect(leaflet)
    style = getSampleStyleSheet()["BodyText"]
    story = [Paragraph(escape(t.encode("latin-1", "replace").decode("latin-1")), style) for t in texts if t.strip()]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer).build(story)
    return buffer.getvalue()


def page_count(pdf: bytes) -> int:
    """Pages in a ReportLab PDF (its single page tree's /Count)."""
    found = re.search(rb"/Count (\d+)", pdf)
    if found is None:
        raise ValueError("no page tree in the PDF")
    return int(found.group(1))


def median_times(makers: list[tuple[Callable[[], object], Callable[[], object]]], runs: int = RUNS) -> list[float]:
    """The median time of each ``(prepare, make)`` pair's ``make`` (``prepare`` runs untimed just before it);
    the pairs run in turn ``runs`` times so machine noise hits them alike."""
    times: list[list[float]] = [[] for _ in makers]
    for _ in range(runs):
        for (prepare, make), samples in zip(makers, times, strict=True):
            prepare()
            start = time.perf_counter()
            make()
            samples.append(time.perf_counter() - start)
    return [statistics.median(samples) for samples in times]


def _nothing() -> None:
    pass


def main() -> None:
    import datetime as dt

    from app.directory.rules import suggest
    from app.directory.seed import load_seed_services
    from app.leaflets.build import crisis_services, risks_from_result, screening_leaflet_pdf
    from app.leaflets.content import build_leaflet
    from app.leaflets.render import forget_text
    from app.leaflets.result_file import demo_screening

    screening = demo_screening()
    directory = load_seed_services()
    services = suggest(screening.result, under_mental_health_services=False, risk_to_self=False, services=directory)
    risks = risks_from_result(screening.result)

    def leaflet(code: str) -> bytes:
        return screening_leaflet_pdf(
            code, risks=risks, services=services, site_name="Bench", directory=directory, today=dt.date(2026, 11, 26)
        )

    if page_count(bare_pdf()) != 1:
        raise AssertionError("the bare baseline must be one page")
    pages = {code: page_count(leaflet(code)) for code in SCRIPTS.values()}  # fonts registered once, as in the app
    (alone,) = median_times([(_nothing, bare_pdf)], 3 * RUNS)
    print(
        f"bare: one-page platypus PDF, heading + {len(BARE_PARAGRAPHS)} paragraphs in Helvetica: {alone * 1000:.1f} ms "
        "alone in a loop; ratios use it timed in turn with each leaflet (column 'bare')"
    )
    print(
        f"{'':24}{'| leaflet, warm':17}{'| per page':17}{'| new text':17}{'| same text, plain'}\n"
        f"{'script':9} {'lang':7} {'bare':>5} | {'ms':>5} {'x bare':>8} | {'ms':>5} {'x bare':>8} | "
        f"{'ms':>5} {'x bare':>8} | {'ms':>5} {'x bare':>8} {'leaflet/plain':>13}  pages"
    )
    worst = 0.0
    plain_least = float("inf")
    for script, code in SCRIPTS.items():
        content = build_leaflet(code, risks=risks, services=services, crisis_services=crisis_services(directory))
        took, new_text, bare, plain = median_times(
            [
                (_nothing, lambda code=code: leaflet(code)),
                (forget_text, lambda code=code: leaflet(code)),
                (_nothing, bare_pdf),
                (_nothing, lambda content=content: plain_text_pdf(content)),
            ]
        )
        worst = max(worst, took / bare)
        plain_least = min(plain_least, plain / bare)
        per_page = took / pages[code]
        print(
            f"{script:9} {code:7} {bare * 1000:5.1f} | {took * 1000:5.1f} {took / bare:7.1f}x | "
            f"{per_page * 1000:5.1f} {per_page / bare:7.1f}x | {new_text * 1000:5.1f} {new_text / bare:7.1f}x | "
            f"{plain * 1000:5.1f} {plain / bare:7.1f}x {took / plain:12.1f}x  {pages[code]:5d}"
        )
    verdict = "met" if worst <= WARM_GOAL else "NOT met"
    print(f"warm: worst {worst:.1f}x bare one-page PDF (goal <= {WARM_GOAL:.0f}x): {verdict}")
    print(f"  for information, the same words as plain Helvetica paragraphs take at least {plain_least:.1f}x the bare "
          "page in every script: what ReportLab needs to set this much text, before fonts, shaping, tables or QR codes")

    for code in ("pl", "ar", "zh_Hans"):
        out = subprocess.run(
            [sys.executable, "-c", FIRST.format(lang=code)], cwd=ROOT, capture_output=True, text=True, check=True
        )
        seconds = float(out.stdout.split()[0])
        verdict = "met" if seconds <= FIRST_GOAL_S else "NOT met"
        print(f"first leaflet in a fresh process ({code}): {seconds:.2f} s (goal <= {FIRST_GOAL_S:.0f} s): {verdict}")


if __name__ == "__main__":
    main()
