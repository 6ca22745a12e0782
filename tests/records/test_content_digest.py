"""A copy of the database, without the keys, cannot be used to test guessed identities
through the records' change-detection digest."""

import hashlib
import hmac
import json

from resettle.core import keys
from resettle.records.models import EmploymentRecord
from resettle.records.services import import_records

ROW = "record_id,full_name,father_name,birth_year,role,unit\nN-1,Muhammad Hussaini,Ghulam,1361,interpreter,PRT Bamyan\n"


def _unkeyed_guess() -> str:
    """What someone with the code, a copy of the database and a guessed identity computes."""
    from resettle.records.services import _clean_record_row

    guess = {"record_id": "N-1", "full_name": "Muhammad Hussaini", "father_name": "Ghulam", "birth_year": "1361",
             "role": "interpreter", "unit": "PRT Bamyan"}
    values = _clean_record_row("r.csv", 2, guess, "nzdf", [])
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def test_the_change_digest_is_keyed_so_guesses_cannot_be_tested_offline(tmp_path, db):
    path = tmp_path / "r.csv"
    path.write_text(ROW, encoding="utf-8")
    import_records(path=path, source_name="nzdf-prt-bamyan")
    record = EmploymentRecord.objects.get()
    assert len(record.content_sha256) == 64
    assert record.content_sha256 != _unkeyed_guess()
    # Under another key the same row digests differently: the key, kept outside the database,
    # is what a guesser would need.
    from resettle.records.services import _clean_record_row

    values = _clean_record_row("r.csv", 2, {"record_id": "N-1", "full_name": "Muhammad Hussaini",
                                            "father_name": "Ghulam", "birth_year": "1361", "role": "interpreter",
                                            "unit": "PRT Bamyan"}, "nzdf", [])
    body = b"record.content\x00" + json.dumps(values, sort_keys=True, default=str).encode()
    assert record.content_sha256 == hmac.new(keys.index_key(), body, hashlib.sha256).hexdigest()
    assert record.content_sha256 != hmac.new(b"\x00" * 32, body, hashlib.sha256).hexdigest()


def test_re_imports_still_tell_changed_rows_from_unchanged(tmp_path, db):
    path = tmp_path / "r.csv"
    path.write_text(ROW, encoding="utf-8")
    import_records(path=path, source_name="nzdf-prt-bamyan")
    path.write_text(ROW + "N-2,Abdul Karimi,,1360,driver,PRT Bamyan\n", encoding="utf-8")
    result = import_records(path=path, source_name="nzdf-prt-bamyan")
    assert (result.created, result.updated, result.unchanged) == (1, 0, 1)
    path.write_text(ROW.replace("Ghulam", "Gholam") + "N-2,Abdul Karimi,,1360,driver,PRT Bamyan\n", encoding="utf-8")
    result = import_records(path=path, source_name="nzdf-prt-bamyan")
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
