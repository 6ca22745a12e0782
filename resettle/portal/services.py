"""Writes of the applicant portal: start a draft, save a step, open it again, submit it.

The applicant has no account: a draft is reached with its reference and a secret shown once.
Only a salted PBKDF2 hash of the secret is stored (Django's hasher), so neither the database nor
a backup can give it back.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import secrets

import jdatetime
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import transaction
from django.utils import timezone

from resettle.applications.models import Application
from resettle.applications.services import ApplicationIn, ClaimIn, MemberIn, application_create, new_reference
from resettle.audit.services import record_event
from resettle.names.dates import GREGORIAN, parse_birth_date
from resettle.people.services import PersonIn
from resettle.portal import ratelimit
from resettle.portal.forms import MAX_CLAIMS, MAX_MEMBERS
from resettle.portal.models import Draft, Step

log = logging.getLogger(__name__)

# Crockford's base32, as references: read out over a bad line, no I/L/O/U to confuse.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SECRET_LENGTH = 12  # 12 x 5 = 60 bits
PATHWAY = os.environ.get("RESETTLE_PORTAL_PATHWAY", "nz-afghan-2021")
# The team whose caseworkers see portal cases in their intake queue.
TEAM = os.environ.get("RESETTLE_PORTAL_TEAM", "portal-intake")

# Unsubmitted drafts hold identifying data for nobody's use after this long: deleted.
DRAFT_DAYS = int(os.environ.get("RESETTLE_PORTAL_DRAFT_DAYS", "180"))



class SecretHasher(PBKDF2PasswordHasher):
    """PBKDF2 at a lighter cost than staff passwords: the secret is 60 random bits, not a word a
    person chose, so 2^60 guesses x 60,000 rounds stays out of reach offline, and a cheap phone
    waiting on a busy server is not kept waiting seconds at every return."""

    algorithm = "portal_pbkdf2_sha256"
    iterations = 60_000


_HASHER = SecretHasher()
# Compared against when the reference is unknown, so a miss costs the same time as a hit.
_DUMMY_HASH = None


def _hash(secret: str) -> str:
    return _HASHER.encode(normalise_secret(secret), _HASHER.salt())


def _matches(secret: str, encoded: str) -> bool:
    return _HASHER.verify(normalise_secret(secret), encoded)


def new_secret() -> str:
    body = "".join(secrets.choice(_ALPHABET) for _ in range(SECRET_LENGTH))
    return "-".join(body[i:i + 4] for i in range(0, SECRET_LENGTH, 4))


def _crockford(text: str) -> str:
    text = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    return text.translate(str.maketrans("OIL", "011"))


def normalise_reference(text: str) -> str:
    body = _crockford(text)
    if body.startswith("RST"):
        body = body[3:]
    return f"RST-{body[:4]}-{body[4:]}" if len(body) == 8 else ""


def normalise_secret(text: str) -> str:
    return _crockford(text)


def _empty_payload() -> dict:
    return {"principal": {}, "work": [], "members": []}


def payload(draft: Draft) -> dict:
    data = json.loads(draft.payload) if draft.payload else _empty_payload()
    if "work" not in data:  # drafts saved when the work step took a single period
        old = data.pop("employment", None)
        data["work"] = [old] if old else []
    return data


@transaction.atomic
def draft_start(*, address: str, language: str = "") -> tuple[Draft, str]:
    """A new draft and its secret (the only time the secret exists in clear)."""
    if ratelimit.over("start", address, ratelimit.STARTS_PER_ADDRESS):
        raise ratelimit.RateLimited
    ratelimit.hit("start", address)
    secret = new_secret()
    for _ in range(10):
        reference = new_reference()
        if not (Draft.objects.filter(reference=reference).exists()
                or Application.objects.filter(reference=reference).exists()):
            break
    draft = Draft(reference=reference, secret_hash=_hash(secret),
                  language=language[:10])
    draft.payload = json.dumps(_empty_payload())
    draft.save()
    record_event(actor=None, action="portal.draft_started", target=draft, details={"language": draft.language})
    return draft, secret


def draft_open(*, reference: str, secret: str, address: str) -> Draft | None:
    """The draft, if reference and secret match; None otherwise, whichever was wrong. Raises
    RateLimited when this address or this reference has failed too often today, before any
    check, so the answer never depends on whether the reference exists."""
    global _DUMMY_HASH
    ref = normalise_reference(reference) or _crockford(reference)[:20]
    if (ratelimit.over("address", address, ratelimit.FAILURES_PER_ADDRESS)
            or ratelimit.over("reference", ref, ratelimit.FAILURES_PER_REFERENCE)):
        raise ratelimit.RateLimited
    draft = Draft.objects.filter(reference=ref).first() if ref else None
    if draft is None:
        _DUMMY_HASH = _DUMMY_HASH or _hash(new_secret())
        _matches(secret, _DUMMY_HASH)
        ok = False
    else:
        ok = _matches(secret, draft.secret_hash)
    if not ok:
        ratelimit.hit("address", address)
        ratelimit.hit("reference", ref)
        return None
    record_event(actor=None, action="portal.draft_opened", target=draft, details={})
    return draft


@transaction.atomic
def draft_save(*, draft: Draft, section: str, values, next_step: str) -> Draft:
    """Save one step's answers (progress is kept after every step)."""
    if draft.submitted_at:
        raise ValueError("this application was already submitted")
    data = payload(draft)
    data[section] = values
    draft.payload = json.dumps(data, ensure_ascii=False)
    draft.step = next_step
    draft.save()
    record_event(actor=None, action="portal.draft_saved", target=draft, details={"section": section})
    return draft


_LISTS = {"members": (MAX_MEMBERS, Step.FAMILY), "work": (MAX_CLAIMS, Step.EMPLOYMENT)}


def item_add(*, draft: Draft, section: str, values: dict, next_step: str | None = None) -> Draft:
    """Add a family member or a period of work."""
    limit, step = _LISTS[section]
    items = payload(draft)[section]
    if len(items) >= limit:
        raise ValueError(f"at most {limit} in {section}")
    return draft_save(draft=draft, section=section, values=items + [values], next_step=next_step or step)


def item_remove(*, draft: Draft, section: str, index: int) -> Draft:
    limit, step = _LISTS[section]
    items = payload(draft)[section]
    if 0 <= index < len(items):
        del items[index]
    return draft_save(draft=draft, section=section, values=items, next_step=step)


def draft_submit(*, draft: Draft) -> Draft:
    """Store the submission first (its own transaction, committed), then create the case. If the
    second part fails the submission stays stored and marked, and `resettle portal-housekeeping`
    creates the case from it later: nothing submitted is lost."""
    with transaction.atomic():
        locked = Draft.objects.select_for_update().get(pk=draft.pk)
        if not locked.submitted_at:
            locked.submitted_at = timezone.now()
            locked.step = Step.SUBMITTED
            locked.save(update_fields=["submitted_at", "step", "updated_at"])
            record_event(actor=None, action="portal.submitted", target=locked, details={})
    draft.refresh_from_db()
    if draft.application_id is None:
        try:
            case_create(draft=draft)
        except Exception as exc:  # the submission is safe; a retry creates the case
            Draft.objects.filter(pk=draft.pk).update(failure=type(exc).__name__[:200])
            # The type only: a message or traceback could carry what the applicant typed.
            log.error("portal: creating the case for draft %s failed (%s); stored for retry", draft.pk,
                      type(exc).__name__)
        draft.refresh_from_db()
    return draft


def _birth(values: dict):
    text = (values.get("birth_date") or "").strip()
    return parse_birth_date(text, values.get("calendar") or None) if text else None


def day(text: str, calendar: str) -> dt.date | None:
    """A claimed date as a Gregorian day: a year or a month alone counts from its first day."""
    date = parse_birth_date(text, calendar or None) if text and text.strip() else None
    if date is None:
        return None
    month, day = date.month or 1, date.day or 1
    if date.calendar == GREGORIAN:
        return dt.date(date.year, month, day)
    return jdatetime.date(date.year, month, day).togregorian()


def claim_dates(values: dict) -> tuple[dt.date | None, dt.date | None]:
    calendar = values.get("calendar", "")
    return day(values.get("start_date", ""), calendar), day(values.get("end_date", ""), calendar)


def application_in(draft: Draft) -> ApplicationIn:
    data = payload(draft)
    p = data["principal"]
    principal = PersonIn(
        full_name=p["full_name"], father_name=p.get("father_name", ""),
        grandfather_name=p.get("grandfather_name", ""), birth_date=_birth(p), gender=p.get("gender") or "unknown",
        documents=[(k, p[f]) for k, f in (("tazkira", "tazkira_number"), ("passport", "passport_number")) if p.get(f)],
        contacts=[(k, p[k]) for k in ("phone", "email") if p.get(k)],
    )
    members = [MemberIn(principal, "principal", marital_status="")]
    for m in data["members"]:
        person = PersonIn(full_name=m["full_name"], father_name=m.get("father_name", ""), birth_date=_birth(m),
                          gender=m.get("gender") or "unknown",
                          documents=[("tazkira", m["tazkira_number"])] if m.get("tazkira_number") else [])
        dependent = {"yes": True, "no": False}.get(m.get("dependent", ""))
        members.append(MemberIn(person, m["relationship"], dependent=dependent))
    claims = []
    for e in data["work"]:
        start, end = claim_dates(e)
        referee = " · ".join(x for x in (e.get("referee_name", ""), e.get("referee_contact", "")) if x)
        claims.append(ClaimIn(employer=e.get("employer", ""), unit=e.get("unit", ""), role=e.get("role", ""),
                              location=e.get("location", ""), start_date=start, end_date=end,
                              referee=referee, details=e.get("details", "")))
    # The case keeps the applicant's reference (unless it was taken meanwhile), so what the
    # applicant quotes is what staff see.
    reference = draft.reference if not Application.objects.filter(reference=draft.reference).exists() else ""
    return ApplicationIn(pathway=PATHWAY, received_on=timezone.localdate(draft.submitted_at), members=members,
                         claims=claims, channel="web", external_id=f"portal:{draft.reference}", reference=reference,
                         received_at=draft.submitted_at)


@transaction.atomic
def case_create(*, draft: Draft) -> Application:
    """The case for a stored submission, in the portal team's intake queue, matched and checked
    for duplicates by the worker as imported cases are."""
    from resettle.accounts.models import Team
    from resettle.verification.tasks import enqueue_matching

    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    if draft.application_id:
        return draft.application
    if not draft.submitted_at:
        raise ValueError("not submitted")
    team, _ = Team.objects.get_or_create(name=TEAM)
    existing = Application.objects.filter(external_id=f"portal:{draft.reference}").first()
    application = existing or application_create(data=application_in(draft), actor=None, team=team)
    draft.application = application
    draft.failure = ""
    draft.save(update_fields=["application", "failure", "updated_at"])
    record_event(actor=None, action="portal.case_created", target=application, details={"channel": "web"})
    # Matching and the duplicate search run in the worker after this commits, as after an import.
    enqueue_matching([application.pk])
    return application


def submissions_retry() -> int:
    """Create the case of every stored submission that has none yet."""
    done = 0
    for draft in Draft.objects.filter(submitted_at__isnull=False, application__isnull=True):
        try:
            case_create(draft=draft)
            done += 1
        except Exception as exc:
            log.error("portal: retry for draft %s failed (%s)", draft.pk, type(exc).__name__)
    return done


@transaction.atomic
def drafts_expire(*, days: int = DRAFT_DAYS) -> int:
    """Delete applications started and never submitted, untouched for `days` days."""
    cutoff = timezone.now() - dt.timedelta(days=days)
    stale = Draft.objects.filter(submitted_at__isnull=True, updated_at__lt=cutoff)
    count = stale.count()
    if count:
        stale.delete()
        record_event(actor=None, action="portal.drafts_expired", details={"count": count, "days": days})
    return count
