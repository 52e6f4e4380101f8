"""A missing font or leaflet catalog stops the leaflet with a message naming the file; RTL catalogs stay in one font."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from app.errors import SignpostError
from app.i18n import language, language_codes
from app.leaflets import catalog, fonts
from app.leaflets.build import services_leaflet_pdf
from app.leaflets.catalog import load_catalog
from app.leaflets.errors import LeafletCatalogError, LeafletFontError
from app.leaflets.script_runs import runs


def test_missing_font_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for path in fonts.fonts_dir().glob("*.tt*"):
        if path.name != "NotoSansTamil-Regular.ttf":
            shutil.copy(path, tmp_path / path.name)
    monkeypatch.setattr(fonts, "fonts_dir", lambda: tmp_path)
    monkeypatch.setattr(fonts, "_registered", set())
    with pytest.raises(LeafletFontError, match=r"NotoSansTamil-Regular\.ttf is missing") as caught:
        services_leaflet_pdf("ta", services=[], site_name="")
    assert isinstance(caught.value, SignpostError)
    assert str(tmp_path) in str(caught.value)


def test_unreadable_font_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "NotoSansGujarati-Regular.ttf").write_bytes(b"not a font")
    monkeypatch.setattr(fonts, "fonts_dir", lambda: tmp_path)
    monkeypatch.setattr(fonts, "_registered", set())
    with pytest.raises(LeafletFontError, match=r"NotoSansGujarati-Regular\.ttf cannot be read"):
        fonts.register({fonts.GUJARATI})


def test_missing_catalog_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(catalog, "locales_dir", lambda: tmp_path)
    load_catalog.cache_clear()
    try:
        with pytest.raises(LeafletCatalogError, match=r"leaflet translation for 'lt' is missing") as caught:
            services_leaflet_pdf("lt", services=[], site_name="")
        assert str(tmp_path / "lt" / "LC_MESSAGES" / "leaflet.mo") in str(caught.value)
    finally:
        load_catalog.cache_clear()


@pytest.mark.parametrize("damage", [lambda data: data[:100], lambda data: b"\0" * len(data)])
def test_damaged_catalog_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: Callable[[bytes], bytes]
) -> None:
    compiled = catalog.catalog_path("it").read_bytes()
    target = tmp_path / "it" / "LC_MESSAGES" / "leaflet.mo"
    target.parent.mkdir(parents=True)
    target.write_bytes(damage(compiled))
    monkeypatch.setattr(catalog, "locales_dir", lambda: tmp_path)
    load_catalog.cache_clear()
    try:
        with pytest.raises(LeafletCatalogError, match=r"leaflet translation for 'it' cannot be read") as caught:
            services_leaflet_pdf("it", services=[], site_name="")
        assert str(target) in str(caught.value)
    finally:
        load_catalog.cache_clear()


@pytest.mark.parametrize("code", [c for c in language_codes() if language(c).is_rtl])
def test_right_to_left_text_needs_only_its_own_font(code: str) -> None:
    """ReportLab 5 misorders a right-to-left paragraph that mixes fonts, so every translated string
    (with placeholders filled by digits, as printed) must be covered by the one script font."""
    base = fonts.language_font(code)
    entries = load_catalog(code).translations._catalog  # type: ignore[attr-defined]
    for msgid, text in entries.items():
        if not msgid:
            continue
        filled = text.replace("%(phone)s", "116 123").replace("%(version)s", "1.0").replace("%(date)s", "26 11 2026")
        used = {key for key, _chunk in runs(filled, base=base, covers=lambda k, ch: ord(ch) in fonts.coverage(k))}
        assert used == {base}, (code, msgid, text)
