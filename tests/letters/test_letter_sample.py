"""`resettle letter-sample`: a whole letter to review, without a case."""

import io

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader


def test_writes_a_dari_sample(tmp_path):
    out = tmp_path / "sample.pdf"
    stdout = io.StringIO()
    call_command("letter_sample", "--language", "fa-af", "--outcome", "approved", "--out", str(out), stdout=stdout)
    text = PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text()
    assert "منظور کنیم" in text.replace("\u200c", "")
    assert "fa-af, approved" in stdout.getvalue()


def test_refuses_an_unknown_language_and_a_missing_folder(tmp_path):
    with pytest.raises(CommandError, match="language: 'xx'"):
        call_command("letter_sample", "--language", "xx", "--out", str(tmp_path / "a.pdf"))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("letter_sample", "--out", str(tmp_path / "no" / "a.pdf"))
