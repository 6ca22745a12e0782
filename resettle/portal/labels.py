"""Words the applicant sees for the codes the rest of resettle stores.

Codes (`nz_embassy_kabul`, `interpreter`) are the shared vocabulary of resettle/names/places.py;
an applicant must only ever see a translated label. A code with no label here falls back to
"Other", never to the code itself.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _, pgettext_lazy

from resettle.names import places

EMPLOYERS = {
    "nzdf": _("New Zealand Defence Force"),
    "nz_police": _("New Zealand Police"),
    "mfat": _("New Zealand Embassy / Ministry of Foreign Affairs and Trade"),
    "nz_aid": _("New Zealand Aid Programme"),
    "nz_other_agency": _("Another New Zealand government agency"),
    "contractor": _("A contractor working for New Zealand"),
    "isaf_other": _("Another ISAF country"),
    "uk_forces": _("British forces"),
    "us_forces": _("United States forces"),
}
UNITS = {
    "nz_prt_bamyan": _("New Zealand Provincial Reconstruction Team, Bamyan"),
    "nz_police_bamyan": _("New Zealand Police, Bamyan"),
    "nzsas_kabul": _("New Zealand Special Air Service, Kabul"),
    "nz_embassy_kabul": _("New Zealand Embassy, Kabul"),
    "nz_aid_bamyan": _("New Zealand Aid Programme, Bamyan"),
    "isaf_hq_kabul": _("ISAF headquarters, Kabul"),
    "uk_task_force_helmand": _("British task force, Helmand"),
    "us_prt": _("A United States reconstruction team"),
}
ROLES = {
    "interpreter": _("Interpreter"),
    "cultural_adviser": _("Cultural adviser"),
    "driver": _("Driver"),
    "guard": _("Guard"),
    "cook": _("Cook"),
    "cleaner": _("Cleaner"),
    "labourer": _("Labourer"),
    "mechanic": _("Mechanic"),
    "engineer": _("Engineer"),
    "administrator": _("Administrator"),
}
LOCATIONS = {
    "bamyan": _("Bamyan"),
    "kabul": _("Kabul"),
    "yakawlang": _("Yakawlang"),
    "panjab": _("Panjab"),
    "waras": _("Waras"),
    "shibar": _("Shibar"),
    "kahmard": _("Kahmard"),
    "do_abi": _("Do Abi"),
    "mazar_i_sharif": _("Mazar-i-Sharif"),
    "kandahar": _("Kandahar"),
    "helmand": _("Helmand"),
}
OTHER = pgettext_lazy("employment", "Other")
KINDS = {"employer": EMPLOYERS, "unit": UNITS, "role": ROLES, "location": LOCATIONS}

RELATIONSHIPS = {
    "spouse": _("Husband or wife"),
    "child": _("Son or daughter"),
    "parent": _("Mother or father"),
    "sibling": _("Brother or sister"),
    "other": pgettext_lazy("relationship", "Other relative"),
}
GENDERS = {"female": _("Female"), "male": _("Male"), "other": pgettext_lazy("gender", "Other")}
CALENDARS = {"solar_hijri": _("Solar Hijri (e.g. 1361)"), "gregorian": _("Gregorian (e.g. 1982)")}
# On the summary, after a date: just the calendar's name.
CALENDAR_NAMES = {"solar_hijri": _("Solar Hijri"), "gregorian": _("Gregorian")}
YES_NO = {"yes": _("Yes"), "no": _("No")}


def choices(kind: str) -> list[tuple[str, object]]:
    """The form's options for one kind: every code places.py knows, labelled, then Other."""
    table = KINDS[kind]
    known = sorted(places.canonical_values(kind) - {"other"})
    return [("", "—")] + [(code, table[code]) for code in known if code in table] + [("other", OTHER)]


def label(kind: str, code: str):
    """The applicant's word for a stored code; never the code."""
    if not code:
        return ""
    if kind in KINDS:
        return KINDS[kind].get(code, OTHER)
    table = {"relationship": RELATIONSHIPS, "gender": GENDERS, "calendar": CALENDAR_NAMES, "yes_no": YES_NO}[kind]
    return table.get(code, "")
