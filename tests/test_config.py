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
        ("[security]\nidle_lock_minutes = 0\n", "'idle_lock_minutes' must be more than 0 and at most 240"),
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
        # A name this version does not know would leave its default in force without a word.
        ('[storage]\ndatadir = "site-vault"\n', "[storage]: unknown setting 'datadir': did you mean 'data_dir'?"),
        ("[security]\nidle_lock_minute = 2\n", "unknown setting 'idle_lock_minute': did you mean 'idle_lock_minutes'?"),
        ("[securty]\nidle_lock_minutes = 2\n", "unknown section [securty]: did you mean [security]?"),
        ("[printing]\n", "unknown section [printing] (the sections are [site], [storage], [security]"),
        ("[leaflets]\ncolour = true\n",
         "unknown setting 'colour' (the settings of [leaflets] are default_languages, paper)"),
        ('[security]\ndata_dir = "vault"\n', "[security]: 'data_dir' belongs under [storage], not [security]"),
        ('data_dir = "vault"\n', "'data_dir' must be under the [storage] heading"),
        # Half an approval: the form would go on saying "not yet approved" with no hint of what is missing.
        ('[policy]\nactions_approved_by = "Dr A Lead"\n',
         "also needs 'actions_approver_role' and 'actions_approved_on' and 'actions_approved_version' (or leave all "
         "four empty"),
        ('[policy]\nactions_approved_by = " "\nactions_approver_role = "Clinical lead, ED"\n'
         "actions_approved_on = 2026-11-01\nactions_approved_version = \"1\"\n", "also needs 'actions_approved_by'"),
        ('[policy]\nactions_approved_version = "1"\n',
         "also needs 'actions_approved_by' and 'actions_approver_role' and 'actions_approved_on'"),
        ('[policy]\nactions_approved_by = "Dr A Lead"\nactions_approver_role = "Clinical lead, ED"\n'
         "actions_approved_on = 2999-11-01\n", "'actions_approved_on' is in the future (2999-11-01)"),
        # A date-time is a date to Python, and crashed the comparison with today.
        ('[policy]\nactions_approved_by = "Dr A"\nactions_approver_role = "Lead"\n'
         "actions_approved_on = 2026-11-01T10:00:00\n", "'actions_approved_on' must be a date such as 2026-11-01"),
        ('[policy]\nactions_approved_on = 2026-11-01T10:00:00Z\n', "'actions_approved_on' must be a date such as"),
        ('[policy]\nactions_approved_on = "2026-11-01"\n', "a date such as 2026-11-01, written without quotes"),
        ('[leaflets]\ndefault_languages = ["pl", "qps"]\n', "'default_languages' has unknown codes qps"),
        # Bytes written for KiB: set-up ended in Argon2's "Memory allocation error" traceback.
        ("[security]\nargon2_memory_kib = 268435456\n",
         "[security]: 'argon2_memory_kib' must be from 16 to 4194304 (KiB: 262144 is 256 MiB), not 268435456"),
        ("[security]\nargon2_time_cost = 1000\n", "'argon2_time_cost' must be from 1 to 64, not 1000"),
        ("[security]\nargon2_parallelism = 0\n", "'argon2_parallelism' must be from 1 to 16, not 0"),
        ("[security]\nargon2_parallelism = 4\nargon2_memory_kib = 16\n", "'argon2_memory_kib' must be from 32 to"),
    ],
)
def test_invalid_values_name_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


def test_language_codes_and_paper_are_read_as_the_command_line_reads_them(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[leaflets]\ndefault_languages = ["PL", "zh", "ur"]\npaper = "a5"\n'))
    assert config.leaflet_languages == ("pl", "zh_Hans", "ur") and config.leaflet_paper == "A5"


def test_an_approval_left_empty_is_not_an_error(tmp_path: Path) -> None:
    # As the README's example ships it: the form then says the mapping is not yet approved.
    config = load_config(write(tmp_path, '[policy]\nactions_approved_by = ""\nactions_approver_role = ""\n'))
    assert not config.action_approval.approves("1")


def test_a_misspelt_data_dir_creates_no_vault_anywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    import io

    from app.cli import run

    home = tmp_path / "home"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("SIGNPOST_CONFIG", str(write(tmp_path, '[storage]\ndatadir = "site-vault"\n')))
    monkeypatch.setattr("sys.stdin", io.StringIO("it-admin-password\n"))
    assert run(["init", "--admin", "it.admin", "--password-stdin"]) == 1
    assert "did you mean 'data_dir'?" in capsys.readouterr().err
    assert not home.exists() and not (tmp_path / "site-vault").exists()


def test_a_file_not_saved_as_utf8_says_how_to_save_it(tmp_path: Path) -> None:
    path = tmp_path / "signpost.toml"
    path.write_bytes('[site]\nname = "Sant\u00e9 ED"\n'.encode("latin-1"))
    with pytest.raises(ConfigError, match=r"is not UTF-8 text \(byte 19 cannot be read\): save it as UTF-8"):
        load_config(path)


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
