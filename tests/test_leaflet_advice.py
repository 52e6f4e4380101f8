"""The leaflet's health advice is sourced: every sentence names where what it says comes from."""

from __future__ import annotations

from app.leaflets import advice
from app.leaflets.advice import ADVICE_BANDS, SOURCES, substance_advice

SUBSTANCES = ("tobacco", "alcohol", "cannabis", "stimulants", "sedatives", "opioids", "other")


def test_every_advice_sentence_has_a_source() -> None:
    printed = {sentence for substance in SUBSTANCES for band in ADVICE_BANDS
               for sentence in substance_advice(substance, band)}
    assert printed, "no advice at all"
    unsourced = sorted(sentence for sentence in printed if sentence not in SOURCES)
    assert unsourced == []
    assert all(source.strip() for source in SOURCES.values())
    assert set(SOURCES) <= printed  # no source kept for a sentence the leaflet no longer prints


def test_the_only_figures_are_the_chief_medical_officers_guideline() -> None:
    for sentence, source in SOURCES.items():
        if any(char.isdigit() for char in sentence):
            assert "14 units" in sentence and "Chief Medical Officers" in source, sentence
    assert advice.substance_name("other") is None  # "use reported: discuss" gets no advice of ours
