"""What our import-style commands share: progress bars, file:row:column errors, exit codes."""

from __future__ import annotations

import sys
from contextlib import contextmanager

from django.core.management.base import CommandError
from tqdm import tqdm

from resettle.tabular import TableError


@contextmanager
def progress_bar(total: int | None = None, desc: str = "", unit: str = "row"):
    bar = tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, disable=None, dynamic_ncols=True)
    try:
        yield bar.update
    finally:
        bar.close()


@contextmanager
def table_errors_as_command_errors():
    """Print every problem, one per line, then fail: the whole file was rejected."""
    try:
        yield
    except TableError as exc:
        for problem in exc.problems:
            sys.stderr.write(f"{problem}\n")
        count = len(exc.problems)
        raise CommandError(f"{count} problem{'s' * (count != 1)}: nothing was imported. Fix the file and run again.") from None
