"""Rate limits, the secret's strength, size limits, CSRF, the generic answer, CSP."""

import math
import re

import pytest
from django.test import Client

from portal.conftest import PRINCIPAL, fill, start, submit
from resettle.portal import ratelimit, services
from resettle.portal.models import Draft


def _guess(client, reference, secret="0000-0000-0000"):
    return client.post("/apply/continue/", {"reference": reference, "secret": secret})


def test_the_secret_has_60_random_bits_and_references_do_not_repeat():
    secrets_ = {services.new_secret() for _ in range(2000)}
    assert len(secrets_) == 2000
    one = services.new_secret()
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", one)
    assert services.SECRET_LENGTH * math.log2(32) >= 60
    # every symbol of the alphabet turns up: the secret is not drawn from a narrower set
    assert set("".join(secrets_).replace("-", "")) == set(services._ALPHABET)


def test_wrong_secret_and_unknown_reference_get_the_same_answer(applicant):
    reference, _ = start(applicant)
    wrong_secret = _guess(Client(), reference)
    unknown = _guess(Client(), "RST-ZZZZ-ZZZZ")
    assert wrong_secret.status_code == unknown.status_code == 400

    def body(r):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", r.content.decode())

    assert body(wrong_secret) == body(unknown)
    assert reference not in body(wrong_secret)


def test_a_reference_allows_five_wrong_secrets_a_day_then_even_the_right_one_waits(applicant):
    reference, secret = start(applicant)
    for n in range(ratelimit.FAILURES_PER_REFERENCE):
        assert _guess(Client(REMOTE_ADDR=f"10.0.0.{n}"), reference).status_code == 400  # each from another address
    assert _guess(Client(REMOTE_ADDR="10.0.1.1"), reference, secret).status_code == 429
    assert "too many attempts" in _guess(Client(REMOTE_ADDR="10.0.1.2"), reference).content.decode().lower()


def test_an_address_gets_twenty_failed_guesses_a_day_over_any_references(db):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(ratelimit.FAILURES_PER_ADDRESS):
        assert _guess(attacker, f"RST-AAAA-{n:04d}").status_code == 400
    assert _guess(attacker, "RST-BBBB-0000").status_code == 429
    # another address is not affected
    assert _guess(Client(REMOTE_ADDR="203.0.113.10"), "RST-BBBB-0000").status_code == 400


def test_the_limit_resets_the_next_day(db, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(ratelimit.FAILURES_PER_ADDRESS):
        _guess(attacker, f"RST-AAAA-{n:04d}")
    assert _guess(attacker, "RST-BBBB-0000").status_code == 429
    tomorrow = timezone.now() + dt.timedelta(days=1)
    monkeypatch.setattr(ratelimit.timezone, "now", lambda: tomorrow)
    assert _guess(attacker, "RST-BBBB-0000").status_code == 400
    assert ratelimit.prune() >= 1


def test_counters_hold_no_address_or_reference(db):
    _guess(Client(REMOTE_ADDR="203.0.113.77"), "RST-CCCC-0000")
    from resettle.portal.models import AttemptCounter

    keys = " ".join(AttemptCounter.objects.values_list("key", flat=True))
    assert "203.0.113.77" not in keys and "CCCC" not in keys


def test_new_applications_per_address_are_limited(db):
    client = Client(REMOTE_ADDR="198.51.100.1")
    for _ in range(ratelimit.STARTS_PER_ADDRESS):
        assert client.post("/apply/").status_code == 200
    assert client.post("/apply/").status_code == 429
    assert Draft.objects.count() == ratelimit.STARTS_PER_ADDRESS


@pytest.mark.parametrize("field", ["full_name", "father_name", "grandfather_name", "tazkira_number", "phone", "email"])
def test_every_field_has_a_size_limit(applicant, field):
    start(applicant)
    data = dict(PRINCIPAL, **{field: "ا" * 1000})
    response = applicant.post("/apply/you/", data)
    assert response.status_code == 400
    assert 'maxlength="' in response.content.decode()
    assert Draft.objects.get().step == "principal"


def test_an_oversized_body_is_refused_before_it_is_read(applicant):
    start(applicant)
    response = applicant.post("/apply/you/", dict(PRINCIPAL, full_name="x" * 70_000))
    assert response.status_code == 413


def test_family_members_are_capped(applicant):
    from resettle.portal.forms import MAX_MEMBERS
    from portal.conftest import MEMBERS

    start(applicant)
    fill(applicant, members=[MEMBERS[0]] * MAX_MEMBERS)
    response = applicant.post("/apply/family/", dict(MEMBERS[0], add="1"))
    assert response.status_code == 400
    assert len(services.payload(Draft.objects.get())["members"]) == MAX_MEMBERS


def test_every_form_needs_the_csrf_token(db):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/apply/").status_code == 403
    assert client.post("/apply/continue/", {"reference": "RST-AAAA-AAAA", "secret": "x"}).status_code == 403
    page = client.get("/apply/").content.decode()
    assert page.count("csrfmiddlewaretoken") == page.count("<form")


def test_pages_carry_a_strict_csp_and_no_inline_script_or_style(applicant):
    response = applicant.get("/apply/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    start(applicant)
    for url in ("/apply/you/", "/apply/work/", "/apply/family/", "/apply/check/"):
        page = applicant.get(url).content.decode()
        assert "<script" not in page and "style=" not in page and "<style" not in page


def test_nothing_typed_goes_into_a_url(applicant):
    start(applicant)
    fill(applicant)
    page = applicant.get("/apply/check/").content.decode()
    assert 'method="get"' not in page.lower()
    for url in re.findall(r'(?:href|action)="([^"]+)"', page):
        assert "%" not in url and "?" not in url


def test_unknown_or_foreign_drafts_cannot_be_reached_without_the_secret(applicant):
    start(applicant)
    fill(applicant)
    submit(applicant)
    stranger = Client()
    for url in ("/apply/you/", "/apply/check/", "/apply/case/"):
        response = stranger.get(url)
        assert response.status_code == 302 and response["Location"] == "/apply/continue/"


def test_portal_pages_are_never_cached(applicant):
    start(applicant)
    fill(applicant)
    for url in ("/apply/", "/apply/you/", "/apply/check/"):
        assert "no-store" in applicant.get(url)["Cache-Control"]


def test_only_the_portal_is_open_without_a_staff_sign_in(db):
    anonymous = Client()
    assert anonymous.get("/apply/").status_code == 200
    for url in ("/cases/", "/admin/login/", "/admin/", "/verification/"):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_bidi_overrides_and_control_characters_are_dropped_but_the_zwnj_stays(applicant):
    start(applicant)
    name = "\u202eعلی\u202c\u0007 می\u200cخواهد"
    assert applicant.post("/apply/you/", dict(PRINCIPAL, full_name=name)).status_code == 302
    stored = services.payload(Draft.objects.get())["principal"]["full_name"]
    assert stored == "علی می\u200cخواهد"


def test_a_post_without_a_length_is_refused(applicant):
    start(applicant)
    response = applicant.generic("POST", "/apply/you/", b"", CONTENT_LENGTH="")
    assert response.status_code == 413


def test_the_secret_page_offers_no_language_switch_that_would_lose_it(db):
    client = Client()
    assert 'class="lang"' in client.get("/apply/").content.decode()
    page = client.post("/apply/")
    assert 'id="secret"' in page.content.decode() and 'class="lang"' not in page.content.decode()
    assert "no-store" in page["Cache-Control"]
