"""The shipped national services' descriptions and opening hours (``resources/seed/national-services.json``),
marked so the ``leaflet`` catalog carries them in every language.

Directory text is data: a description or opening hours are shown in the patient's language only while they
are still, word for word, the English below (an admin's edit falls back to the English alone). A test keeps
these lists equal to the seed file. Crisis lines have their own shorter wording in ``content``.
"""

from __future__ import annotations

from app.leaflets.catalog import L_

NATIONAL_SUMMARIES = {
    "shout": L_(
        "Free, confidential support by text message at any hour for anyone in the UK who is struggling "
        "to cope."
    ),
    "calm": L_(
        "Free, confidential helpline and webchat for anyone in the UK who is struggling or having "
        "thoughts of suicide."
    ),
    "papyrus-hopeline247": L_(
        "Suicide prevention advice for children and young people under 35, and for anyone worried about a young person."
    ),
    "mind-infoline": L_(
        "Information about mental-health problems, treatments and where to get help locally. Not a crisis service."
    ),
    "frank": L_(
        "Free, confidential, non-judgemental information and advice about drugs, by phone, text, email or live chat; "
        "can help find local support. Interpreters available."
    ),
    "nhs-smokefree-helpline": L_(
        "Free NHS phone line where trained advisers help you stop smoking and put you in touch with your local stop "
        "smoking service."
    ),
    "drinkline": L_(
        "Free, confidential national helpline for anyone worried about their own or someone else's "
        "drinking."
    ),
    "alcoholics-anonymous-gb": L_(
        "Free national helpline and self-help fellowship: talk to someone in recovery and find local or online "
        "meetings."
    ),
    "al-anon-uk": L_(
        "Support groups and a helpline for anyone whose life is, or has been, affected by someone else's drinking."
    ),
    "adfam": L_(
        "National charity for families affected by someone else's drinking or drug use: information and a finder for "
        "local family support groups."
    ),
}

NATIONAL_HOURS = {
    "nhs-111-mental-health": L_("24 hours, every day"),
    "samaritans": L_("24 hours, every day of the year"),
    "shout": L_("24 hours, every day"),
    "calm": L_("5pm to midnight, every day"),
    "papyrus-hopeline247": L_("24 hours, every day"),
    "mind-infoline": L_("Monday to Friday, 9am to 6pm, closed bank holidays"),
    "frank": L_("phone 24 hours, every day; live chat 2pm to 6pm, every day"),
    "alcoholics-anonymous-gb": L_("24 hours"),
}
