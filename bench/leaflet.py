"""Leaflet rendering time: per script, warm, against a bare ReportLab one-page PDF; and the first leaflet
in a fresh process.

Warm: in this process, after one leaflet per language has registered its fonts, the median time of
a full demo leaflet (content, shaping, QR codes, PDF bytes) for one language of each script is
compared with the median time of a bare one-page ReportLab PDF (one Helvetica paragraph, built with
platypus into memory). Goal: at most 3x. A second, like-for-like baseline is printed beside it:
the same leaflet's text (both languages) as plain Helvetica paragraphs with no fonts to embed,
no shaping and no QR codes, which shows what our own layout costs on top of ReportLab.
First: a fresh ``python`` process imports the leaflet code, registers the fonts it needs and makes
one leaflet; goal at most 1 s (timed inside that process, from before the first import to the PDF
bytes, so interpreter start-up is left out).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7
WARM_GOAL = 3.0
FIRST_GOAL_S = 1.0
SCRIPTS = {
    "Latin": "pl", "Cyrillic": "uk", "Arabic": "ar", "Nastaliq": "ur", "Bengali": "bn",
    "Gurmukhi": "pa", "Gujarati": "gu", "Tamil": "ta", "Chinese": "zh_Hans",
}

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
    import io

    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    buffer = io.BytesIO()
    style = getSampleStyleSheet()["BodyText"]
    SimpleDocTemplate(buffer).build([Paragraph("Thank you for talking with us today.", style)])
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


def median_time(make: object, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        make()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    import datetime as dt

    from app.directory.rules import suggest
    from app.directory.seed import load_seed_services
    from app.leaflets.build import crisis_services, risks_from_result, screening_leaflet_pdf
    from app.leaflets.content import build_leaflet
    from app.leaflets.result_file import demo_screening

    screening = demo_screening()
    directory = load_seed_services()
    services = suggest(screening.result, under_mental_health_services=False, risk_to_self=False, services=directory)
    risks = risks_from_result(screening.result)

    def leaflet(code: str) -> bytes:
        return screening_leaflet_pdf(
            code, risks=risks, services=services, site_name="Bench", directory=directory, today=dt.date(2026, 11, 26)
        )

    bare_pdf()
    for code in SCRIPTS.values():
        leaflet(code)  # registers each font once, as a long-running app would have
    bare = median_time(bare_pdf)
    print(f"bare ReportLab one-page PDF: {bare * 1000:.1f} ms")
    worst = 0.0
    for script, code in SCRIPTS.items():
        took = median_time(lambda code=code: leaflet(code))
        content = build_leaflet(code, risks=risks, services=services, crisis_services=crisis_services(directory))
        plain = median_time(lambda content=content: plain_text_pdf(content))
        ratio = took / bare
        worst = max(worst, ratio)
        print(
            f"{script:9} ({code:7}) {took * 1000:7.1f} ms  {ratio:6.1f}x bare   "
            f"{took / plain:4.1f}x the same text as plain ReportLab ({plain * 1000:.1f} ms)"
        )
    print(f"warm: worst {worst:.1f}x bare (goal <= {WARM_GOAL:.0f}x): {'met' if worst <= WARM_GOAL else 'NOT met'}")

    for code in ("pl", "ar", "zh_Hans"):
        out = subprocess.run(
            [sys.executable, "-c", FIRST.format(lang=code)], cwd=ROOT, capture_output=True, text=True, check=True
        )
        seconds = float(out.stdout.split()[0])
        verdict = "met" if seconds <= FIRST_GOAL_S else "NOT met"
        print(f"first leaflet in a fresh process ({code}): {seconds:.2f} s (goal <= {FIRST_GOAL_S:.0f} s): {verdict}")


if __name__ == "__main__":
    main()
