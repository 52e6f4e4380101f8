"""A ReportLab ``Paragraph`` that breaks its lines once per width.

Platypus asks a paragraph for its size several times at the same width before drawing it: a table
measures its cells for column heights and again to split or draw, ``KeepTogether`` measures its
whole block, then the frame measures each flowable as it places it. Each ``Paragraph.wrap`` breaks
the lines afresh, and with HarfBuzz shaping that means shaping every word again. Here a repeated
``wrap`` at the width of the previous one returns that result: nothing a wrap depends on changes in
between (the text and style are fixed; ``split`` deletes ``blPara`` when it gives up, which forces a
fresh wrap), so the lines drawn are the same.

ReportLab is imported on first use, as everywhere in ``app.leaflets``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=None)
def paragraph_class() -> type:
    """The ``Paragraph`` subclass (made on first call so importing this module does not import ReportLab)."""
    from reportlab.platypus import Paragraph

    class OnceWrappedParagraph(Paragraph):  # type: ignore[misc]
        _last_wrap: tuple[float, tuple[float, float]] | None = None

        def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - ReportLab's names
            last = self._last_wrap
            if last is not None and last[0] == availWidth and hasattr(self, "blPara"):
                return last[1]
            size = super().wrap(availWidth, availHeight)
            self._last_wrap = (availWidth, size)
            return size

    return OnceWrappedParagraph


def paragraph(text: str, style: Any) -> Any:
    """A paragraph of ReportLab markup in ``style`` that wraps once per width."""
    return paragraph_class()(text, style)
