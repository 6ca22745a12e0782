"""Decision letters as PDF: each language renders, the Dari text is in the PDF, Dari and Pashto
pages run right to left in a font with Perso-Arabic glyphs, inserted values keep their own
direction."""

import datetime as dt
import io
import re
import subprocess

import pytest
from pypdf import PdfReader

from resettle.letters.render import LetterError, letter_html, render_decision_letter, text_direction

NAME = "اکبر حکیمی"
DARI_TITLE = "تصمیم در مورد درخواست شما"
PASHTO_TITLE = "ستاسو د غوښتنلیک په اړه پرېکړه"
DARI_DECLINE = "ما تصمیم گرفتیم که درخواست اسکان مجدد شما را رد کنیم"

CONTEXT = {
    "reference": "NZ21-000123",
    "applicant_name": NAME,
    "decided_on": dt.date(2026, 11, 28),
    "timezone": "Pacific/Auckland",
    "outcome": "declined",
    "policy_title": "NZ Afghan nationals who supported the NZ Defence Force (2021)",
    "policy_version": "2021-09",
    "criteria": [
        {"criterion": "Employed by the NZ Defence Force", "outcome": "met", "evidence": "HR record 4411, 2009-2012"},
        {"criterion": "At risk because of that work", "outcome": "not_met", "evidence": "Decision maker's finding"},
    ],
    "reasons": "The risk was found not to arise from that work.",
    "params": [{"label": "Dependants included", "value": "4"}],
    "reconsideration": "Write to us within 28 days, quoting NZ21-000123.",
}

# Bidi controls that text extraction may put around right-to-left runs, and the zero-width
# non-joiner inside words: neither is a letter of the text looked for.
_INVISIBLE = re.compile("[\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def pdfs():
    return {lang: render_decision_letter(language=lang, context=CONTEXT) for lang in ("en", "fa_AF", "ps")}


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return _INVISIBLE.sub("", "\n".join(page.extract_text() for page in reader.pages))


def poppler_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return _INVISIBLE.sub("", out)


def words_with_boxes(pdf: bytes, tmp_path) -> list[tuple[float, float, float, str]]:
    """(xMin, xMax, yMin, word) of page 1, as poppler's pdftotext places them."""
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [(float(a), float(b), float(y), _INVISIBLE.sub("", w)) for a, y, b, w in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', out)]


def test_each_language_renders_a_pdf(pdfs):
    for lang, pdf in pdfs.items():
        assert pdf.startswith(b"%PDF-"), lang
        assert len(PdfReader(io.BytesIO(pdf)).pages) >= 1


def test_the_dari_text_is_in_the_dari_pdf(pdfs):
    text = text_of(pdfs["fa_AF"])
    for phrase in (DARI_TITLE, DARI_DECLINE, NAME, "NZ21-000123"):
        assert phrase in text
    assert "Decision on your application" not in text


def test_each_letter_is_in_its_own_language(pdfs):
    english, pashto = text_of(pdfs["en"]), text_of(pdfs["ps"])
    assert "Decision on your application" in english and DARI_TITLE not in english
    assert NAME in english  # the name as the applicant wrote it, whatever the letter's language
    assert PASHTO_TITLE in pashto and DARI_TITLE not in pashto


def test_perso_arabic_glyphs_come_from_noto_naskh_arabic(pdfs):
    for lang in ("fa_AF", "ps"):
        fonts = set()
        for page in PdfReader(io.BytesIO(pdfs[lang])).pages:
            fonts |= {str(f.get_object()["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
        assert any("Noto-Naskh-Arabic" in f for f in fonts), fonts


def test_dari_and_pashto_pages_run_right_to_left(pdfs):
    for lang in ("fa_AF", "ps"):
        html = letter_html(language=lang, context=CONTEXT)
        assert re.search(r'<html lang="(fa-af|ps)" dir="rtl">', html)
    assert '<html lang="en" dir="ltr">' in letter_html(language="en", context=CONTEXT)


def test_the_title_sits_at_the_right_margin_in_dari_and_the_left_in_english(pdfs, tmp_path):
    def title_box(pdf, first_word):
        words = words_with_boxes(pdf, tmp_path)
        top = min(y for _, _, y, _ in words)
        line = [w for w in words if abs(w[2] - top) < 2]
        # -bbox gives right-to-left words with their glyphs in visual order, reversed.
        assert {first_word, first_word[::-1]} & {w[3] for w in line}
        return min(w[0] for w in line), max(w[1] for w in line)

    page_width = 595.3  # A4 in points; the page margins are 20 mm (57 pt)
    dari_left, dari_right = title_box(pdfs["fa_AF"], "تصمیم")
    en_left, en_right = title_box(pdfs["en"], "Decision")
    assert page_width - dari_right < 70 and dari_left > 150  # flush right
    assert en_left < 70 and page_width - en_right > 150  # flush left


def test_a_latin_date_inside_dari_text_keeps_its_order(pdfs, tmp_path):
    # Without its own isolate, right-to-left layout turns 2026-11-28 into 28-11-2026.
    words = [w for *_, w in words_with_boxes(pdfs["fa_AF"], tmp_path)]
    assert any("2026-11-28" in w for w in words)
    assert not any("28-11-2026" in w for w in words)
    # The Solar Hijri year, in Dari digits (poppler reads digit runs inside right-to-left text
    # in their logical order; pypdf reverses them).
    text = poppler_text(pdfs["fa_AF"], tmp_path)
    assert "۱۴۰۵" in text and "قوس" in text


def test_every_inserted_value_is_isolated():
    html = letter_html(language="fa_AF", context=CONTEXT)
    assert html.count(f'<bdi dir="rtl">{NAME}</bdi>') == 2  # applicant line and greeting
    assert NAME not in html.replace(f'<bdi dir="rtl">{NAME}</bdi>', "")
    for value in ("NZ21-000123", "2021-09", "Employed by the NZ Defence Force", "Dependants included"):
        assert f'<bdi dir="ltr">{value}</bdi>' in html
    assert '<div class="text" dir="ltr"><p>The risk was found not to arise' in html


def test_criterion_findings_are_translated():
    ctx = {**CONTEXT, "criteria": [{"criterion": "A", "outcome": "met"}, {"criterion": "B", "outcome": "not_met"},
                                   {"criterion": "C", "outcome": "unknown"}, {"criterion": "D", "outcome": "referred"}]}
    html = letter_html(language="fa-af", context=ctx)
    for finding in ("برآورده شده", "برآورده نشده", "نامعلوم", "به تصمیم‌گیرنده واگذار شده"):
        assert f"<td>{finding}</td>" in html
    assert "referred" not in html and "not_met" not in html


def test_values_are_escaped():
    html = letter_html(language="en", context={**CONTEXT, "applicant_name": "<script>x</script>"})
    assert "<script>x" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


def test_an_approval_needs_no_reconsideration_text(pdfs):
    ctx = {**CONTEXT, "outcome": "approved", "reconsideration": ""}
    text = text_of(render_decision_letter(language="fa-af", context=ctx))
    assert "منظور کنیم" in text and "بازنگری" not in text


@pytest.mark.parametrize("change, field", [
    ({"outcome": "maybe"}, "outcome"),
    ({"reconsideration": ""}, "reconsideration"),
    ({"decided_on": "28/11/2026"}, "decided_on"),
    ({"reference": ""}, "reference"),
    ({"policy_title": ""}, "policy_title"),
    ({"criteria": [{"outcome": "met"}]}, "criteria[1].criterion"),
])
def test_a_bad_context_names_the_field(change, field):
    with pytest.raises(LetterError, match=re.escape(field)):
        letter_html(language="en", context={**CONTEXT, **change})


def test_an_unknown_language_is_refused():
    with pytest.raises(LetterError, match="language: 'de'"):
        letter_html(language="de", context=CONTEXT)


def test_direction_of_a_value_follows_its_first_strong_letter():
    assert text_direction("اکبر Hakimi") == "rtl"
    assert text_direction("Akbar حکیمی") == "ltr"
    assert text_direction("2021-09") == "ltr" and text_direction("") == "ltr"
