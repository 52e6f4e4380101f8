"""Instrument packs are data: malformed packs are refused with the file and field named; the format
carries what the Adapted ASSIST-Lite (UK) needs (proved with a UK-shaped pack of test wording)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import TEST_DATA

from app.errors import InstrumentPackError, UsageError
from app.instrument import find_pack, installed_packs, load_pack, score

UK_SHAPED = TEST_DATA / "uk-shaped-test-pack.json"
SHIPPED = Path(__file__).resolve().parent.parent / "resources" / "instruments" / "assist-lite-2013.json"


# The 2013 items as shared/assist-lite.md gives them (id, block, wording, shown when), copied here so that any
# change to the shipped pack's wording, order or skip logic fails a test.
PUBLISHED_ITEMS = [
    ("tobacco.use", "tobacco", "In the past 3 months, did you smoke a cigarette containing tobacco?", None),
    ("tobacco.more_than_10", "tobacco", "Did you usually smoke more than 10 cigarettes each day?", "tobacco.use"),
    ("tobacco.within_30_min", "tobacco", "Did you usually smoke within 30 minutes after waking?", "tobacco.use"),
    ("alcohol.use", "alcohol", "In the past 3 months, did you have a drink containing alcohol?", None),
    ("alcohol.more_than_4", "alcohol", "On any occasion, did you drink more than 4 standard drinks of alcohol?",
     "alcohol.use"),
    ("alcohol.failed_to_control", "alcohol", "Have you tried and failed to control, cut down or stop drinking?",
     "alcohol.use"),
    ("alcohol.concern", "alcohol", "Has anyone expressed concern about your drinking?", "alcohol.use"),
    ("cannabis.use", "cannabis", "In the past 3 months, did you use cannabis?", None),
    ("cannabis.urge", "cannabis",
     "Have you had a strong desire or urge to use cannabis at least once a week or more often?", "cannabis.use"),
    ("cannabis.concern", "cannabis", "Has anyone expressed concern about your use of cannabis?", "cannabis.use"),
    ("stimulants.use", "stimulants",
     "Did you use an amphetamine-type stimulant, or cocaine, or a stimulant medication not as prescribed?", None),
    ("stimulants.weekly", "stimulants", "Did you use a stimulant at least once each week or more often?",
     "stimulants.use"),
    ("stimulants.concern", "stimulants", "Has anyone expressed concern about your use of a stimulant?",
     "stimulants.use"),
    ("sedatives.use", "sedatives", "Did you use a sedative or sleeping medication not as prescribed?", None),
    ("sedatives.urge", "sedatives",
     "Have you had a strong desire or urge to use a sedative or sleeping medication at least once a week or more?",
     "sedatives.use"),
    ("sedatives.concern", "sedatives",
     "Has anyone expressed concern about your use of a sedative or sleeping medication?", "sedatives.use"),
    ("opioids.use", "opioids",
     "Did you use a street opioid (e.g. heroin) or an opioid-containing medication not as prescribed?", None),
    ("opioids.failed_to_control", "opioids",
     "Have you tried and failed to control, cut down or stop using an opioid?", "opioids.use"),
    ("opioids.concern", "opioids", "Has anyone expressed concern about your use of an opioid?", "opioids.use"),
    ("other.use", "other", "Did you use any other psychoactive substances?", None),
]
# Block -> (range, [(band, min, max)]) as the spec's "Scores and bands (2013)" table gives them.
PUBLISHED_BANDS = {
    "tobacco": ((0, 3), [("low", 0, 0), ("moderate", 1, 2), ("high", 3, 3)]),
    "alcohol": ((0, 4), [("low", 0, 1), ("moderate", 2, 2), ("high", 3, 4)]),
    **{
        block: ((0, 3), [("low", 0, 0), ("moderate", 1, 2), ("high", 3, 3)])
        for block in ("cannabis", "stimulants", "sedatives", "opioids")
    },
    "other": ((0, 1), [("low", 0, 0), ("use_reported", 1, 1)]),
}


def test_shipped_pack_keeps_the_published_wording_and_skip_logic() -> None:
    pack = load_pack(SHIPPED)
    scored = [item for item in pack.items if item.scored]
    assert [
        (item.id, item.block, item.text, item.shown_when.item if item.shown_when else None) for item in scored
    ] == PUBLISHED_ITEMS
    assert all(item.shown_when.equals == "yes" for item in scored if item.shown_when)
    assert all(item.type == "yes_no" and [(o.value, o.points) for o in item.options] == [("yes", 1), ("no", 0)]
               for item in scored)
    assert [item.id for item in scored if item.gate] == [item_id for item_id, *_, when in PUBLISHED_ITEMS if not when]
    assert pack.version == "2013.1"
    assert pack.source and pack.licence_note


def test_shipped_pack_keeps_the_published_bands() -> None:
    pack = load_pack(SHIPPED)
    assert {
        block.id: (block.range, [(band.id, band.min, band.max) for band in block.bands]) for block in pack.blocks
    } == PUBLISHED_BANDS


def test_a_pack_giving_a_key_twice_is_refused_naming_it(tmp_path: Path) -> None:
    """A pack file edited by hand with an item's text given twice would otherwise show the last one silently."""
    shipped_id = '"id": "assist-lite-2013",'
    text = SHIPPED.read_text(encoding="utf-8").replace(shipped_id, shipped_id + ' "id": "x",', 1)
    assert text != SHIPPED.read_text(encoding="utf-8")
    (tmp_path / "twice.json").write_text(text, encoding="utf-8")
    with pytest.raises(InstrumentPackError) as caught:
        load_pack(tmp_path / "twice.json")
    assert caught.value.field == "id" and "given twice" in caught.value.problem


def test_2013_pack_is_never_exportable_under_mhsds_codes() -> None:
    assert not load_pack(SHIPPED).mhsds_exportable


def test_uk_shaped_pack_loads_with_choice_items_and_mhsds_codes() -> None:
    pack = load_pack(UK_SHAPED)
    assert pack.mhsds_exportable
    assert {b.id: b.range for b in pack.blocks} == {
        "tobacco": (0, 1), "alcohol": (0, 12), "cannabis": (0, 3), "stimulants": (0, 3),
        "sedatives": (0, 3), "opioids": (0, 3), "other": (0, 1),
    }
    assert pack.block("alcohol").mhsds.snomed == "1108211000000104"  # type: ignore[union-attr]
    assert all("TEST TEXT" in item.text for item in pack.items)


def test_uk_shaped_pack_scores_choice_items_by_their_points() -> None:
    pack = load_pack(UK_SHAPED)
    answers = {f"{b.id}.use": "no" for b in pack.blocks}
    answers.update(
        {"alcohol.use": "yes", "alcohol.frequency": "o4", "alcohol.typical": "o2", "alcohol.six_or_more": "o3"}
    )
    result = score(pack, answers)
    assert result.block("alcohol").score == 9
    assert result.block("alcohol").band.id == "high"
    answers["alcohol.typical"] = "o9"
    with pytest.raises(UsageError, match="alcohol.typical: 'o9' is not an answer"):
        score(pack, answers)


def test_an_imported_pack_is_found_by_id_without_code_changes(tmp_path: Path) -> None:
    (tmp_path / "uk.json").write_bytes(UK_SHAPED.read_bytes())
    assert find_pack("test-uk-shaped", dirs=[tmp_path]).title.startswith("[TEST TEXT")
    with pytest.raises(UsageError, match="no instrument pack 'nope' is installed"):
        find_pack("nope", dirs=[tmp_path])


def test_installed_packs_lists_the_shipped_pack() -> None:
    assert [p.id for p in installed_packs()] == ["assist-lite-2013"]


def _broken(tmp_path: Path, change: Any) -> Path:
    doc = json.loads(UK_SHAPED.read_text())
    doc = copy.deepcopy(doc)
    change(doc)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(doc))
    return path


def _set(path: list[Any], value: Any) -> Any:
    def change(doc: Any) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        if value is KeyError:
            del target[path[-1]]
        else:
            target[path[-1]] = value
    return change


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        (_set(["format"], 2), "format", "this version of Signpost reads format 1"),
        (_set(["id"], KeyError), "id", "is missing"),
        (_set(["blocks", 0, "items", 0, "type"], "slider"), "blocks[0].items[0].type", "'slider' is not one of"),
        (_set(["blocks", 2, "items", 1, "shown_when", "item"], "opioids.use"), "blocks[2].items[1].shown_when.item",
         "must be this block's gate"),
        (_set(["blocks", 2, "items", 1, "shown_when"], KeyError), "blocks[2].items[1].shown_when",
         "a follow-up must name the gate"),
        (_set(["blocks", 2, "bands", 1, "min"], 2), "blocks[2].bands[1].min", "no gaps or overlaps"),
        (_set(["blocks", 2, "range"], [0, 4]), "blocks[2].range", "the items can score 0 to 3"),
        (_set(["blocks", 1, "items", 1, "options", 1, "value"], "o0"), "blocks[1].items[1].options[1].value",
         "duplicate option value"),
        (_set(["blocks", 1, "items", 1, "options", 1, "points"], "two"), "blocks[1].items[1].options[1].points",
         "must be a whole number"),
        (_set(["blocks", 1, "items", 2, "options", 0, "points"], -1), "blocks[1].items[2].options[0].points",
         "is -1 for item 'alcohol.typical', option 'o0': points cannot be negative"),
        (_set(["blocks", 2, "items", 1, "points"], {"yes": 1, "no": -2}), "blocks[2].items[1].points.no",
         "is -2 for item 'cannabis.first', option 'no': points cannot be negative"),
        (_set(["blocks", 0, "mhsds", "snomed"], "abc"), "blocks[0].mhsds.snomed", "not a SNOMED CT identifier"),
        (_set(["blocks", 3, "id"], "cannabis"), "blocks[3].items[0].id", "must start with 'cannabis.'"),
        (_set(["licence"], "free"), "licence", "must be an object"),
    ],
)
def test_malformed_pack_names_file_and_field(tmp_path: Path, change: Any, field: str, problem: str) -> None:
    path = _broken(tmp_path, change)
    with pytest.raises(InstrumentPackError) as caught:
        load_pack(path)
    assert caught.value.source == str(path)
    assert caught.value.field == field
    assert problem in caught.value.problem
    assert str(path) in str(caught.value)


def test_invalid_json_and_non_utf8_are_reported_with_position(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": 1,\n "id": }')
    with pytest.raises(InstrumentPackError, match=r"line 2 column 8: invalid JSON"):
        load_pack(bad)
    bad.write_bytes(b'{"id": "\xff"}')
    with pytest.raises(InstrumentPackError, match="is not UTF-8 text"):
        load_pack(bad)


# --- one broken pack file fails only what needs that pack ------------------------------------------


@pytest.fixture
def pack_dir_with_a_broken_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped pack, the UK-shaped test pack and two broken files, as the only pack directory."""
    packs = tmp_path / "instruments"
    packs.mkdir()
    (packs / SHIPPED.name).write_bytes(SHIPPED.read_bytes())
    (packs / "test-uk-shaped.json").write_bytes(UK_SHAPED.read_bytes())
    (packs / "uk-adapted.json").write_text('{"format": 1,\n "id": "uk-adapted",\n "blocks": [}', encoding="utf-8")
    _set(["blocks", 2, "range"], [0, 4])(doc := json.loads(UK_SHAPED.read_text()))
    doc["id"] = "other-pack"
    (packs / "zz-other.json").write_text(json.dumps(doc), encoding="utf-8")
    monkeypatch.setattr("app.instrument.loader.pack_dirs", lambda config=None: [packs])
    return packs


def test_a_broken_pack_leaves_the_others_usable(pack_dir_with_a_broken_pack: Path) -> None:
    from app.instrument.loader import PackUnavailableError, scan_packs

    packs = pack_dir_with_a_broken_pack
    scan = scan_packs()
    assert [p.id for p in scan.packs] == ["assist-lite-2013", "test-uk-shaped"] == [p.id for p in installed_packs()]
    assert [(Path(e.source).name, e.field) for e in scan.problems] == [
        ("uk-adapted.json", "line 3 column 13"), ("zz-other.json", "blocks[2].range")]
    assert find_pack().id == "assist-lite-2013"
    assert find_pack("test-uk-shaped").id == "test-uk-shaped"
    # The pack asked for is the broken file named after it: its own error, file and field.
    with pytest.raises(InstrumentPackError) as caught:
        find_pack("uk-adapted")
    assert caught.value.source == str(packs / "uk-adapted.json") and "invalid JSON" in caught.value.problem
    # An id no valid pack has: it may be in a broken file, so each is named.
    with pytest.raises(PackUnavailableError) as unavailable:
        find_pack("other-pack")
    message = str(unavailable.value)
    assert "installed: assist-lite-2013, test-uk-shaped" in message
    assert f"{packs / 'uk-adapted.json'}: line 3 column 13: invalid JSON" in message
    assert f"{packs / 'zz-other.json'}: blocks[2].range: is [0, 4]" in message


def test_signpost_instruments_lists_the_good_packs_and_names_each_bad_file(
    pack_dir_with_a_broken_pack: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli import run

    packs = pack_dir_with_a_broken_pack
    assert run(["instruments"]) == 1  # IT notices
    out, err = capsys.readouterr()
    assert [line.split("\t")[0] for line in out.splitlines()] == ["assist-lite-2013", "test-uk-shaped"]
    assert err.splitlines() == [
        f"signpost instruments: not loaded: {packs / 'uk-adapted.json'}: line 3 column 13: invalid JSON: "
        "Expecting value",
        f"signpost instruments: not loaded: {packs / 'zz-other.json'}: blocks[2].range: is [0, 4] but the items "
        "can score 0 to 3",
    ]


def test_score_and_leaflet_work_with_the_default_pack_beside_a_broken_one(
    pack_dir_with_a_broken_pack: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    import io

    from conftest import ALCOHOL_HIGH

    from app.cli import run

    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps({"answers": ALCOHOL_HIGH})))
    assert run(["score"]) == 0
    assert json.loads(capsys.readouterr().out)["blocks"]["alcohol"]["band"] == "high"
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps({"answers": ALCOHOL_HIGH})))
    assert run(["score", "--instrument", "uk-adapted"]) == 1
    assert "uk-adapted.json: line 3 column 13: invalid JSON" in capsys.readouterr().err
    pdf = tmp_path / "leaflet.pdf"
    assert run(["leaflet", "--lang", "pl", "--demo", "--out", str(pdf)]) == 0, capsys.readouterr().err
    assert pdf.read_bytes().startswith(b"%PDF")


def test_the_app_opens_on_the_default_pack_beside_a_broken_one(
    pack_dir_with_a_broken_pack: Path, open_window: Any
) -> None:
    window = open_window(demo=True)
    assert window.pack.id == "assist-lite-2013"
