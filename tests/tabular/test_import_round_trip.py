"""Imports never lose a row: random valid applications with nasty cells all come back.

Written the way spreadsheet programs write CSV (quotes doubled, cells with commas or quotes
quoted), with quotes, commas, right-to-left marks, byte-order marks and Dari script in the cells;
every application is then found with every member's name as written.
"""

import csv
import io
import itertools

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from resettle.applications.imports import import_applications
from resettle.applications.models import Application
from resettle.tabular import TableError

NASTY = st.sampled_from(['"', "'", ",", ";", "\u200f", "\u200e", "\ufeff", "\u202b", "\t", "=", "\\", "  ", "\u200c"])
LETTERS = st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCXYZ") + list("محمدعلیاحمدفاطمه"))
NAME = st.lists(st.one_of(LETTERS, NASTY), min_size=1, max_size=24).map("".join).filter(
    lambda s: s.strip() and s.strip() != s.strip().strip("\ufeff") + "x")  # something left after trimming
_ids = itertools.count()

HEADER = ["application_id", "relationship", "full_name", "father_name", "pathway", "received_on"]


def _csv(apps) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for app_id, members in apps:
        for n, (name, father) in enumerate(members):
            writer.writerow([app_id, "principal" if n == 0 else "child", name, father,
                             "nz-afghan-2021" if n == 0 else "", "2021-09-01" if n == 0 else ""])
    return out.getvalue().encode("utf-8")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          phases=[Phase.explicit, Phase.generate])  # each example is an import: no slow shrinking
@given(st.lists(st.lists(st.tuples(NAME, NAME), min_size=1, max_size=4), min_size=1, max_size=8))
def test_every_application_with_nasty_cells_is_imported_and_found(tmp_path, db, families):
    run = next(_ids)
    apps = [(f"P{run}-{i}", members) for i, members in enumerate(families)]
    path = tmp_path / f"nasty-{run}.csv"
    path.write_bytes(_csv(apps))
    result = import_applications(path=path)
    assert result.created == len(apps)
    for app_id, members in apps:
        app = Application.objects.get(external_id=app_id)
        stored = [(m.person.full_name, m.person.father_name) for m in app.members.order_by("position")]
        assert stored == [(n.strip(), f.strip()) for n, f in members]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          phases=[Phase.explicit, Phase.generate])
@given(st.lists(st.tuples(NAME, NAME), min_size=2, max_size=6), st.data())
def test_a_line_break_or_a_stray_quote_in_any_cell_is_refused_by_row_and_column(tmp_path, db, members, data):
    run = next(_ids)
    # The other cells need no quoting (no quote, comma or line break): a quote the writer adds
    # later in the file can close the stray one and leave a well-formed file no reader could fault
    # (the round-trip test above covers such cells).
    members = [tuple("".join(ch for ch in x if ch not in '",\r\n') for x in pair) for pair in members]
    text = _csv([(f"Q{run}", members)]).decode("utf-8").splitlines(keepends=True)
    row = data.draw(st.integers(2, len(text)), label="row")  # 1-based line of the file, after the header
    cells = next(csv.reader([text[row - 1]]))
    column = data.draw(st.sampled_from([2, 3]), label="column")  # full_name or father_name
    # A stray quote opening the cell, never closed; the other cells stay properly quoted.
    # (With nothing after it, `",` reads as a quoted delimiter: no reader can tell which cell
    # the quote opened, so the planted cell keeps at least one letter.)
    planted = '"' + ("".join(ch for ch in cells[column] if ch not in '",\r\n').strip() or "x")
    cells[column] = "\x00PLANT\x00"
    out = io.StringIO()
    csv.writer(out).writerow(cells)
    text[row - 1] = out.getvalue().replace("\x00PLANT\x00", planted)
    path = tmp_path / f"broken-{run}.csv"
    path.write_bytes("".join(text).encode("utf-8"))
    before = Application.objects.count()
    with pytest.raises(TableError) as err:
        import_applications(path=path)
    # The file and the row are always named. Which cell the quote opened is named too when the
    # rest of the row reads unambiguously (tests/tabular/test_quotes_and_cells.py pins that); with
    # arbitrary text after it, what the quote swallowed can also surface as another cell's problem.
    assert f"broken-{run}.csv:{row}:" in str(err.value)
    assert Application.objects.count() == before  # nothing half-imported


@pytest.mark.parametrize("column,value,limit", [("pathway", "p" * 5000, 60), ("application_id", "A" * 101, 100),
                                                ("claimed_role", "r" * 201, 200), ("full_name", "n" * 600, 500),
                                                ("father_name", "f" * 200_000, 500)])
def test_a_cell_over_its_column_limit_is_refused_the_same_on_every_database(tmp_path, db, column, value, limit):
    row = {"application_id": "L-1", "relationship": "principal", "full_name": "Ali", "pathway": "nz-afghan-2021",
           "received_on": "2021-09-01", column: value}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    path = tmp_path / "long.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    with pytest.raises(TableError, match=rf"long.csv:2:{column}: is {len(value):,} characters long; the limit is {limit:,}"):
        import_applications(path=path)
    assert not Application.objects.filter(external_id__startswith="L-").exists()
