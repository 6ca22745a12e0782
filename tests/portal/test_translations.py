"""Every portal string is translated into Dari and Pashto, says it awaits a native speaker's
review, and the compiled catalogues give what the .po files say."""

import ast
import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

from portal.conftest import fill, start, submit

LOCALE = Path(__file__).resolve().parents[2] / "resettle" / "locale"
NOTE = "# Not yet reviewed by a native speaker."


def _entries(language):
    """(comments, msgctxt, msgid, msgstr) of each entry of the catalogue; plural-free."""
    text = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        lines = block.strip().splitlines()
        comments = [x for x in lines if x.startswith("#")]
        parts, key = {}, None
        for line in lines:
            if line.startswith("#"):
                continue
            m = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) (".*")$', line)
            if m:
                key = m.group(1)
                parts[key] = ast.literal_eval(m.group(2))
            elif line.startswith('"') and key:
                parts[key] += ast.literal_eval(line)
        if parts.get("msgid"):
            yield comments, parts.get("msgctxt"), parts["msgid"], parts.get("msgstr", "")


@pytest.mark.parametrize("language", ["fa_AF", "ps"])
def test_every_portal_string_is_translated_and_marked_unreviewed(language):
    portal = [e for e in _entries(language) if any("resettle/portal/" in c for c in e[0])]
    assert len(portal) > 150
    untranslated = [e[2] for e in portal if not e[3]]
    assert not untranslated, untranslated
    unmarked = [e[2] for e in portal if NOTE not in e[0]]
    assert not unmarked, unmarked
    fuzzy = [e[2] for e in portal if any("fuzzy" in c for c in e[0] if c.startswith("#,"))]
    assert not fuzzy, fuzzy
    django_language = {"fa_AF": "fa-af", "ps": "ps"}[language]
    with translation.override(django_language):
        for _, context, msgid, msgstr in portal:
            got = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
            assert got == msgstr, f"{language}.mo is stale for {msgid!r}: run msgfmt"


ENGLISH = ["Save and continue", "Your family", "Apply for resettlement", "Reference", "Check and submit",
           "New Zealand Provincial Reconstruction Team", "Interpreter", "Son or daughter", "Solar Hijri"]


@pytest.mark.parametrize("language", ["fa-af", "ps"])
def test_pages_in_dari_and_pashto_show_no_english_words(db, language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    start(client)
    fill(client)
    pages = [client.get(u).content.decode() for u in ("/apply/you/", "/apply/work/", "/apply/family/", "/apply/check/")]
    submit(client)
    pages.append(client.get("/apply/case/").content.decode())
    for page in pages:
        visible = re.sub(r"<[^>]+>", " ", page)
        for word in ENGLISH:
            assert word not in visible, (language, word)


@pytest.mark.parametrize("language,required", [("ps", "مهرباني وکړئ دې پوښتنې ته ځواب ورکړئ."),
                                               ("fa-af", "لطفاً به این سؤال پاسخ دهید.")])
def test_form_errors_are_in_the_page_language(db, language, required):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    start(client)
    page = client.post("/apply/you/", {"full_name": "", "father_name": "x" * 200, "gender": "zz"}).content.decode()
    errors = re.findall(r'<p class="error">([^<]+)</p>', page)
    assert required in errors
    assert not [e for e in errors if re.search(r"[A-Za-z]{3}", e.replace("zz", ""))], errors
