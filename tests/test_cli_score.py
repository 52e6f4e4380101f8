"""`signpost score` and `signpost instruments`, run as a user runs them (a real process)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from conftest import ALL_NO, ROOT


def signpost(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", *args], input=stdin, capture_output=True, text=True, cwd=ROOT)


def scored(answers: dict[str, Any], *args: str) -> dict[str, Any]:
    run = signpost("score", *args, stdin=json.dumps({"answers": answers}))
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_score_prints_instrument_and_per_block_score_band_action() -> None:
    answers = dict(ALL_NO, **{"tobacco.use": "yes", "tobacco.more_than_10": "yes", "tobacco.within_30_min": "no",
                              "alcohol.use": "yes", "alcohol.more_than_4": "yes", "alcohol.failed_to_control": "yes",
                              "alcohol.concern": "yes"})
    doc = scored(answers)
    assert doc["instrument"] == {"id": "assist-lite-2013", "version": "2013.1"}
    assert doc["blocks"]["tobacco"] == {"score": 2, "band": "moderate", "action": "brief_advice"}
    assert doc["blocks"]["alcohol"] == {"score": 4, "band": "high", "action": "brief_advice_referral"}
    assert doc["blocks"]["opioids"] == {"score": 0, "band": "low", "action": "feedback_information"}
    assert list(doc["blocks"]) == ["tobacco", "alcohol", "cannabis", "stimulants", "sedatives", "opioids", "other"]
    assert doc["co_occurring_pathway"] is False


def test_co_occurring_pathway_needs_both_risk_and_mental_health_services() -> None:
    risky = dict(ALL_NO, **{"cannabis.use": "yes", "cannabis.urge": "no", "cannabis.concern": "no"})
    assert scored(risky, "--mental-health")["co_occurring_pathway"] is True
    assert scored(risky, "--mental-health")["under_mental_health_services"] is True
    assert scored(risky)["under_mental_health_services"] is False
    assert scored(ALL_NO, "--mental-health")["co_occurring_pathway"] is False


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (json.dumps({"answers": dict(ALL_NO, **{"opioids.concern": "yes"})}),
         "opioids.concern: answered, but opioids.use is 'no'"),
        (json.dumps({"answers": dict(ALL_NO, **{"heroin.use": "yes"})}), "'heroin.use' is not an item"),
        (json.dumps({"answers": {"tobacco.use": "no"}}), "alcohol.use: not answered"),
        (json.dumps({"answers": dict(ALL_NO, **{"other.use": "1"})}), "other.use: '1' is not an answer"),
        ("{not json", "standard input is not valid JSON"),
        (json.dumps({"tobacco.use": "no"}), 'expected a JSON object of the form {"answers"'),
        ("", "standard input is empty"),
        (json.dumps({"answers": ALL_NO})[:-2] + ', "tobacco.use": "yes"}}',
         "standard input: 'tobacco.use' is given twice in one object: give each answer once"),
    ],
)
def test_bad_answers_exit_2_with_a_clear_message(stdin: str, message: str) -> None:
    run = signpost("score", stdin=stdin)
    assert run.returncode == 2
    assert message in run.stderr
    assert run.stdout == ""


def test_answers_saved_with_a_byte_order_mark_are_read() -> None:
    run = signpost("score", stdin="\ufeff" + json.dumps({"answers": ALL_NO}))
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["blocks"]["tobacco"]["band"] == "low"


def test_unknown_instrument_is_refused() -> None:
    run = signpost("score", "--instrument", "who-assist-3.1", stdin=json.dumps({"answers": ALL_NO}))
    assert run.returncode == 2
    assert "no instrument pack 'who-assist-3.1' is installed (installed: assist-lite-2013)" in run.stderr


def test_instruments_lists_installed_packs() -> None:
    run = signpost("instruments")
    assert run.returncode == 0
    assert run.stdout.splitlines()[0].split("\t")[:3] == ["assist-lite-2013", "2013.1", "ASSIST-Lite"]


def test_a_reader_that_stops_early_gets_no_traceback() -> None:
    # As ``signpost score | head -3``: the reader closes the pipe before the JSON is all written.
    command = subprocess.Popen([sys.executable, "-m", "app", "score"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, cwd=ROOT)
    command.stdout.close()
    _, err = command.communicate(json.dumps({"answers": ALL_NO}).encode(), timeout=60)
    assert command.returncode == 1
    assert err == b""
