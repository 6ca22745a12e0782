"""Helpers for the portal tests: a client that walks the form as an applicant would."""

from __future__ import annotations

import re

import pytest
from django.test import Client

PRINCIPAL = {
    "full_name": "محمد حسین حسینی", "father_name": "غلام علی", "grandfather_name": "محمد رضا",
    "birth_date": "۱۳۶۱-۰۵-۱۲", "calendar": "solar_hijri", "gender": "male", "tazkira_number": "1234-5678",
    "passport_number": "", "phone": "+93 700 000 101", "email": "",
}
EMPLOYMENT = {
    "employer": "nzdf", "unit": "nz_prt_bamyan", "role": "interpreter", "location": "bamyan", "details": "",
    "start_date": "2010-03", "end_date": "2012-11", "calendar": "gregorian",
    "referee_name": "Sgt Smith", "referee_contact": "smith@example.org",
}
MEMBERS = [
    {"relationship": "spouse", "full_name": "فاطمه رضایی", "father_name": "علی احمد", "birth_date": "1365",
     "calendar": "solar_hijri", "gender": "female", "dependent": "yes", "tazkira_number": ""},
    {"relationship": "child", "full_name": "زهرا حسینی", "father_name": "محمد حسین", "birth_date": "1390-01-05",
     "calendar": "solar_hijri", "gender": "female", "dependent": "yes", "tazkira_number": ""},
    {"relationship": "child", "full_name": "Ali Hussaini", "father_name": "Mohammad Hussain", "birth_date": "2014-06-01",
     "calendar": "gregorian", "gender": "male", "dependent": "yes", "tazkira_number": ""},
]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # The secret's hash uses Django's password hasher; production strength costs half a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def start(client: Client) -> tuple[str, str]:
    """Start a draft; the reference and the secret as the page shows them."""
    page = client.post("/apply/").content.decode()
    reference = re.search(r'id="reference">([^<]+)<', page).group(1)
    secret = re.search(r'id="secret">([^<]+)<', page).group(1)
    return reference, secret


def fill(client: Client, *, principal=PRINCIPAL, employment=EMPLOYMENT, members=MEMBERS) -> None:
    assert client.post("/apply/you/", principal).status_code == 302
    assert client.post("/apply/work/", employment).status_code == 302
    for member in members:
        assert client.post("/apply/family/", dict(member, add="1")).status_code == 302
    assert client.post("/apply/family/", {"continue": "1"}).status_code == 302


def submit(client: Client):
    return client.post("/apply/check/", {"confirm": "on"})


@pytest.fixture
def applicant(db):
    return Client()
