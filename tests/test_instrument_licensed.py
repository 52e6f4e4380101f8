"""A licensed pack (the Adapted ASSIST-Lite (UK) is licensed to organisations, not public) is added by IT with no
code change: the pack file in the folder ``[instrument] packs_dir`` names, and ``[instrument] pack`` to make new
screenings use it. Shown here with the UK-shaped test pack standing in for the licensed one."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, TEST_CONFIG, TEST_DATA

from app.config import load_config
from app.errors import UsageError
from app.instrument import find_pack
from app.instrument.loader import configured_pack, scan_packs

UK = TEST_DATA / "uk-shaped-test-pack.json"
SHIPPED = ROOT / "resources" / "instruments" / "assist-lite-2013.json"


@pytest.fixture
def licensed(machine_config: Path, tmp_path: Path) -> Path:
    """The UK-shaped pack installed in the folder the machine config names, and chosen for new screenings."""
    packs = tmp_path / "licensed packs"
    packs.mkdir()
    shutil.copy(UK, packs / "adapted-assist-lite.json")
    choice = f'[instrument]\npack = "test-uk-shaped"\npacks_dir = "{packs.as_posix()}"\n'
    machine_config.write_text(TEST_CONFIG + choice, encoding="utf-8")
    return packs


def signpost(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", *args], input=stdin, capture_output=True, text=True, cwd=ROOT)


def test_without_a_licensed_pack_only_the_shipped_one_is_offered() -> None:
    assert configured_pack(load_config()).id == "assist-lite-2013"
    with pytest.raises(UsageError, match="no instrument pack 'test-uk-shaped' is installed"):
        find_pack("test-uk-shaped")


def test_a_licensed_pack_is_listed_found_and_used_for_new_screenings(licensed: Path) -> None:
    assert [pack.id for pack in scan_packs().packs] == ["assist-lite-2013", "test-uk-shaped"]
    assert configured_pack(load_config()).id == "test-uk-shaped"
    assert find_pack("assist-lite-2013").path == SHIPPED  # records saved with the shipped pack still open
    listed = signpost("instruments")
    assert listed.returncode == 0
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == ["assist-lite-2013", "test-uk-shaped"]


def test_score_uses_the_configured_pack_unless_told_otherwise(licensed: Path) -> None:
    pack = find_pack("test-uk-shaped")
    answers = {item.id: item.options[-1].value for item in pack.items if item.gate}
    run = signpost("score", stdin=json.dumps({"answers": answers}))
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["instrument"] == {"id": "test-uk-shaped", "version": "0.0-test"}
    run = signpost("score", "--instrument", "assist-lite-2013", stdin=json.dumps({"answers": answers}))
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["instrument"] == {"id": "assist-lite-2013", "version": "2013.1"}


def test_a_pack_reusing_a_shipped_id_is_refused_and_named(licensed: Path) -> None:
    doc = json.loads(UK.read_text(encoding="utf-8"))
    doc["id"] = "assist-lite-2013"
    (licensed / "impostor.json").write_text(json.dumps(doc), encoding="utf-8")
    scan = scan_packs()
    assert [pack.path for pack in scan.packs if pack.id == "assist-lite-2013"] == [SHIPPED]
    assert len(scan.problems) == 1 and "impostor.json" in str(scan.problems[0])
    assert "'assist-lite-2013' is already the id of" in str(scan.problems[0])
    listed = signpost("instruments")
    assert listed.returncode == 1 and "impostor.json" in listed.stderr


@pytest.mark.gui
def test_the_window_shows_the_configured_pack(licensed: Path, qtbot: object) -> None:
    from ui.app import make_context
    from ui.main_window import MainWindow

    config = load_config()
    window = MainWindow(make_context(config, demo=True, data_dir=None), configured_pack(config))
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    assert window.pack.id == "test-uk-shaped"
    assert window.form.draft().instrument_id == "test-uk-shaped"


def test_a_configured_pack_that_is_not_installed_names_the_config_and_the_folder(
    licensed: Path, machine_config: Path
) -> None:
    from app.errors import ConfigError

    (licensed / "adapted-assist-lite.json").unlink()
    with pytest.raises(ConfigError) as caught:
        configured_pack(load_config())
    message = str(caught.value)
    assert str(machine_config) in message and "[instrument]" in message and str(licensed) in message
    assert "'test-uk-shaped' is not installed (installed: assist-lite-2013)" in message
    assert message.count("not installed") == 1 and f"not among the pack files in {licensed}" in message
    listed = signpost("instruments")
    assert listed.returncode == 1 and "'test-uk-shaped' is not installed" in listed.stderr
    assert listed.stdout.splitlines()[0].startswith("assist-lite-2013\t")  # what is installed is still listed


def test_a_packs_folder_that_does_not_exist_is_said(licensed: Path) -> None:
    from app.errors import ConfigError

    shutil.rmtree(licensed)
    listed = signpost("instruments")
    assert listed.returncode == 1
    assert f"the packs folder {licensed} does not exist" in listed.stderr
    with pytest.raises(ConfigError, match=f"the packs folder {re.escape(str(licensed))} does not exist"):
        configured_pack(load_config())  # the app's start-up message says why the pack is missing


def test_a_pack_with_bands_the_policies_say_nothing_for_is_refused_where_it_is_chosen(
    licensed: Path, machine_config: Path
) -> None:
    # It used to load, and the form then failed at the first answer that reached such a band.
    from app.errors import ConfigError

    doc = json.loads(UK.read_text(encoding="utf-8"))
    for block in doc["blocks"]:
        for band in block["bands"]:
            if band["id"] == "moderate":
                band["id"] = "increasing"
    (licensed / "adapted-assist-lite.json").write_text(json.dumps(doc), encoding="utf-8")
    policies = ROOT / "resources" / "policy"
    with pytest.raises(ConfigError) as caught:
        configured_pack(load_config())
    message = str(caught.value)
    assert message.startswith(f"{machine_config} [instrument]: the instrument pack 'test-uk-shaped' "
                              f"({licensed / 'adapted-assist-lite.json'}) cannot be used: ")
    assert f"the action policy {policies / 'actions.json'} gives no action for the band(s) increasing" in message
    assert f"the signposting rules {policies / 'signposting.json'} say nothing for tobacco/increasing, " in message
    listed = signpost("instruments")
    assert listed.returncode == 1 and "'test-uk-shaped'" in listed.stderr and "cannot be used" in listed.stderr
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == ["assist-lite-2013", "test-uk-shaped"]
    answers = {item.id: "no" for item in find_pack("assist-lite-2013").items if item.gate}
    scored = signpost("score", "--instrument", "test-uk-shaped", stdin=json.dumps({"answers": answers}))
    assert scored.returncode == 1 and scored.stdout == "" and "cannot be used" in scored.stderr
    assert signpost("score", stdin=json.dumps({"answers": answers})).returncode == 1  # the configured pack
    result = licensed.parent / "result.json"
    result.write_text(json.dumps({"instrument": {"id": "test-uk-shaped", "version": "0.0-test"},
                                  "blocks": {block["id"]: {"score": 0} for block in doc["blocks"]}}), encoding="utf-8")
    leaflet = signpost("leaflet", "--lang", "en", "--result", str(result), "--out", str(licensed.parent / "l.pdf"))
    assert leaflet.returncode == 1 and "'test-uk-shaped'" in leaflet.stderr and "cannot be used" in leaflet.stderr


def test_a_pack_with_a_substance_the_leaflet_has_no_advice_for_is_refused(licensed: Path) -> None:
    # Its patients at moderate or high risk would get a leaflet with no advice on it, and no one would know.
    from app.errors import ConfigError

    renamed = UK.read_text(encoding="utf-8").replace('"cannabis', '"drugs')
    (licensed / "adapted-assist-lite.json").write_text(renamed, encoding="utf-8")
    with pytest.raises(ConfigError, match="the leaflet has no advice for drugs/moderate, drugs/high"):
        configured_pack(load_config())


def test_the_shipped_and_the_uk_shaped_packs_are_covered_by_every_policy_and_the_leaflet() -> None:
    from app.instrument.loader import load_pack
    from app.policy_coverage import policy_problems

    assert policy_problems(find_pack("assist-lite-2013")) == []
    assert policy_problems(load_pack(UK)) == []


def test_score_with_no_pack_chosen_warns_of_a_packs_folder_set_up_wrong(machine_config: Path, tmp_path: Path) -> None:
    # The shipped pack is scored, as it should be while no pack is chosen, but the folder's state went unsaid.
    from conftest import ALL_NO

    packs = tmp_path / "licensed packs"
    machine_config.write_text(TEST_CONFIG + f'[instrument]\npacks_dir = "{packs.as_posix()}"\n', encoding="utf-8")
    scored = signpost("score", stdin=json.dumps({"answers": ALL_NO}))
    assert scored.returncode == 0 and json.loads(scored.stdout)["instrument"]["id"] == "assist-lite-2013"
    assert f"signpost score: warning: {machine_config} [instrument]: the packs folder {packs} does not exist" in (
        scored.stderr)
    packs.mkdir()
    (packs / "broken.json").write_text("{", encoding="utf-8")
    scored = signpost("score", stdin=json.dumps({"answers": ALL_NO}))
    assert scored.returncode == 0 and f"signpost score: warning: not loaded: {packs / 'broken.json'}" in scored.stderr
    (packs / "broken.json").unlink()
    scored = signpost("score", stdin=json.dumps({"answers": ALL_NO}))
    assert scored.returncode == 0 and scored.stderr == ""
