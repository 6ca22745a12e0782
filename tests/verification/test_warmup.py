import pytest

from resettle.verification import services, warmup


@pytest.mark.django_db(transaction=True)
def test_web_start_up_builds_the_record_index_in_the_background(monkeypatch, tmp_path):
    from resettle.records.services import import_records

    path = tmp_path / "hr.csv"
    path.write_text("record_id,full_name\nW-1,Wahid\n", encoding="utf-8")
    import_records(path=path, source_name="src")
    services._index_cache.update(key=None, index=None)
    thread = warmup.start_background_warmup()
    thread.join(timeout=60)
    assert services._index_cache["key"] == services._records_version()
    assert len(services._index_cache["index"].items) == 1


def test_warm_up_can_be_switched_off(monkeypatch):
    monkeypatch.setenv("RESETTLE_WARM_INDEX", "0")
    assert warmup.start_background_warmup() is None
