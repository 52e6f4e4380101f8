"""ASSIST-Lite 2013 scoring, read as the specification (../shared/assist-lite.md, "Scores and bands")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import TEST_DATA

from app.errors import AnswerError
from app.instrument import find_pack, score, validate_answers, visible_items
from app.instrument.scoring import without_hidden

PACK = find_pack("assist-lite-2013")

# The published bands, written out here (not read from the pack) so the pack is checked against them.
EXPECTED_BANDS = {
    "tobacco": {0: "low", 1: "moderate", 2: "moderate", 3: "high"},
    "alcohol": {0: "low", 1: "low", 2: "moderate", 3: "high", 4: "high"},
    "cannabis": {0: "low", 1: "moderate", 2: "moderate", 3: "high"},
    "stimulants": {0: "low", 1: "moderate", 2: "moderate", 3: "high"},
    "sedatives": {0: "low", 1: "moderate", 2: "moderate", 3: "high"},
    "opioids": {0: "low", 1: "moderate", 2: "moderate", 3: "high"},
    "other": {0: "low", 1: "use_reported"},
}

ALL_NO = {f"{b}.use": "no" for b in EXPECTED_BANDS}


def answers_scoring(block_id: str, points: int) -> dict[str, str]:
    """All gates 'no' except ``block_id``, answered to score ``points`` (gate yes = 1, then follow-ups)."""
    answers = dict(ALL_NO)
    if points == 0:
        return answers
    block = PACK.block(block_id)
    answers[block.gate.id] = "yes"
    follow_ups = [item for item in block.items[1:] if item.scored]
    for n, item in enumerate(follow_ups):
        answers[item.id] = "yes" if n < points - 1 else "no"
    return answers


def test_pack_holds_the_seven_blocks_in_order() -> None:
    assert [b.id for b in PACK.blocks] == list(EXPECTED_BANDS)
    assert (PACK.id, PACK.version) == ("assist-lite-2013", "2013.1")


@pytest.mark.parametrize(
    ("block_id", "points", "band"),
    [(block, points, band) for block, bands in EXPECTED_BANDS.items() for points, band in bands.items()],
)
def test_every_band_boundary_of_every_block(block_id: str, points: int, band: str) -> None:
    result = score(PACK, answers_scoring(block_id, points))
    assert result.complete
    assert result.block(block_id).score == points
    assert result.block(block_id).band.id == band
    assert all(b.score == 0 and b.band.id == "low" for b in result.blocks if b.block.id != block_id)


@pytest.mark.parametrize(
    ("answers", "settled"),
    [
        ({}, None),  # nothing answered: anything from Low to High
        ({"tobacco.use": "no"}, "low"),  # complete
        ({"tobacco.use": "yes"}, None),  # 1 so far: Moderate or High
        ({"tobacco.use": "yes", "tobacco.more_than_10": "yes"}, None),  # 2: Moderate or High
        ({"tobacco.use": "yes", "tobacco.more_than_10": "no"}, "moderate"),  # 1 or 2: Moderate either way
        ({"alcohol.use": "yes", "alcohol.more_than_4": "yes"}, None),  # 2 to 4: Moderate or High
        ({"alcohol.use": "yes", "alcohol.more_than_4": "yes", "alcohol.failed_to_control": "yes"}, "high"),
        ({"alcohol.use": "yes", "alcohol.more_than_4": "no", "alcohol.failed_to_control": "no"}, None),  # 1 or 2
        ({"cannabis.use": "yes", "cannabis.urge": "no"}, "moderate"),  # 1 or 2
    ],
)
def test_a_band_the_answers_still_to_come_cannot_change_is_settled(answers: dict[str, str],
                                                                   settled: str | None) -> None:
    result = score(PACK, answers)
    block = result.block(next(iter(answers)).split(".")[0] if answers else "tobacco")
    assert block.settled == (settled is not None)
    if settled is not None:
        assert block.band.id == settled and block in result.answered_blocks
    else:
        assert block not in result.answered_blocks
    assert all(b.settled and b.lowest == b.highest == b.score for b in result.blocks if b.complete)


@pytest.mark.timeout(20)
def test_a_long_choice_block_is_scored_without_trying_every_way_to_answer_it(tmp_path: Path) -> None:
    """Before, each score tried every completion of the open items: a block of 8 items scored 0-4 took seconds per
    answer, and an imported pack of 12 such items would freeze the form for hours."""
    from app.instrument.loader import load_pack

    doc = json.loads((TEST_DATA / "uk-shaped-test-pack.json").read_text(encoding="utf-8"))
    alcohol = next(block for block in doc["blocks"] if block["id"] == "alcohol")
    choice = next(item for item in alcohol["items"] if item.get("type") == "choice")
    for n in range(10):
        alcohol["items"].append({**choice, "id": f"alcohol.extra_{n}"})
    top = alcohol["range"][1] + 10 * max(option["points"] for option in choice["options"])
    alcohol["range"][1] = top
    alcohol["bands"][-1]["max"] = top
    alcohol["mhsds"]["valid_range"][1] = top
    path = tmp_path / "long.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    pack = load_pack(path)
    block = score(pack, {}).block("alcohol")
    assert (block.lowest, block.highest, block.settled) == (0, top, False)
def test_gate_yes_alone_scores_one() -> None:
    answers = dict(ALL_NO, **{"alcohol.use": "yes", "alcohol.more_than_4": "no", "alcohol.failed_to_control": "no",
                              "alcohol.concern": "no"})
    assert score(PACK, answers).block("alcohol").score == 1
    assert score(PACK, answers).block("alcohol").band.id == "low"


def test_all_no_is_low_everywhere() -> None:
    result = score(PACK, ALL_NO)
    assert result.complete
    assert {b.block.id: (b.score, b.band.id) for b in result.blocks} == {b: (0, "low") for b in EXPECTED_BANDS}


def test_follow_ups_are_shown_only_when_the_gate_is_yes() -> None:
    shown = {item.id for item in visible_items(PACK, {})}
    assert shown == {f"{b}.use" for b in EXPECTED_BANDS}
    shown = {item.id for item in visible_items(PACK, {"cannabis.use": "yes"})}
    assert {"cannabis.urge", "cannabis.concern"} <= shown
    assert "tobacco.more_than_10" not in shown


def test_turning_a_gate_to_no_discards_its_follow_up_answers() -> None:
    answers = {"tobacco.use": "yes", "tobacco.more_than_10": "yes", "alcohol.use": "yes", "alcohol.concern": "yes"}
    answers["tobacco.use"] = "no"
    kept = without_hidden(PACK, answers)
    assert kept == {"tobacco.use": "no", "alcohol.use": "yes", "alcohol.concern": "yes"}


def test_other_block_free_text_is_kept_but_not_scored() -> None:
    answers = dict(ALL_NO, **{"other.use": "yes", "other.what": "ketamine"})
    result = score(PACK, answers)
    assert result.block("other").score == 1
    assert result.block("other").band.id == "use_reported"


def test_partial_answers_score_but_are_marked_incomplete() -> None:
    result = score(PACK, {"tobacco.use": "yes", "tobacco.more_than_10": "yes"})
    assert not result.complete
    tobacco = result.block("tobacco")
    assert (tobacco.score, tobacco.complete) == (2, False)
    assert result.block("alcohol").complete is False


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (dict(ALL_NO, **{"tobacco.more_than_10": "yes"}), "tobacco.more_than_10: answered, but tobacco.use is 'no'"),
        ({"tobacco.more_than_10": "yes"}, "tobacco.more_than_10: answered, but its gate tobacco.use is not answered"),
        (dict(ALL_NO, **{"tobacco.colour": "yes"}), "'tobacco.colour' is not an item of assist-lite-2013"),
        (dict(ALL_NO, **{"alcohol.use": "maybe"}),
         "alcohol.use: 'maybe' is not an answer to this question (use yes, no)"),
        (dict(ALL_NO, **{"alcohol.use": True}), "alcohol.use: answer must be text"),
        ({k: v for k, v in ALL_NO.items() if k != "opioids.use"}, "opioids.use: not answered"),
        (dict(ALL_NO, **{"sedatives.use": "yes"}), "sedatives.urge: not answered, but sedatives.use is 'yes'"),
    ],
)
def test_answers_that_do_not_fit_are_rejected_with_a_message_naming_the_item(answers: dict, message: str) -> None:
    with pytest.raises(AnswerError) as caught:
        validate_answers(PACK, answers, require_complete=True)
    assert any(message in problem for problem in caught.value.problems), caught.value.problems


def test_free_text_must_fit_a_record_to_be_stored_but_not_to_be_scored() -> None:
    from app.instrument.model import TEXT_ANSWER_MAX_LENGTH

    pack = PACK
    answers = {item.id: "no" for item in pack.items if item.gate}
    answers |= {"other.use": "yes", "other.what": "x" * (TEXT_ANSWER_MAX_LENGTH + 1)}
    assert score(pack, answers).blocks[-1].score == 1  # a form being filled in still shows its result
    with pytest.raises(AnswerError, match="other.what: answer is longer than 200 characters"):
        validate_answers(pack, answers)
    validate_answers(pack, answers | {"other.what": "x" * TEXT_ANSWER_MAX_LENGTH})
    validate_answers(pack, answers | {"other.what": f"  {'x' * TEXT_ANSWER_MAX_LENGTH} "})  # counted as the form does
