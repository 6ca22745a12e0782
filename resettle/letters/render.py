"""Decision letters as PDF, in the applicant's language: English, Dari or Pashto.

HTML and CSS (templates/letters/decision.html) rendered to PDF by WeasyPrint, which shapes
Perso-Arabic script (joined letter forms, right-to-left runs) through Pango and HarfBuzz. The
Dari and Pashto letters are laid out right to left (`dir="rtl"` on the page) in Noto Naskh
Arabic (Debian's fonts-noto-core, installed by scripts/install-system-deps.sh).

The letter's fixed text is translated through this app's own catalogues (locale/fa_AF and
locale/ps, msgctxt "decision letter"); everything inserted (the name as the applicant wrote
it, references, the policy's and decision maker's words) is isolated in its own direction, so
a Latin reference inside a Dari sentence, or a Dari name inside an English one, cannot reorder
the text around it. WeasyPrint does not guess a direction for `dir="auto"`, so the direction of
each value is worked out here from its first strong letter (what `dir="auto"` means in HTML) and
written out explicitly.

Dates are shown with the time zone they were taken in; in Dari and Pashto the Solar Hijri date
(the calendar used in Afghanistan) is given beside the Gregorian one.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping

import jdatetime
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html

LANGUAGES = {"en": "en", "fa-af": "fa-af", "fa_af": "fa-af", "fa": "fa-af", "prs": "fa-af", "ps": "ps"}
RTL = {"fa-af", "ps"}
OUTCOMES = ("approved", "declined")

# Afghan month names of the Solar Hijri calendar: Dari uses the zodiac names, Pashto its own.
# Not reviewed by a native speaker.
HIJRI_MONTHS = {
    "fa-af": ("حمل", "ثور", "جوزا", "سرطان", "اسد", "سنبله", "میزان", "عقرب", "قوس", "جدی", "دلو", "حوت"),
    "ps": ("وری", "غویی", "غبرگولی", "چنگاښ", "زمری", "وږی", "تله", "لړم", "لیندۍ", "مرغومی", "سلواغه", "کب"),
}
_EXTENDED_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


class LetterError(ValueError):
    """A letter cannot be made from this context; the message names the field."""


def language_code(language: str) -> str:
    code = LANGUAGES.get((language or "").strip().lower())
    if code is None:
        raise LetterError(f"language: {language!r} is not one of English (en), Dari (fa-af) or Pashto (ps)")
    return code


def text_direction(value: object) -> str:
    """"rtl" or "ltr" from the first strong letter (HTML's dir="auto"); "ltr" when there is none."""
    for ch in str(value or ""):
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def isolated(value: object, tag: str = "bdi"):
    """The value in its own direction, escaped: <bdi dir="rtl">…</bdi>."""
    return format_html('<{} dir="{}">{}</{}>', tag, text_direction(value), str(value), tag)


def _date(value, code: str):
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value))
        except ValueError:
            raise LetterError(f"decided_on: {value!r} is not a date (YYYY-MM-DD)") from None
    if code == "en":
        return f"{value.day} {value:%B %Y}"
    j = jdatetime.date.fromgregorian(date=value)
    hijri = f"{j.day} {HIJRI_MONTHS[code][j.month - 1]} {j.year}".translate(_EXTENDED_DIGITS)
    # The Gregorian date in a left-to-right isolate of its own: inside right-to-left text,
    # "2026-11-28" would otherwise be laid out as "28-11-2026".
    return format_html('<bdi dir="rtl">{}</bdi> (<bdi dir="ltr">{}</bdi>)', hijri, value.isoformat())


def _required(context: Mapping, name: str) -> object:
    value = context.get(name)
    if value in (None, ""):
        raise LetterError(f"{name}: missing (the letter needs it)")
    return value


def _policy(context: Mapping) -> tuple[str, str]:
    title = context.get("policy_title") or context.get("policy") or ""
    version = context.get("policy_version") or ""
    if not title:
        raise LetterError("policy_title: missing (the letter cites the policy the decision rests on)")
    return str(title), str(version)


def letter_html(*, language: str, context: Mapping) -> str:
    """The letter as HTML (what render_decision_letter turns into PDF)."""
    code = language_code(language)
    outcome = str(_required(context, "outcome")).strip().lower()
    if outcome not in OUTCOMES:
        raise LetterError(f"outcome: {outcome!r} is neither 'approved' nor 'declined'")
    reconsideration = context.get("reconsideration") or context.get("how_to_reconsider") or ""
    if outcome == "declined" and not str(reconsideration).strip():
        raise LetterError("reconsideration: a decline must say how to ask for reconsideration")
    policy_title, policy_version = _policy(context)
    criteria = []
    for n, c in enumerate(context.get("criteria") or [], start=1):
        if not c.get("criterion"):
            raise LetterError(f"criteria[{n}].criterion: missing")
        criteria.append({"criterion": isolated(c["criterion"]),
                         "outcome": str(c.get("outcome") or "").strip().lower().replace("_", " "),
                         "evidence": isolated(c.get("evidence") or "")})
    params = [{"label": isolated(p.get("label", "")), "value": isolated(p.get("value", ""))}
              for p in (context.get("params") or context.get("outcome_parameters") or [])]
    with translation.override(code):
        return render_to_string("letters/decision.html", {
            "lang": code,
            "dir": "rtl" if code in RTL else "ltr",
            "reference": isolated(_required(context, "reference")),
            "reference_plain": str(context["reference"]),
            "name": isolated(_required(context, "applicant_name")),
            "decided_on": format_html('<bdi dir="{}">{}</bdi>', "rtl" if code in RTL else "ltr",
                                      _date(_required(context, "decided_on"), code)),
            "timezone": isolated(context.get("timezone") or context.get("timezone_label") or "UTC"),
            "outcome": outcome,
            "policy_title": isolated(policy_title),
            "policy_version": isolated(policy_version) if policy_version else "",
            "criteria": criteria,
            "reasons": str(context.get("reasons") or ""),
            "reasons_dir": text_direction(context.get("reasons")),
            "params": params,
            "reconsideration": str(reconsideration),
            "reconsideration_dir": text_direction(reconsideration),
        })


def render_decision_letter(*, language: str, context: Mapping) -> bytes:
    """The decision letter as PDF bytes, in English ("en"), Dari ("fa-af"/"fa_AF") or Pashto
    ("ps"). `context` holds reference, applicant_name, decided_on (a date), timezone, outcome
    ("approved"/"declined"), policy_title (or policy) and policy_version, criteria (list of
    {criterion, outcome, evidence}), reasons, params (list of {label, value}) and, for a
    decline, reconsideration (how to ask for it). Raises LetterError naming the bad field."""
    from weasyprint import HTML  # imported here: it loads Pango, which only letters need

    html = letter_html(language=language, context=context)
    return HTML(string=html).write_pdf()
