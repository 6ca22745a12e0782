import pytest

from resettle.tabular import TableError, read_table


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text("record_id,full_name\n" + "R,Name\n" * 2000, encoding="utf-8")
    with pytest.raises(TableError, match=r"huge.csv:0:-: file is 0 MiB; the limit is 0 MiB: split it"):
        read_table(path, required=["record_id", "full_name"], max_bytes=1000)
    assert len(read_table(path, required=["record_id", "full_name"]).rows) == 2000
