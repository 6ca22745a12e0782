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


def test_new_records_are_sealed_before_the_import_takes_the_write_lock(tmp_path, transactional_db, monkeypatch):
    """On SQLite the import's transaction is the one writer; pages that audit a view wait for it.
    It must hold inserts only: every new value is sealed before it opens."""
    from django.db import connection

    from resettle.security.crypto import KeyRing

    inside = []
    real_seal = KeyRing.seal

    def watching(self, *args, **kwargs):
        inside.append(connection.in_atomic_block)
        return real_seal(self, *args, **kwargs)

    monkeypatch.setattr(KeyRing, "seal", watching)
    path = tmp_path / "r.csv"
    path.write_text(ROW + "".join(f"N-{n},Name {n},Father {n},1360,driver,PRT Bamyan\n" for n in range(2, 50)),
                    encoding="utf-8")
    result = import_records(path=path, source_name="nzdf-prt-bamyan")
    assert result.created == 49
    assert inside and not any(inside), f"{sum(inside)} of {len(inside)} values sealed inside the transaction"
    record = EmploymentRecord.objects.get(source_record_id="N-7")
    assert record.full_name == "Name 7" and record.father_name == "Father 7"
    index = EmploymentRecord._meta.get_field("full_name_index")
    assert record.full_name_index and record.full_name_index == index.digest("Name 7")  # still searchable
