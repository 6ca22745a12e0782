"""The demo files import cleanly through the project's own importers (the demo-data contract)."""

import csv

import pytest

from resettle.demo import generate


@pytest.mark.django_db
def test_demo_files_import_without_problems(tmp_path):
    from resettle.applications.imports import import_applications
    from resettle.records.services import import_records

    files = generate(tmp_path, seed=5, scale=0.05)
    for source, path in files.records.items():
        result = import_records(path=path, source_name=source)
        with open(path, encoding=files.encodings[source], newline="") as fh:
            assert result.created == sum(1 for _ in csv.DictReader(fh)), source
    result = import_applications(path=files.applications)
    with open(files.truth, encoding="utf-8", newline="") as fh:
        assert result.created == sum(1 for _ in csv.DictReader(fh))
