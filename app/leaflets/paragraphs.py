"""A ReportLab ``Paragraph`` that parses its markup once per process and breaks its lines once per width.

Parsing: ReportLab parses a paragraph's markup with an HTML parser into fragments (text runs with
their font, size and colour) each time a ``Paragraph`` is made; a leaflet makes about a hundred, and
a running app prints the same catalog sentences and directory entries again and again. The fragments
of each (markup, style) are kept, and every new paragraph gets its own copies of them, so nothing a
paragraph does to its fragments reaches another. Styles are made once per process (``render._styles``),
so the same sentence in the same role finds its fragments.

Wrapping: platypus asks a paragraph for its size several times at the same width before drawing it:
a table measures its cells for column heights and again to split or draw, ``KeepTogether`` measures
its whole block, then the frame measures each flowable as it places it. Each ``Paragraph.wrap``
breaks the lines afresh, and with HarfBuzz shaping that means shaping every word again. Here a
repeated ``wrap`` at the width of the previous one returns that result: nothing a wrap depends on
changes in between (the text and style are fixed; ``split`` deletes ``blPara`` when it gives up,
which forces a fresh wrap), so the lines drawn are the same.

Chinese (``wordWrap='CJK'``): lines are broken by ``cjk_lines`` instead of ReportLab's character splitter,
which let a line start with a comma or full stop and hung a full stop in the right margin.

ReportLab is imported on first use, as everywhere in ``app.leaflets``.
"""

from __future__ import annotations

from functools import cache, lru_cache
from typing import Any

from app.leaflets.cjk_lines import cjk_para_lines

PARSED_CACHE_SIZE = 4096  # (markup, style) pairs; a demo leaflet has about 85


@lru_cache(maxsize=PARSED_CACHE_SIZE)
def _parsed(text: str, style: Any) -> tuple[str, tuple[Any, ...]]:
    """The cleaned markup and its fragments, as a plain ``Paragraph`` makes them (kept here, never handed out)."""
    from reportlab.platypus import Paragraph

    parsed = Paragraph(text, style)
    return parsed.text, tuple(frag.clone() for frag in parsed.frags)


def clear() -> None:
    """Forget every parsed paragraph."""
    _parsed.cache_clear()


@cache
def paragraph_class() -> type:
    """The ``Paragraph`` subclass (made on first call so importing this module does not import ReportLab)."""
    from reportlab.platypus import Paragraph

    class LeafletParagraph(Paragraph):  # type: ignore[misc]
        _last_wrap: tuple[float, tuple[float, float]] | None = None

        def _setup(self, text: Any, style: Any, bulletText: Any, frags: Any, cleaner: Any) -> None:  # noqa: N803
            if frags is None and bulletText is None and isinstance(text, str):
                text, parsed = _parsed(text, style)
                frags = [frag.clone() for frag in parsed]
            super()._setup(text, style, bulletText, frags, cleaner)

        def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - ReportLab's names
            last = self._last_wrap
            if last is not None and last[0] == availWidth and hasattr(self, "blPara"):
                return last[1]
            size = super().wrap(availWidth, availHeight)
            self._last_wrap = (availWidth, size)
            return size

        def breakLinesCJK(self, maxWidths: Any) -> Any:  # noqa: N802, N803 - ReportLab's names
            from reportlab.platypus.paragraph import ParaLines, _handleBulletWidth

            if not isinstance(maxWidths, (list, tuple)):
                maxWidths = [maxWidths]
            self.height = 0
            _handleBulletWidth(self.bulletText, self.style, maxWidths)
            if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
                return self.blPara  # the first half of a split paragraph keeps its lines
            if not self.frags:
                style = self.style
                return ParaLines(kind=0, fontSize=style.fontSize, fontName=style.fontName, textColor=style.textColor,
                                 lines=[], ascent=style.fontSize, descent=-0.2 * style.fontSize)
            return cjk_para_lines(self.frags, maxWidths)

    return LeafletParagraph


def new_paragraph(text: str, style: Any) -> Any:
    """A paragraph of ReportLab markup in ``style``, parsed once per process and wrapped once per width."""
    return paragraph_class()(text, style)
