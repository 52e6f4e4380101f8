"""Signposting rules: categories for every block x band, the co-occurring pathway, crisis lines, ordering."""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.directory.model import Service
from app.directory.rules import load_signposting_policy, policy_gaps, shortlist, suggest, suggested_categories
from app.directory.seed import load_seed_services
from app.errors import SignpostError
from app.instrument import find_pack, score
from app.instrument.model import TEXT, InstrumentPack
from app.instrument.scoring import Result, is_shown
from app.policy import load_action_policy

PACK = find_pack("assist-lite-2013")

# Written out, not derived from the rules file, so a wrong edit to the file fails here.
EXPECTED = {
    ("tobacco", "low"): [], ("tobacco", "moderate"): ["tobacco"], ("tobacco", "high"): ["tobacco"],
    ("alcohol", "low"): [], ("alcohol", "moderate"): ["alcohol"], ("alcohol", "high"): ["alcohol"],
    ("cannabis", "low"): [], ("cannabis", "moderate"): ["drugs"], ("cannabis", "high"): ["drugs"],
    ("stimulants", "low"): [], ("stimulants", "moderate"): ["drugs"], ("stimulants", "high"): ["drugs"],
    ("sedatives", "low"): [], ("sedatives", "moderate"): ["drugs"], ("sedatives", "high"): ["drugs"],
    ("opioids", "low"): [], ("opioids", "moderate"): ["drugs"], ("opioids", "high"): ["drugs"],
    ("other", "low"): [], ("other", "use_reported"): ["drugs"],
}
NATIONAL_BY_CATEGORY = {  # Al-Anon lists alcohol too, but is for people affected by someone else's drinking
    "alcohol": ["alcoholics-anonymous-gb", "drinkline"],
    "drugs": ["frank"],
    "tobacco": ["nhs-smokefree-helpline"],
}


def answers_in_band(pack: InstrumentPack, block_id: str, band_id: str) -> dict[str, str]:
    """Answers with every other block "no" and this block scoring inside ``band_id``."""
    answers = {block.gate.id: "no" for block in pack.blocks}
    block = pack.block(block_id)
    scored = [item for item in block.items if item.type != TEXT]
    for values in itertools.product(*[[o.value for o in item.options] for item in scored]):
        trial = dict(answers)
        trial.update({item.id: value for item, value in zip(scored, values, strict=True)})
        trial = {k: v for k, v in trial.items() if is_shown(pack.item(k), trial)}  # type: ignore[arg-type]
        if score(pack, trial).block(block_id).band.id == band_id:
            return trial
    raise AssertionError(f"no answers reach {block_id}/{band_id}")


def result_for(block_id: str, band_id: str) -> Result:
    return score(PACK, answers_in_band(PACK, block_id, band_id))


def test_the_rules_cover_every_block_and_band_of_the_instrument() -> None:
    assert policy_gaps(load_signposting_policy(), PACK) == []
    assert set(EXPECTED) == {(b.id, band.id) for b in PACK.blocks for band in b.bands}


@pytest.mark.parametrize(("block_id", "band_id"), sorted(EXPECTED))
def test_each_block_and_band_suggests_its_categories(block_id: str, band_id: str) -> None:
    result = result_for(block_id, band_id)
    assert result.block(block_id).band.id == band_id
    categories = suggested_categories(result, under_mental_health_services=False, risk_to_self=False)
    assert list(categories) == EXPECTED[(block_id, band_id)]
    services = suggest(result, under_mental_health_services=False, risk_to_self=False, services=load_seed_services())
    expected_ids = sorted(i for c in EXPECTED[(block_id, band_id)] for i in NATIONAL_BY_CATEGORY[c])
    assert sorted(s.id for s in services) == expected_ids


@pytest.mark.parametrize(("block_id", "band_id"), [("alcohol", "moderate"), ("opioids", "high"), ("tobacco", "high")])
def test_moderate_or_high_use_under_mental_health_services_adds_the_co_occurring_pathway(
    block_id: str, band_id: str
) -> None:
    result = result_for(block_id, band_id)
    categories = suggested_categories(result, under_mental_health_services=True, risk_to_self=False)
    assert "co_occurring" in categories and "mental_health" in categories
    assert categories["co_occurring"] == ["co-occurring pathway"]
    ids = {s.id for s in suggest(result, under_mental_health_services=True, risk_to_self=False,
                                 services=load_seed_services())}
    assert {"mind-infoline", "samaritans"} <= ids


@pytest.mark.parametrize(("block_id", "band_id"), [("alcohol", "low"), ("other", "use_reported")])
def test_no_co_occurring_pathway_without_moderate_or_high_use(block_id: str, band_id: str) -> None:
    result = result_for(block_id, band_id)
    for under in (True, None):
        categories = suggested_categories(result, under_mental_health_services=bool(under), risk_to_self=False)
        assert "co_occurring" not in categories and "mental_health" not in categories


def test_no_co_occurring_pathway_when_not_under_mental_health_services() -> None:
    result = result_for("alcohol", "high")
    services = suggest(result, under_mental_health_services=None, risk_to_self=False, services=load_seed_services())
    assert not any("mental_health" in s.categories for s in services)


def test_the_co_occurring_rule_agrees_with_the_action_policy() -> None:
    rules, actions = load_signposting_policy(), load_action_policy()
    for key in EXPECTED:
        result = result_for(*key)
        for under in (True, False):
            assert rules.co_occurring(result, under_mental_health_services=under) == actions.co_occurring(
                result, under_mental_health_services=under
            ), key


def test_risk_to_self_always_adds_crisis_lines_even_with_a_low_result() -> None:
    result = result_for("alcohol", "low")
    services = suggest(result, under_mental_health_services=False, risk_to_self=True, services=load_seed_services())
    crisis = {s.id for s in load_seed_services() if "crisis" in s.categories}
    assert {s.id for s in services} == crisis
    assert suggest(result, under_mental_health_services=False, risk_to_self=False, services=load_seed_services()) == []


def test_local_services_come_first_and_national_helplines_stay() -> None:
    local = Service(id="leeds-alcohol", name="Leeds Alcohol Service", summary="Local help", categories=("alcohol",),
                    phone="0113 496 0000")
    local_crisis = Service(id="leeds-crisis", name="Leeds Crisis Line", summary="Local crisis", categories=("crisis",),
                           phone="0113 496 0001")
    services = [*load_seed_services(), local, local_crisis]
    result = result_for("alcohol", "high")
    chosen = suggest(result, under_mental_health_services=False, risk_to_self=True, services=services)
    ids = [s.id for s in chosen]
    assert ids[:2] == ["leeds-crisis", "leeds-alcohol"]  # local first, crisis before alcohol
    assert all(s.national for s in chosen[2:])
    assert {"drinkline", "samaritans", "shout"} <= set(ids[2:])
    assert len(ids) == len(set(ids))


def test_inactive_services_are_never_suggested() -> None:
    services = [dataclasses.replace(s, active=s.id != "frank") for s in load_seed_services()]
    assert suggest(result_for("opioids", "high"), under_mental_health_services=False, risk_to_self=False,
                   services=services) == []


def test_without_national_always_helplines_fill_only_gaps(tmp_path: Path) -> None:
    from app.paths import resources_dir

    doc = json.loads((resources_dir() / "policy" / "signposting.json").read_text(encoding="utf-8"))
    doc["national_always"] = False
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    policy = load_signposting_policy(path)
    local = Service(id="local-drugs", name="Local Drugs", summary="x", categories=("drugs",), phone="0113 496 0000")
    chosen = suggest(result_for("opioids", "high"), under_mental_health_services=False, risk_to_self=False,
                     services=[*load_seed_services(), local], policy=policy)
    assert [s.id for s in chosen] == ["local-drugs"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["blocks"]["alcohol"].update(high=["gambling"]), "unknown categories gambling"),
        (lambda d: d.pop("risk_to_self"), "risk_to_self"),
        (lambda d: d.update(format=9), "format must be 1"),
        (lambda d: d["order"].pop(), "order must list every category"),
    ],
)
def test_a_malformed_rules_file_is_refused_with_a_reason(
    tmp_path: Path, change: Callable[[dict[str, Any]], object], expected: str
) -> None:
    from app.paths import resources_dir

    doc = json.loads((resources_dir() / "policy" / "signposting.json").read_text(encoding="utf-8"))
    change(doc)
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(SignpostError, match=expected):
        load_signposting_policy(path)


def test_a_substance_half_answered_states_no_band_to_services_advice_or_pathway() -> None:
    from app.leaflets.build import risks_from_result

    # Alcohol: use and "more than 4" answered yes (a band of moderate so far), the last two still to come.
    half = score(PACK, {"tobacco.use": "no", "alcohol.use": "yes", "alcohol.more_than_4": "yes"})
    alcohol = half.block("alcohol")
    assert not alcohol.complete and alcohol.band.id == "moderate"
    assert [b.block.id for b in half.answered_blocks] == ["tobacco"]
    kwargs: dict[str, Any] = {"under_mental_health_services": True, "risk_to_self": False}
    assert suggested_categories(half, **kwargs) == {}
    assert suggest(half, services=load_seed_services(), **kwargs) == []
    assert not load_signposting_policy().co_occurring(half, under_mental_health_services=True)
    assert not load_action_policy().co_occurring(half, under_mental_health_services=True)
    assert [r.substance for r in risks_from_result(half)] == ["tobacco"]

    done = score(PACK, {"tobacco.use": "no", "alcohol.use": "yes", "alcohol.more_than_4": "yes",
                        "alcohol.failed_to_control": "yes", "alcohol.concern": "yes"})
    assert "alcohol" in suggested_categories(done, **kwargs)
    assert load_action_policy().co_occurring(done, under_mental_health_services=True)
    assert [(r.substance, r.band) for r in risks_from_result(done)] == [("tobacco", "low"), ("alcohol", "high")]


def test_a_substance_whose_band_is_settled_before_its_last_answer_is_signposted_at_once() -> None:
    # Alcohol at 3 with "concern" still to come can only be High: its services need not wait for the last answer.
    settled = score(PACK, {"tobacco.use": "no", "alcohol.use": "yes", "alcohol.more_than_4": "yes",
                           "alcohol.failed_to_control": "yes"})
    alcohol = settled.block("alcohol")
    assert not alcohol.complete and alcohol.band.id == "high"
    assert [b.block.id for b in settled.answered_blocks] == ["tobacco", "alcohol"]
    found = suggest(settled, services=load_seed_services(), under_mental_health_services=False, risk_to_self=False)
    assert found and any("alcohol" in service.categories for service in found)


def test_services_for_people_affected_by_someone_elses_use_are_not_suggested_for_the_patients_own() -> None:
    policy = load_signposting_policy()
    assert policy.for_others == {"family"}
    al_anon = next(s for s in load_seed_services() if s.id == "al-anon-uk")
    assert set(al_anon.categories) == {"family", "alcohol"}
    high = result_for("alcohol", "high")
    for mental_health, risk in itertools.product((False, True), repeat=2):
        offered = suggest(high, under_mental_health_services=mental_health, risk_to_self=risk,
                          services=load_seed_services())
        assert "al-anon-uk" not in {s.id for s in offered} and "adfam" not in {s.id for s in offered}
    # A local alcohol service that is not for families is still offered.
    local = dataclasses.replace(al_anon, id="leeds-hub", name="Leeds Hub", categories=("alcohol",), national=False)
    assert [s.id for s in suggest(high, under_mental_health_services=False, risk_to_self=False,
                                  services=[al_anon, local])] == ["leeds-hub"]
    # A family service that is also a crisis or mental-health service is offered through those.
    crisis = dataclasses.replace(al_anon, id="leeds-crisis", categories=("crisis", "family"), national=False)
    both = dataclasses.replace(al_anon, id="leeds-both", categories=("co_occurring", "alcohol", "family"))
    low = result_for("alcohol", "low")
    assert [s.id for s in suggest(low, under_mental_health_services=False, risk_to_self=True,
                                  services=[crisis, both])] == ["leeds-crisis"]
    assert {s.id for s in suggest(high, under_mental_health_services=True, risk_to_self=False,
                                  services=[crisis, both])} == {"leeds-both"}


def test_a_large_directory_is_shortlisted_per_need_keeping_the_national_helplines() -> None:
    local = [Service(id=f"alcohol-{i:03}", name=f"Alcohol Service {i:03}", summary="Local help",
                     categories=("alcohol", "drugs"), phone=f"0113 496 0{i:03}") for i in range(40)]
    local_crisis = [Service(id=f"crisis-{i}", name=f"Crisis Line {i}", summary="Local crisis", categories=("crisis",),
                            phone=f"0113 496 1{i:03}") for i in range(3)]
    result = result_for("alcohol", "high")
    needs = suggested_categories(result, under_mental_health_services=False, risk_to_self=True)
    chosen = suggest(result, under_mental_health_services=False, risk_to_self=True,
                     services=[*load_seed_services(), *local, *local_crisis])
    short = shortlist(chosen, list(needs), local=5, national=5)
    ids = [s.id for s in short.shown]
    # In the order suggested: every local crisis line, the first five local alcohol services, then every helpline.
    assert ids[:8] == [*(s.id for s in local_crisis), *(s.id for s in local[:5])]
    assert [s.id for s in chosen if s.national] == ids[8:]
    assert {"drinkline", "samaritans", "shout"} <= set(ids[8:])
    assert short.more == {"alcohol": 35}
    assert shortlist(chosen, list(needs), local=50, national=5).more == {}
    fewer = shortlist(chosen, list(needs), local=50, national=1)
    assert [s.id for s in fewer.shown if s.national] == ["calm", "alcoholics-anonymous-gb"]  # per need: crisis, alcohol
    assert fewer.more == {"crisis": 4, "alcohol": 1}
