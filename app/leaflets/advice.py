"""Plain-language advice per substance and risk band, in English, marked for the ``leaflet`` catalog.

Every sentence of health advice names its source in ``SOURCES`` (a test holds each to it). Figures appear only
in the alcohol advice, which restates the UK Chief Medical Officers' low-risk drinking guideline.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.leaflets.catalog import L_

ADVICE_BANDS = ("moderate", "high")

_NAMES = {
    "tobacco": L_("Smoking or other tobacco"),
    "alcohol": L_("Alcohol"),
    "cannabis": L_("Cannabis"),
    "stimulants": L_("Stimulants, such as cocaine, amphetamine or ecstasy"),
    "sedatives": L_("Sleeping pills or tranquillisers"),
    "opioids": L_("Opioids, such as heroin, methadone or strong painkillers"),
}

_BAND = {
    "moderate": L_("Your answers suggest this is putting your health at moderate risk."),
    "high": L_("Your answers suggest this is putting your health at high risk."),
}

_CUT_DOWN = L_(
    "Cutting down or stopping lowers the risks to your physical and mental health. The services below can help."
)

_ADVICE: dict[str, tuple[str, ...]] = {
    "tobacco": (
        L_(
            "Stopping smoking is one of the best things you can do for your health. Free help to stop is "
            "available: see the services below."
        ),
    ),
    "alcohol": (
        L_(
            "The UK Chief Medical Officers advise that, to keep health risks low, it is safest not to "
            "drink more than 14 units of alcohol a week on a regular basis."
        ),
        L_(
            "If you regularly drink as much as 14 units a week, it is best to spread your drinking evenly over "
            "three or more days. Having several drink-free days each week is a good way to cut down."
        ),
    ),
    "cannabis": (_CUT_DOWN,),
    "stimulants": (_CUT_DOWN,),
    "sedatives": (
        _CUT_DOWN,
        L_("Do not stop taking sleeping pills or tranquillisers suddenly: talk to your GP about cutting down safely."),
    ),
    "opioids": (
        _CUT_DOWN,
        L_(
            "Opioids can cause an overdose, especially when mixed with alcohol or other drugs. Ask a "
            "drug service about naloxone, a medicine that can reverse an opioid overdose."
        ),
    ),
}

_HIGH_EXTRA: dict[str, tuple[str, ...]] = {
    "alcohol": (
        L_(
            "If you drink heavily every day, do not stop suddenly without medical advice: talk to your "
            "GP or one of the services below."
        ),
    ),
}


def substance_name(substance: str) -> str | None:
    """English heading for an instrument block id, or None for a substance the leaflet gives no advice on."""
    return _NAMES.get(substance)


def advice_gaps(blocks: Iterable[tuple[str, Iterable[str]]]) -> list[str]:
    """``block/band`` for each band of ``blocks`` (block id, band ids) a leaflet should advise on but cannot."""
    return [f"{block}/{band}" for block, bands in blocks for band in bands
            if band in ADVICE_BANDS and not (block in _NAMES and _ADVICE.get(block))]


def band_sentence(band: str) -> str:
    return _BAND[band]


def substance_advice(substance: str, band: str) -> tuple[str, ...]:
    """The advice sentences for a substance at a band (English source text)."""
    extra = _HIGH_EXTRA.get(substance, ()) if band == "high" else ()
    return _ADVICE.get(substance, ()) + extra


_CMO_2016 = (
    "Department of Health, \"UK Chief Medical Officers' Low Risk Drinking Guidelines\", August 2016: \"To keep "
    "health risks from alcohol to a low level it is safest not to drink more than 14 units a week on a regular "
    "basis\"; \"If you regularly drink as much as 14 units per week, it is best to spread your drinking evenly over "
    "3 or more days\"; \"If you wish to cut down the amount you're drinking, a good way to help achieve this is to "
    "have several drink-free days each week\""
)

# Advice sentence (English) -> where what it says comes from.
SOURCES: dict[str, str] = {
    _ADVICE["tobacco"][0]: (
        "NHS Better Health, \"Quit smoking\": \"Stopping smoking is one of the best things you will ever do for your "
        "health\", and quitting is much easier with the free support available (as quoted by Healthy Pharmacies, "
        "http://healthypharmacies.org/index-25.html). Calderdale and Huddersfield NHS Foundation Trust, CHFT News "
        "issue 140, 29 September 2025: free support from local stop smoking services. "
        "https://chft-news.cht.nhs.uk/issue/chft-news-issue-140-29-september-2025"
    ),
    _CUT_DOWN: (
        "Links for Life Sunderland, \"Drugs and substances\": reducing or quitting drugs can help you to be happier, "
        "safer and healthier; any drug can cause harms, whether cocaine, prescription painkillers or cannabis; "
        "change is easier with support from a drug and alcohol service. "
        "https://linksforlifesunderland.co.uk/services/healthy-changes/drugs-and-substances"
    ),
    _ADVICE["alcohol"][0]: _CMO_2016,
    _ADVICE["alcohol"][1]: _CMO_2016,
    _HIGH_EXTRA["alcohol"][0]: (
        "Alcohol Change UK, \"Alcohol withdrawal\": someone dependent on alcohol should not suddenly, completely stop "
        "drinking, and should talk to a GP or the local community alcohol service. https://alcoholchange.org.uk/"
        "help-and-support/get-help-now/coronavirus-information-and-advice-hub/coronavirus-alcohol-withdrawal-what-"
        "to-look-out-for. Gateshead Health NHS Foundation Trust, \"Alcohol dependence\": severe withdrawal can be "
        "life threatening. https://www.gatesheadhealth.nhs.uk/resources/alcohol-dependence"
    ),
    _ADVICE["sedatives"][1]: (
        "Mind, \"Withdrawal effects of benzodiazepines\": reduce the dose gradually; withdrawal symptoms are more "
        "likely when the dose is stopped or cut suddenly. https://www.mind.org.uk/information-support/drugs-and-"
        "treatments/sleeping-pills-and-minor-tranquillisers/withdrawal-effects-of-benzodiazepines/"
    ),
    _ADVICE["opioids"][1]: (
        "Forward Leeds, \"Leave the mixing\": over half of drug poisoning deaths in England and Wales involve more "
        "than one drug and/or alcohol. https://www.forwardleeds.co.uk/health-campaigns/leave-mixing-dj/. Change "
        "Grow Live, \"Naloxone: the overdose reversal drug\": naloxone can reverse an opioid overdose, and local "
        "drug services give kits free. https://www.changegrowlive.org/advice-info/alcohol-drugs/naloxone-overdose-"
        "reversal-drug"
    ),
}
