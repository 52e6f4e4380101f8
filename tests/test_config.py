"""Machine configuration set by IT: defaults, validation with the key named, data-dir precedence."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import Config, load_config
from app.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "signpost.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_default_file_gives_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SIGNPOST_CONFIG")
    config = load_config(tmp_path / "absent.toml")
    assert config == Config()
    assert not config.is_configured
    assert config.idle_lock_minutes == 5


def test_values_are_read_and_relative_paths_resolve_beside_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[site]\nname = "St Elsewhere ED"\n[storage]\ndata_dir = "vault"\n'
                           '[security]\nidle_lock_minutes = 2\n'
                           '[leaflets]\ndefault_languages = ["en", "pl"]\npaper = "A5"\n'
                           '[directory]\nimport_file = "services.json"\nstale_after_months = 3\n'
                           '[instrument]\npack = "assist-lite-uk"\npacks_dir = "instruments"\n')
    config = load_config(path)
    assert config.site_name == "St Elsewhere ED"
    assert config.resolve_data_dir() == tmp_path / "vault"
    assert config.idle_lock_minutes == 2
    assert config.leaflet_languages == ("en", "pl")
    assert config.leaflet_paper == "A5"
    assert config.directory_import_file == tmp_path / "services.json"
    assert config.instrument_pack == "assist-lite-uk"
    assert config.instrument_dir == tmp_path / "instruments"
    assert config.is_configured


def test_data_dir_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config(write(tmp_path, '[storage]\ndata_dir = "/from/file"\n'))
    assert config.resolve_data_dir() == Path("/from/file")
    monkeypatch.setenv("SIGNPOST_DATA_DIR", "/from/env")
    assert config.resolve_data_dir() == Path("/from/env")
    assert config.resolve_data_dir("/from/arg") == Path("/from/arg")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[security]\nidle_lock_minutes = 0\n", "'idle_lock_minutes' must be between 0 and 240"),
        ("[security]\nidle_lock_minutes = true\n", "'idle_lock_minutes' must be a number, not true/false"),
        ('[leaflets]\npaper = "Letter"\n', "'paper' must be \"A4\" or \"A5\""),
        ("[leaflets]\ndefault_languages = []\n", "'default_languages' must be a non-empty list"),
        ("[leaflets]\ndefault_languages = [\"xx\", \"ur\"]\n", "'default_languages' has unknown codes xx"),
        ('[policy]\nactions_approved_on = "last week"\n', "'actions_approved_on' must be a date"),
        ("[instrument]\npack = 2018\n", "[instrument]: 'pack' must be text"),
        ("instrument = \"uk\"\n", "[instrument] must be a table"),
        ("site = 3\n", "[site] must be a table"),
        ("[site\n", "not valid TOML"),
        ('[instrument]\npacks_dir = "C:\\Signpost\\packs"\n',
         "write a Windows path in single quotes ('C:\\Signpost\\packs') or with forward slashes"),
        ('[storage]\ndata_dir = "D:\\Users\\Signpost"\n', "Invalid hex value"),  # \U starts an escape
        ('[storage]\ndata_dir = "D:\\Users\\Signpost"\n', "write a Windows path in single quotes"),
        # Every backslash a valid escape: a tab and a newline in the path, not a folder anywhere.
        ('[instrument]\npacks_dir = "C:\\tools\\new"\n', "[instrument]: 'packs_dir' holds a control character"),
        ('[directory]\nimport_file = "C:\\new\\table.json"\n', "'import_file' holds a control character"),
    ],
)
def test_invalid_values_name_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


def test_config_named_in_environment_must_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNPOST_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(ConfigError, match="does not exist"):
        load_config()


def test_messages_become_sentences_for_dialogs() -> None:
    from app.errors import SignpostError, sentence

    assert sentence(SignpostError("the user name or password is not right")) == (
        "The user name or password is not right."
    )
    assert sentence(SignpostError("it is damaged. Nothing has been changed.")) == (
        "It is damaged. Nothing has been changed."
    )
    assert sentence(SignpostError("nothing imported, because 1 row(s) are rejected:")) == (
        "Nothing imported, because 1 row(s) are rejected:"
    )
    assert sentence(SignpostError("")) == ""
