"""Every portal page, in every language, weighs under 50 KB with its style sheet, needs no
script and fetches nothing from elsewhere: a cheap phone on a 2G-like link can finish it."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from portal.conftest import fill, submit

LIMIT = 50 * 1024
CSS = len(open(finders.find("portal/portal.css"), "rb").read())


def _weigh(name, response) -> int:
    expected = 400 if ("errors" in name or "failed" in name) else 413 if name == "too large" else 200
    assert response.status_code == expected, (name, response.status_code)
    page = response.content.decode()
    assert "<script" not in page
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page), "something is fetched from elsewhere"
    return len(response.content) + CSS


def _pages(language, officer):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    yield "start", client.get("/apply/")
    yield "secret", client.post("/apply/")
    yield "resume", Client(HTTP_ACCEPT_LANGUAGE=language).get("/apply/continue/")
    yield "resume failed", Client(HTTP_ACCEPT_LANGUAGE=language).post("/apply/continue/", {"reference": "x", "secret": "y"})
    yield "principal", client.get("/apply/you/")
    yield "principal errors", client.post("/apply/you/", {"full_name": ""})
    yield "employment", client.get("/apply/work/")
    yield "employment errors", client.post("/apply/work/", {"employer": ""})
    fill(client)
    yield "family", client.get("/apply/family/")
    yield "family errors", client.post("/apply/family/", {"add": "1"})
    yield "review", client.get("/apply/check/")
    submit(client)
    yield "status", client.get("/apply/case/")
    from resettle.casework.services import information_request_create
    from resettle.portal.models import Draft

    application = Draft.objects.order_by("-created_at").first().application
    for n in range(3):
        information_request_create(application=application, actor=officer, question=f"Question {n}: " + "x" * 300)
    page = client.get("/apply/case/")
    assert page.content.decode().count('class="card request"') == 3
    yield "status with three requests", page
    yield "left", client.post("/apply/leave/")
    yield "too large", Client(HTTP_ACCEPT_LANGUAGE=language).post("/apply/you/", {"x": "y" * 70_000})


@pytest.mark.parametrize("language", ["en", "fa-af", "ps"])
def test_every_page_is_under_50_kb(db, language, user_factory):
    from resettle.accounts import roles

    officer = user_factory(roles.INTAKE_OFFICER, teams=["portal-intake"])
    weights = {name: _weigh(name, response) for name, response in _pages(language, officer)}
    assert len(weights) == 15
    heavy = {name: w for name, w in weights.items() if w >= LIMIT}
    assert not heavy, heavy
    print(language, max(weights.values()), weights)


@pytest.mark.parametrize("language,direction", [("en", "ltr"), ("fa-af", "rtl"), ("ps", "rtl")])
def test_pages_set_language_and_direction(db, language, direction):
    page = Client(HTTP_ACCEPT_LANGUAGE=language).get("/apply/").content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in page
