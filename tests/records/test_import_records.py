import io

import openpyxl
import pytest

from resettle.audit.models import AuditEvent
from resettle.records.models import EmploymentRecord, ImportBatch
from resettle.records.services import import_records
from resettle.tabular import TableError

HEADER = "record_id,full_name,father_name,birth_year,role,unit,location,start_date,end_date\n"
ROWS = [
    "N-1,MOHD HUSAINI,GHOLAM,1361,terp,PRT Bamyan,Bamiyan,2010-03-01,2012-11-30",
    "N-2,محمد حسینی,غلام سخی,1362,driver,Kiwi Base,بامیان,2011-01-01,",
    "N-3,ALI s/o HUSSAIN,,1985,guard,CRIB 7,Bamyan,2008,2009",
]


def write(tmp_path, text, encoding="utf-8", name="hr.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1256"])
def test_each_encoding_reads_the_same_names(tmp_path, encoding):
    text = HEADER + "\n".join(ROWS) + "\n"
    if encoding == "cp1256":
        # Windows-1256 has no Persian yeh: Dari files saved in it carry the Arabic yeh instead.
        text = text.replace("\u06cc", "\u064a")
    path = write(tmp_path, text, encoding=encoding)
    result = import_records(path=path, source_name="nzdf-prt-bamyan")
    assert result.created == 3
    record = EmploymentRecord.objects.get(source_record_id="N-2")
    yeh = "\u064a" if encoding == "cp1256" else "\u06cc"
    assert record.full_name == "محمد حسینی".replace("\u06cc", yeh)
    assert record.father_name == "غلام سخی".replace("\u06cc", yeh)
    # Either yeh, the same blind index: search does not depend on the file's code page.
    assert record.full_name_index == EmploymentRecord.objects.get(source_record_id="N-1").full_name_index
    assert record.unit == "nz_prt_bamyan" and record.raw_unit == "Kiwi Base"
    assert record.role == "driver" and record.location == "bamyan"


@pytest.mark.django_db
def test_explicit_encoding_overrides_detection(tmp_path):
    path = write(tmp_path, HEADER + ROWS[1].replace("\u06cc", "\u064a") + "\n", encoding="cp1256")
    with pytest.raises(TableError) as err:
        import_records(path=path, source_name="s", encoding="utf-8")
    assert "cannot decode as utf-8" in str(err.value)
    assert import_records(path=path, source_name="s", encoding="windows-1256").created == 1


@pytest.mark.django_db
def test_provenance_is_kept(tmp_path):
    path = write(tmp_path, HEADER + "\n".join(ROWS) + "\n")
    import_records(path=path, source_name="nzdf-prt-bamyan")
    record = EmploymentRecord.objects.get(source_record_id="N-3")
    assert record.row_number == 4  # header is row 1
    assert record.batch.file_name == "hr.csv"
    assert record.source.name == "nzdf-prt-bamyan" and record.source.employer == "nzdf"
    assert record.start_date.isoformat() == "2008-01-01" and record.end_date.isoformat() == "2009-12-31"
    assert AuditEvent.objects.filter(action="records.imported", target_id=str(record.batch_id)).exists()


@pytest.mark.django_db
def test_reimport_adds_nothing_and_changed_file_updates_only_changed_rows(tmp_path):
    path = write(tmp_path, HEADER + "\n".join(ROWS) + "\n")
    import_records(path=path, source_name="src")
    again = import_records(path=path, source_name="src")
    assert again.already_imported and EmploymentRecord.objects.count() == 3
    changed = write(tmp_path, HEADER + "\n".join(ROWS[:2] + [ROWS[2].replace("guard", "driver")]) + "\n", name="v2.csv")
    result = import_records(path=changed, source_name="src")
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert EmploymentRecord.objects.count() == 3
    assert EmploymentRecord.objects.get(source_record_id="N-3").role == "driver"


@pytest.mark.django_db
def test_one_bad_row_rejects_the_whole_file_naming_row_and_column(tmp_path):
    bad = ROWS + ["N-4,,FATHER,1361,terp,PRT,Bamyan,2012-13-01,", "N-5,Karim,,13x1,,,,,"]
    path = write(tmp_path, HEADER + "\n".join(bad) + "\n")
    with pytest.raises(TableError) as err:
        import_records(path=path, source_name="src")
    messages = [str(p) for p in err.value.problems]
    assert any(m.startswith("hr.csv:5:full_name:") for m in messages)
    assert any(m.startswith("hr.csv:5:start_date:") for m in messages)
    assert any(m.startswith("hr.csv:6:birth_year:") for m in messages)
    assert EmploymentRecord.objects.count() == 0 and ImportBatch.objects.count() == 0


@pytest.mark.django_db
def test_missing_and_unknown_columns_are_named(tmp_path):
    path = write(tmp_path, "record_id,name,father\nX,a,b\n")
    with pytest.raises(TableError) as err:
        import_records(path=path, source_name="src")
    text = str(err.value)
    assert "hr.csv:1:full_name: required column is missing" in text
    assert "hr.csv:1:name: unknown column" in text


@pytest.mark.django_db
def test_column_mapping_reads_other_headers(tmp_path):
    path = write(tmp_path, "ID,Name,Father Name,Job\nQ1,Habibullah,Nazir,Interpreter\n")
    import_records(path=path, source_name="src",
                   mapping={"ID": "record_id", "Name": "full_name", "Father Name": "father_name", "Job": "role"})
    record = EmploymentRecord.objects.get()
    assert (record.full_name, record.father_name, record.role) == ("Habibullah", "Nazir", "interpreter")


@pytest.mark.django_db
def test_xlsx_first_sheet_only(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["record_id", "full_name", "birth_year", "start_date"])
    sheet.append(["X1", "Gul Ahmad", 1360, None])
    hidden = book.create_sheet("hidden")
    hidden.append(["record_id", "full_name"])
    hidden.append(["X2", "Should not be read"])
    buf = io.BytesIO()
    book.save(buf)
    path = tmp_path / "hr.xlsx"
    path.write_bytes(buf.getvalue())
    assert import_records(path=path, source_name="src").created == 1
    record = EmploymentRecord.objects.get()
    assert record.full_name == "Gul Ahmad" and record.birth_year == "1360"


@pytest.mark.django_db
def test_duplicate_ids_within_a_file_are_refused(tmp_path):
    path = write(tmp_path, HEADER + ROWS[0] + "\n" + ROWS[0] + "\n")
    with pytest.raises(TableError) as err:
        import_records(path=path, source_name="src")
    assert "hr.csv:3:record_id: 'N-1' repeats row 2" in str(err.value)


@pytest.mark.django_db
def test_empty_file_is_an_error(tmp_path):
    with pytest.raises(TableError, match="file is empty"):
        import_records(path=write(tmp_path, ""), source_name="src")
    with pytest.raises(TableError, match="no rows"):
        import_records(path=write(tmp_path, HEADER), source_name="src")
