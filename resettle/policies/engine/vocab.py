"""Canonical vocabulary a policy file may refer to.

Policy files are checked against these lists so that a typo such as ``nz_prt_bamiyan`` is
rejected when the file is loaded instead of silently matching nobody.
"""

EMPLOYERS = frozenset(
    {
        "nzdf", "nz_police", "mfat", "nz_aid", "nz_other_agency", "us_forces", "uk_forces",
        "isaf_other", "contractor", "other",
    }
)
UNITS = frozenset(
    {
        "nz_prt_bamyan", "nz_police_bamyan", "nzsas_kabul", "nz_embassy_kabul", "nz_aid_bamyan",
        "us_prt", "uk_task_force_helmand", "isaf_hq_kabul", "other",
    }
)
ROLES = frozenset(
    {
        "interpreter", "cultural_adviser", "driver", "guard", "engineer", "mechanic", "cook",
        "cleaner", "labourer", "administrator", "other",
    }
)
LOCATIONS = frozenset(
    {
        "bamyan", "kabul", "yakawlang", "kahmard", "shibar", "panjab", "waras", "do_abi",
        "helmand", "kandahar", "mazar_i_sharif", "other",
    }
)
RELATIONSHIPS = frozenset({"principal", "spouse", "child", "parent", "sibling", "other"})
GENDERS = frozenset({"female", "male", "other", "unknown"})
VERIFICATION = frozenset({"confirmed", "rejected", "unverified"})
MARITAL_STATUSES = frozenset({"single", "married", "divorced", "widowed", "separated", "engaged"})

EMPLOYMENT_FIELDS = {
    "employer": EMPLOYERS,
    "unit": UNITS,
    "role": ROLES,
    "location": LOCATIONS,
}

OUTCOMES = ("offer", "referral", "not_eligible", "unknown")
OFFER_KINDS = frozenset(
    {"resettlement", "urgent_resettlement", "relocation_payment", "cash_assistance", "other_support"}
)
