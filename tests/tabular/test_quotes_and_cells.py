"""A stray quote never swallows rows, and no cell is too long for its column, named by place."""

import pytest

from resettle.tabular import TableError, read_table

COLUMNS = ["application_id", "relationship", "full_name"]


def read(tmp_path, text, **kw):
    path = tmp_path / "f.csv"
    path.write_bytes(text.encode("utf-8"))
    return read_table(path, required=COLUMNS, **kw)


def test_a_stray_quote_that_swallows_rows_is_named_with_row_and_column(tmp_path):
    # The probe: one quote in a spouse's father's name hid six applications in one cell.
    text = ("application_id,relationship,full_name\n"
            'A-1,principal,Ahmad\nA-1,spouse,"Ali\nA-2,principal,Karim\nA-3,principal,Nasir\n'
            "A-4,principal,Zahra\n")
    with pytest.raises(TableError) as err:
        read(tmp_path, text)
    assert str(err.value).startswith("f.csv:3:full_name: cell spans lines 3-6 and runs to the end of the file")


def test_a_quote_closed_further_down_is_named_too(tmp_path):
    text = 'application_id,relationship,full_name\nA-1,principal,"Ali\nA-2,principal,Karim"\nA-3,principal,Nasir\n'
    with pytest.raises(TableError, match=r"f.csv:2:full_name: cell spans lines 2-3: a stray quote"):
        read(tmp_path, text)


def test_a_quote_left_open_on_the_last_line_is_named(tmp_path):
    text = 'application_id,relationship,full_name\nA-1,principal,Ali\nA-2,principal,"Karim'
    with pytest.raises(TableError, match=r"f.csv:3:full_name: a quote \(\"\) opened on line 3 is never closed"):
        read(tmp_path, text)


def test_quoted_commas_quotes_and_line_breaks_where_allowed_are_fine(tmp_path):
    text = ('application_id,relationship,full_name\nA-1,principal,"Hussaini, Muhammad ""Mo"""\n'
            'A-2,principal,"two\nlines"\n')
    table = read(tmp_path, text, multiline=["full_name"])
    assert [r["full_name"] for _, r in table.rows] == ['Hussaini, Muhammad "Mo"', "two\nlines"]
    with pytest.raises(TableError, match=r"f.csv:3:full_name: cell spans lines 3-4"):
        read(tmp_path, text)  # where the column does not allow them


def test_a_cell_over_the_csv_modules_128_kib_is_a_problem_not_a_traceback(tmp_path):
    text = "application_id,relationship,full_name\nA-1,principal," + "x" * 200_000 + "\n"
    with pytest.raises(TableError, match=r"f.csv:2:full_name: is 200,000 characters long; the limit is 500"):
        read(tmp_path, text)


def test_column_limits_are_applied_before_anything_is_stored(tmp_path):
    text = "application_id,relationship,full_name\n" + "A" * 101 + ",principal,Ali\n"
    with pytest.raises(TableError, match=r"f.csv:2:application_id: is 101 characters long; the limit is 100"):
        read(tmp_path, text, limits={"application_id": 100})
    assert read(tmp_path, "application_id,relationship,full_name\n" + "A" * 100 + ",principal,Ali\n",
                limits={"application_id": 100}).rows


def test_text_after_a_closing_quote_is_named_not_eaten(tmp_path):
    # Read leniently, `"Ali" Khan` would become `Ali Khan` and `"a"b,c` lose its quotes unseen.
    text = 'application_id,relationship,full_name\nA-1,principal,Ahmad\nA-2,principal,"Ali" Khan\n'
    with pytest.raises(TableError, match=r"f.csv:3:full_name: line 3: a quote \(\"\) closes this cell and more"):
        read(tmp_path, text)
