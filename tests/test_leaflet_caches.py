"""The per-process text caches that make warm leaflets fast never change what is printed."""

from __future__ import annotations

import datetime as dt

import pytest

from app.directory.seed import load_seed_services
from app.leaflets.build import screening_leaflet_pdf
from app.leaflets.content import SubstanceRisk
from app.leaflets.render import forget_text

RISKS = [SubstanceRisk("alcohol", "high"), SubstanceRisk("opioids", "moderate")]


@pytest.mark.parametrize("language", ["ur", "bn", "zh_Hans"])
def test_warm_and_cold_leaflets_are_byte_identical(language: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from reportlab import rl_config

    monkeypatch.setattr(rl_config, "invariant", 1)
    services = [s for s in load_seed_services() if "alcohol" in s.categories]

    def render() -> bytes:
        return screening_leaflet_pdf(language, risks=RISKS, services=services, site_name="Test Hospital ED",
                                     today=dt.date(2026, 11, 26))

    forget_text()
    cold = render()
    warm = render()
    forget_text()
    cold_again = render()
    assert warm == cold
    assert cold_again == cold
    assert cold.startswith(b"%PDF")
