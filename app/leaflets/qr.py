"""QR codes for service websites: ReportLab's QR encoder (``reportlab.graphics.barcode.qr``), drawn as
filled runs straight onto the canvas.

ReportLab's QrCodeWidget encodes the data again for its bounds and for drawing and builds one shape
per run; a leaflet carries several codes, so the module matrix is computed once per URL, and the PDF
path operators that fill its dark runs (the very text ``canvas.rect`` writes for each run, several
hundred per code) once per URL and size; drawing a code then adds that text to the page.
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


@lru_cache(maxsize=256)
def path_operators(url: str, size: float) -> str:
    """PDF operators filling the dark runs of ``url``'s code in a ``size`` square with its quiet zone, in
    the square's own coordinates: one ``canvas.rect(x, y, w, h, stroke=0, fill=1)`` per run, as text."""
    from reportlab.lib.rl_accel import fp_str
    from reportlab.pdfgen.canvas import FILL_EVEN_ODD, PATH_OPS

    fill = PATH_OPS[0, 1, FILL_EVEN_ODD]
    matrix = modules(url)
    box = size / (len(matrix) + 2 * QUIET_ZONE)
    operators = []
    for r, row in enumerate(matrix):
        y = size - (r + QUIET_ZONE + 1) * box
        c = 0
        for dark, run in itertools.groupby(row):
            length = len(list(run))
            if dark:
                operators.append(f"n {fp_str((c + QUIET_ZONE) * box, y, length * box, box)} re {fill}")
            c += length
    return "\n".join(operators)


def qr_flowable(url: str, size: float) -> Any:
    """A square flowable ``size`` points wide drawing the QR code of ``url``."""
    from reportlab.platypus import Flowable

    class QrCode(Flowable):
        def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
            return size, size

        def draw(self) -> None:
            canvas = self.canv
            canvas.saveState()
            canvas.setFillColorRGB(0, 0, 0)
            canvas.addLiteral(path_operators(url, size))
            canvas.restoreState()

    return QrCode()
