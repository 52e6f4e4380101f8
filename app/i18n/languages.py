"""The language registry: every language Signpost offers, with its own name, script and direction.

English plus the 17 commonest main languages in England after English (ONS Census 2021) and recent
arrivals. Codes are the gettext directory names under ``locales/``. ``PSEUDO`` is the pseudo-locale
used to check layouts (expanded, right-to-left text); it is not a product language.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.errors import UsageError

LTR = "ltr"
RTL = "rtl"


@dataclass(frozen=True)
class Language:
    """One language.

    Attributes:
        code: gettext directory name (``zh_Hans``, ``pa``).
        english_name: the name staff read in English.
        own_name: the name in the language itself, as a patient would look for it.
        script: ISO 15924 code of the script it is written in.
        direction: ``"ltr"`` or ``"rtl"``.
        babel_locale: the CLDR locale used for dates and numbers.
    """

    code: str
    english_name: str
    own_name: str
    script: str
    direction: str
    babel_locale: str

    @property
    def is_rtl(self) -> bool:
        return self.direction == RTL


LANGUAGES: tuple[Language, ...] = (
    Language("en", "English", "English", "Latn", LTR, "en_GB"),
    Language("pl", "Polish", "Polski", "Latn", LTR, "pl"),
    Language("ro", "Romanian", "Română", "Latn", LTR, "ro"),
    Language("pa", "Punjabi (Gurmukhi)", "ਪੰਜਾਬੀ", "Guru", LTR, "pa_Guru"),
    Language("ur", "Urdu", "اردو", "Arab", RTL, "ur"),
    Language("pt", "Portuguese", "Português", "Latn", LTR, "pt_PT"),
    Language("es", "Spanish", "Español", "Latn", LTR, "es"),
    Language("ar", "Arabic", "العربية", "Arab", RTL, "ar"),
    Language("bn", "Bengali", "বাংলা", "Beng", LTR, "bn"),
    Language("gu", "Gujarati", "ગુજરાતી", "Gujr", LTR, "gu"),
    Language("it", "Italian", "Italiano", "Latn", LTR, "it"),
    Language("lt", "Lithuanian", "Lietuvių", "Latn", LTR, "lt"),
    Language("zh_Hans", "Chinese (Simplified)", "简体中文", "Hans", LTR, "zh_Hans_CN"),
    Language("ta", "Tamil", "தமிழ்", "Taml", LTR, "ta"),
    Language("tr", "Turkish", "Türkçe", "Latn", LTR, "tr"),
    Language("so", "Somali", "Soomaali", "Latn", LTR, "so"),
    Language("uk", "Ukrainian", "Українська", "Cyrl", LTR, "uk"),
    Language("fa", "Persian (Farsi)", "فارسی", "Arab", RTL, "fa"),
)

# Named "qps" after the pseudo-locale convention (qps-ploc); text is mirrored right to left.
PSEUDO = Language("qps", "Pseudo-locale (layout check)", "Pseudo-locale", "Latn", RTL, "en_GB")

_BY_CODE = {lang.code: lang for lang in (*LANGUAGES, PSEUDO)}


def language_codes() -> tuple[str, ...]:
    """Codes of the product languages, English first (the pseudo-locale is not among them)."""
    return tuple(lang.code for lang in LANGUAGES)


def product_language_code(code: str) -> str | None:
    """The product language ``code`` names, as ``language`` finds it (``PL``, ``zh``); ``None`` for anything else,
    the pseudo-locale included."""
    try:
        found = language(code).code
    except UsageError:
        return None
    return found if found in language_codes() else None


def language(code: str) -> Language:
    """The registry entry for ``code`` (also ``qps``, the pseudo-locale), in any case, ``-`` or ``_`` (``zh`` is
    ``zh_Hans``).

    Raises:
        UsageError: the code is not a Signpost language; the message lists the known codes.
    """
    if code in _BY_CODE:
        return _BY_CODE[code]
    # As typed by people: PL, zh-hans, or zh for the one written form of Chinese there is.
    wanted = code.strip().replace("-", "_").lower()
    matches = [lang for key, lang in _BY_CODE.items() if wanted in (key.lower(), key.split("_")[0].lower())]
    if len(matches) == 1:
        return matches[0]
    known = " ".join(language_codes())
    raise UsageError(f"unknown language code '{code}' (known: {known})")
