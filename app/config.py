"""Machine-wide configuration (a TOML file set by IT) with validated defaults.

Resolution order for the data directory: ``--data-dir`` > ``SIGNPOST_DATA_DIR`` > the config file >
the platform default. The config file itself is ``SIGNPOST_CONFIG`` or the platform default path.

``Argon2Cost`` and ``ActionApproval`` are ``NamedTuple``s rather than frozen dataclasses: the GUI
loads the config before its first paint, and a frozen dataclass costs ~0.6 ms to create (it compiles
six generated methods). ``Config`` stays a dataclass: callers derive variants with ``replace()``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from app.errors import ConfigError
from app.paths import default_config_file, default_data_dir

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable

CONFIG_ENV = "SIGNPOST_CONFIG"
DATA_DIR_ENV = "SIGNPOST_DATA_DIR"


class Argon2Cost(NamedTuple):
    """Argon2id cost for new key slots. Lowered only through configuration (tests do so)."""

    time_cost: int = 3
    memory_kib: int = 262144
    parallelism: int = 2


# The most a key slot may ask of Argon2id: a tampered keyslots.json, or a slip in the machine config (bytes for
# KiB), must not make sign-in hang or exhaust memory.
MAX_TIME_COST = 64
MAX_MEMORY_KIB = 4 * 1024 * 1024
MAX_PARALLELISM = 16


class ActionApproval(NamedTuple):
    """Who approved which version of the band-to-action mapping; all empty means not yet approved."""

    approved_by: str = ""
    role: str = ""
    approved_on: dt.date | None = None
    version: str = ""

    def approves(self, version: str) -> bool:
        """Whether this is a whole approval of the mapping's ``version`` (another version needs its own)."""
        return bool(self.approved_by and self.role and self.approved_on) and self.version == version


@dataclass(frozen=True)
class Config:
    """Validated machine configuration. ``source`` is the file it came from, if any."""

    source: Path | None = None
    site_name: str = ""
    data_dir: Path | None = None
    idle_lock_minutes: float = 5.0
    argon2: Argon2Cost = field(default_factory=Argon2Cost)
    leaflet_languages: tuple[str, ...] = ("en",)
    leaflet_paper: str = "A4"
    directory_import_file: Path | None = None
    directory_stale_after_months: int = 6
    action_approval: ActionApproval = field(default_factory=ActionApproval)
    instrument_pack: str = ""  # the pack the form uses; empty for the shipped default
    instrument_dir: Path | None = None  # licensed packs IT installs beside the shipped ones

    @property
    def is_configured(self) -> bool:
        """True when IT has set anything up: a config file or a data directory in the environment."""
        return self.source is not None or bool(os.environ.get(DATA_DIR_ENV))

    def resolve_data_dir(self, override: str | os.PathLike[str] | None = None) -> Path:
        """The data directory to use, honouring the command line, then the environment, then the file."""
        if override:
            return Path(override)
        env = os.environ.get(DATA_DIR_ENV)
        if env:
            return Path(env)
        return self.data_dir or default_data_dir()


def _get(table: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str, default: Any) -> Any:
    if key not in table:
        return default
    value = table[key]
    if isinstance(value, bool) and kind is not bool:
        raise ConfigError(f"{where}: '{key}' must be {_kind_name(kind)}, not true/false")
    if not isinstance(value, kind):
        raise ConfigError(f"{where}: '{key}' must be {_kind_name(kind)}")
    return value


_WINDOWS_PATH_HINT = (
    "in double quotes a backslash starts an escape, so write a Windows path in single quotes ('C:\\Signpost\\packs') "
    "or with forward slashes (\"C:/Signpost/packs\")"
)


def _path_text(table: dict[str, Any], key: str, where: str) -> str:
    """A path setting as text; one holding a control character is refused (``"C:\\tools\\new"`` in double
    quotes reads as a tab and a newline, a path that exists nowhere)."""
    value: str = _get(table, key, str, where, "")
    if any(ord(char) < 32 for char in value):
        raise ConfigError(f"{where}: '{key}' holds a control character: {_WINDOWS_PATH_HINT}")
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "text", int: "a whole number", float: "a number", list: "a list", bool: "true or false"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if set(kinds) == {int, float}:
        return "a number"
    return " or ".join(names.get(k, k.__name__) for k in kinds)


# Every setting the file may hold, by section: anything else is a typing mistake that would otherwise
# leave a default in force without a word (a misspelt data_dir puts the vault in the wrong folder).
SETTINGS: dict[str, tuple[str, ...]] = {
    "site": ("name",),
    "storage": ("data_dir",),
    "security": ("idle_lock_minutes", "argon2_time_cost", "argon2_memory_kib", "argon2_parallelism"),
    "leaflets": ("default_languages", "paper"),
    "directory": ("import_file", "stale_after_months"),
    "policy": ("actions_approved_by", "actions_approver_role", "actions_approved_on", "actions_approved_version"),
    "instrument": ("pack", "packs_dir"),
}


def _check_names(doc: dict[str, Any], where: str) -> None:
    """Refuse a section or setting this version does not know, saying where it belongs or what was meant."""
    home = {key: section for section, keys in SETTINGS.items() for key in keys}
    for name, value in doc.items():
        if name in home:
            raise ConfigError(f"{where}: '{name}' must be under the [{home[name]}] heading")
        if name not in SETTINGS:
            sections = ", ".join(f"[{section}]" for section in SETTINGS)
            raise ConfigError(f"{where}: unknown section [{name}]{_did_you_mean(name, SETTINGS, '[{}]')} "
                              f"(the sections are {sections})")
        if not isinstance(value, dict):
            continue  # reported by _table
        for key in value:
            if key in SETTINGS[name]:
                continue
            if key in home:
                raise ConfigError(f"{where} [{name}]: '{key}' belongs under [{home[key]}], not [{name}]")
            hint = _did_you_mean(key, SETTINGS[name], "'{}'")
            raise ConfigError(f"{where} [{name}]: unknown setting '{key}'{hint} "
                              f"(the settings of [{name}] are {', '.join(SETTINGS[name])})")


def _did_you_mean(name: str, known: Iterable[str], form: str) -> str:
    import difflib  # only when a name is wrong

    close = difflib.get_close_matches(name.lower(), list(known), n=1, cutoff=0.6)
    return f": did you mean {form.format(close[0])}?" if close else ""


def _table(doc: dict[str, Any], name: str, where: str) -> dict[str, Any]:
    value = doc.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: [{name}] must be a table")
    return value


def parse_config(doc: dict[str, Any], where: str, source: Path | None = None) -> Config:
    """Validate a parsed TOML document into a ``Config``; raises ``ConfigError`` naming the key."""
    base = source.parent if source else Path.cwd()
    _check_names(doc, where)
    site = _table(doc, "site", where)
    storage = _table(doc, "storage", where)
    security = _table(doc, "security", where)
    leaflets = _table(doc, "leaflets", where)
    directory = _table(doc, "directory", where)
    policy = _table(doc, "policy", where)
    instrument = _table(doc, "instrument", where)

    idle = _get(security, "idle_lock_minutes", (int, float), f"{where} [security]", 5.0)
    if not 0 < idle <= 240:
        raise ConfigError(f"{where} [security]: 'idle_lock_minutes' must be more than 0 and at most 240")
    default_cost = Argon2Cost()
    argon2 = Argon2Cost(
        time_cost=_get(security, "argon2_time_cost", int, f"{where} [security]", default_cost.time_cost),
        memory_kib=_get(security, "argon2_memory_kib", int, f"{where} [security]", default_cost.memory_kib),
        parallelism=_get(security, "argon2_parallelism", int, f"{where} [security]", default_cost.parallelism),
    )
    for name, value, low, high in (
        ("argon2_time_cost", argon2.time_cost, 1, MAX_TIME_COST),
        ("argon2_parallelism", argon2.parallelism, 1, MAX_PARALLELISM),
        ("argon2_memory_kib", argon2.memory_kib, 8 * max(argon2.parallelism, 1), MAX_MEMORY_KIB),
    ):
        if not low <= value <= high:
            unit = " (KiB: 262144 is 256 MiB)" if name == "argon2_memory_kib" else ""
            raise ConfigError(f"{where} [security]: '{name}' must be from {low} to {high}{unit}, not {value}")

    languages = _get(leaflets, "default_languages", list, f"{where} [leaflets]", ["en"])
    if not languages or not all(isinstance(code, str) and code for code in languages):
        raise ConfigError(f"{where} [leaflets]: 'default_languages' must be a non-empty list of language codes")
    from app.i18n.languages import language_codes, product_language_code

    found = {code: product_language_code(code) for code in languages}  # as typed: PL, zh-hans or zh_Hans
    unknown = [code for code, known in found.items() if known is None]
    if unknown:
        raise ConfigError(
            f"{where} [leaflets]: 'default_languages' has unknown codes {', '.join(unknown)} "
            f"(use {', '.join(language_codes())}; 'signpost languages' lists them)"
        )
    languages = [found[code] for code in languages]
    paper = _get(leaflets, "paper", str, f"{where} [leaflets]", "A4").upper()
    if paper not in ("A4", "A5"):
        raise ConfigError(f"{where} [leaflets]: 'paper' must be \"A4\" or \"A5\"")

    stale = _get(directory, "stale_after_months", int, f"{where} [directory]", 6)
    if stale < 1:
        raise ConfigError(f"{where} [directory]: 'stale_after_months' must be at least 1")
    import_file = _path_text(directory, "import_file", f"{where} [directory]")

    import datetime as dt  # here: a start without a config file never needs it (tomllib imports it anyway)

    approved_on = policy.get("actions_approved_on")
    # A TOML date-time is a date too in Python: the approval is of a day, and a time would not compare with one.
    if approved_on is not None and (not isinstance(approved_on, dt.date) or isinstance(approved_on, dt.datetime)):
        raise ConfigError(f"{where} [policy]: 'actions_approved_on' must be a date such as 2026-11-01, written "
                          "without quotes")
    if approved_on is not None and approved_on > dt.date.today():
        raise ConfigError(f"{where} [policy]: 'actions_approved_on' is in the future ({approved_on.isoformat()})")
    # A version is a word in the policy file ("1"); written without quotes TOML reads it as a number.
    version = _get(policy, "actions_approved_version", (str, int), f"{where} [policy]", "")
    approval = ActionApproval(
        approved_by=_get(policy, "actions_approved_by", str, f"{where} [policy]", "").strip(),
        role=_get(policy, "actions_approver_role", str, f"{where} [policy]", "").strip(),
        approved_on=approved_on,
        version=str(version).strip(),
    )
    missing = [key for key, value in zip(SETTINGS["policy"], approval, strict=True) if not value]
    # Half an approval would leave the form saying "not yet approved" with no hint of what is missing. An approval
    # without its version (as written before the version was asked for) still starts: the form then says that it
    # does not cover the mapping in use.
    if missing not in ([], ["actions_approved_version"], list(SETTINGS["policy"])):
        needed = " and ".join(f"'{key}'" for key in missing)
        raise ConfigError(f"{where} [policy]: the approval of the action mapping also needs {needed} "
                          "(or leave all four empty while it is not approved)")
    data_dir = _path_text(storage, "data_dir", f"{where} [storage]")
    packs_dir = _path_text(instrument, "packs_dir", f"{where} [instrument]")
    return Config(
        source=source,
        site_name=_get(site, "name", str, f"{where} [site]", ""),
        data_dir=(base / data_dir) if data_dir else None,
        idle_lock_minutes=float(idle),
        argon2=argon2,
        leaflet_languages=tuple(languages),
        leaflet_paper=paper,
        directory_import_file=(base / import_file) if import_file else None,
        directory_stale_after_months=stale,
        action_approval=approval,
        instrument_pack=_get(instrument, "pack", str, f"{where} [instrument]", "").strip(),
        instrument_dir=(base / packs_dir) if packs_dir else None,
    )


def config_file_path() -> Path:
    env = os.environ.get(CONFIG_ENV)
    return Path(env) if env else default_config_file()


def load_config(path: Path | None = None) -> Config:
    """Load the machine config; defaults when no file exists, ``ConfigError`` when one is invalid."""
    path = path or config_file_path()
    if not path.exists():
        if os.environ.get(CONFIG_ENV):
            raise ConfigError(f"{path}: configuration file named in {CONFIG_ENV} does not exist")
        return Config()
    import tomllib  # here, not at the top: a demo or unconfigured start has no file to parse

    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: is not UTF-8 text (byte {exc.start} cannot be read): save it as UTF-8") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        # A backslash in double quotes that is no escape ("C:\Signpost"), or starts a bad one ("C:\Users": \U).
        escape = "Unescaped '\\'" in str(exc) or "Invalid hex value" in str(exc)
        raise ConfigError(f"{path}: not valid TOML ({exc}){': ' + _WINDOWS_PATH_HINT if escape else ''}") from exc
    return parse_config(doc, str(path), source=path)
