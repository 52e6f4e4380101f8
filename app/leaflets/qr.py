"""QR codes for service websites: ReportLab's QR encoder (``reportlab.graphics.barcode.qr``), drawn as
filled runs straight onto the canvas.

ReportLab's QrCodeWidget encodes the data again for its bounds and for drawing and builds one shape
per run; a leaflet carries several codes, so the module matrix is computed once per URL and cached.
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from typing import Any

QUIET_ZONE = 4  # modules of white border the QR standard asks for


@lru_cache(maxsize=256)
def modules(url: str) -> tuple[tuple[bool, ...], ...]:
    """The dark/light module matrix of ``url`` at error-correction level M."""
    from reportlab.graphics.barcode.qr import QrCodeWidget

    encoder = QrCodeWidget(url, barLevel="M").qr
    encoder.make()
    return tuple(tuple(bool(cell) for cell in row) for row in encoder.modules)


def qr_flowable(url: str, size: float) -> Any:
    """A square flowable ``size`` points wide drawing the QR code of ``url``."""
    from reportlab.platypus import Flowable

    matrix = modules(url)

    class QrCode(Flowable):
        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            return size, size

        def draw(self) -> None:
            count = len(matrix) + 2 * QUIET_ZONE
            box = size / count
            canvas = self.canv
            canvas.saveState()
            canvas.setFillColorRGB(0, 0, 0)
            for r, row in enumerate(matrix):
                y = size - (r + QUIET_ZONE + 1) * box
                c = 0
                for dark, run in itertools.groupby(row):
                    length = len(list(run))
                    if dark:
                        canvas.rect((c + QUIET_ZONE) * box, y, length * box, box, stroke=0, fill=1)
                    c += length
            canvas.restoreState()

    return QrCode()
