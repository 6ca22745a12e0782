"""Uploaded spreadsheets go to the same import services as the command line."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from resettle.tabular import Problem, TableError


def run_import(upload, importer: Callable[[Path], object]):
    """Save the upload under its own name (problems then read "applications.csv:12:phone"),
    run `importer` on it, and return (result, None) or (None, problems)."""
    name = Path(upload.name).name or "upload"
    with tempfile.TemporaryDirectory(prefix="resettle-upload-") as folder:
        path = Path(folder) / name
        with path.open("wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        try:
            return importer(path), None
        except TableError as exc:
            return None, exc.problems
        except (ValueError, LookupError) as exc:  # e.g. an unknown encoding chosen on the form
            return None, [Problem(name, 0, "-", str(exc))]
