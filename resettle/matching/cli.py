"""CSV contract of the matcher, as plain functions (wrapped by the `match` / `dedupe` commands).

match:  R.csv  record_id,full_name,father_name,birth_year,role,unit,location,start_date,end_date
        A.csv  applicant_id,full_name,father_name,birth_date,claimed_role,claimed_unit,
               claimed_location,claimed_start,claimed_end
        either may add grandfather_name and tazkira_number (used when both have them)
        -> M.csv applicant_id,record_id,match_probability (every pair called a match)
dedupe: A.csv -> C.csv applicant_id,cluster_id (every row)

Errors name the file, row and column. Nothing here touches a database.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path
from typing import Iterable

from .engine import DEFAULT_THRESHOLD, Index, dedupe, link
from .model import ApplicantIn, FieldError, RecordIn

RECORD_COLUMNS = ("record_id", "full_name", "father_name", "birth_year", "role", "unit", "location", "start_date", "end_date")
APPLICANT_COLUMNS = (
    "applicant_id", "full_name", "father_name", "birth_date", "claimed_role", "claimed_unit",
    "claimed_location", "claimed_start", "claimed_end",
)


class InputError(Exception):
    """Bad input file; the message names the file, row and column."""


def _check_writable(*paths) -> None:
    """Refuse an output that cannot be written before any work, so a run never leaves one file
    written and the other missing."""
    for path in paths:
        if path is None:
            continue
        folder = Path(path).resolve().parent
        if not folder.is_dir():
            raise InputError(f"{path}: cannot write file (no folder {folder})")
        if not os.access(folder, os.W_OK) or (Path(path).exists() and not os.access(path, os.W_OK)):
            raise InputError(f"{path}: cannot write file (permission denied)")


def _tqdm(desc: str, quiet: bool):
    if quiet:
        return None
    from tqdm import tqdm

    def wrap(it: Iterable, total: int | None = None):
        return tqdm(it, desc=desc, total=total, file=sys.stderr, unit="", mininterval=0.5)

    return wrap


# Optional in either file; used (and explained) only when both files have them.
OPTIONAL_COLUMNS = ("grandfather_name", "tazkira_number")


def _read(path: Path, columns: tuple[str, ...], id_column: str) -> tuple[tuple[str, ...], list[tuple]]:
    """(the columns read, in order: the required ones and the optional ones present; per row,
    its number in the file and its values stripped)."""
    try:
        fh = open(path, newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    with fh:
        reader = csv.reader(fh)
        try:
            header = next(reader, [])
            missing = [c for c in columns if c not in header]
            if missing:
                raise InputError(f"{path}, row 1 (header): missing column(s) {', '.join(missing)}")
            names = columns + tuple(c for c in OPTIONAL_COLUMNS if c in header)
            # As csv.DictReader reads them (the last of a repeated column), by position: a
            # dict per row cost a third of reading 200,000 records.
            last = {c: i for i, c in enumerate(header)}
            where = [last[c] for c in names]
            width, id_at = len(header), names.index(id_column)
            rows = []
            seen: dict[str, int] = {}
            rowno = 1
            for row in reader:
                if not row:
                    continue  # a blank line, as DictReader skips it
                rowno += 1
                if len(row) > width:
                    raise InputError(f"{path}, row {rowno}: more values than columns in the header")
                if len(row) < width:
                    row = row + [""] * (width - len(row))
                values = tuple(row[i].strip() for i in where)
                rid = values[id_at]
                if not rid:
                    raise InputError(f"{path}, row {rowno}, column {id_column}: empty id")
                if rid in seen:
                    raise InputError(f"{path}, row {rowno}, column {id_column}: id {rid!r} already used on row {seen[rid]}")
                seen[rid] = rowno
                rows.append((rowno, values))
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
        except csv.Error as exc:
            raise InputError(f"{path}, row {reader.line_num}: {exc}") from None
    return names, rows


class _Rows(list):
    """Items read from a CSV file, remembering each id's row for error messages."""

    path: Path
    rows: dict[str, int]

    def error(self, exc: FieldError) -> InputError:
        row = self.rows.get(exc.item_id or "", "?")
        return InputError(f"{self.path}, row {row}, column {exc.field}: {exc.message}")


def _read_items(path: str | Path, columns: tuple[str, ...], id_column: str, make) -> _Rows:
    path = Path(path)
    out = _Rows()
    out.path, out.rows = path, {}
    names, rows = _read(path, columns, id_column)
    for rowno, values in rows:
        item = make(**dict(zip(names, values)))
        out.append(item)
        out.rows[getattr(item, id_column)] = rowno
    return out


def read_records(path: str | Path) -> _Rows:
    return _read_items(path, RECORD_COLUMNS, "record_id", RecordIn)


def read_applicants(path: str | Path) -> _Rows:
    return _read_items(path, APPLICANT_COLUMNS, "applicant_id", ApplicantIn)


def match_files(
    records: str | Path,
    applicants: str | Path,
    out: str | Path,
    threshold: float = DEFAULT_THRESHOLD,
    *,
    quiet: bool = False,
    workers: int | None = None,
    explain: str | Path | None = None,
) -> int:
    """Write M.csv (and, if asked, the reasons for every match as JSON lines); returns the number
    of matches written."""
    _check_writable(out, explain)
    clock = _Clock(quiet)
    recs = read_records(records)
    apps = read_applicants(applicants)
    clock.lap("read")
    try:
        index = Index(recs, progress=_tqdm("index records", quiet), lazy_params=True, workers=workers)
    except FieldError as exc:
        raise recs.error(exc) from None
    clock.lap("index")
    try:
        matches = link(index, apps, threshold, workers=workers, progress=_tqdm("match applicants", quiet),
                       explain=explain is not None)
    except FieldError as exc:
        raise apps.error(exc) from None
    clock.lap("match")
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["applicant_id", "record_id", "match_probability"])
        for m in matches:
            w.writerow([m.applicant_id, m.record_id, f"{m.probability:.6f}"])
    if explain is not None:
        _write_reasons(explain, ({"applicant_id": m.applicant_id, "record_id": m.record_id,
                                  "match_probability": round(m.probability, 6), "conflict": m.conflict,
                                  "conflicting_applicants": list(m.conflicting_applicants),
                                  "reasons": _reasons(m.contributions)} for m in matches))
    clock.lap("write")
    clock.report()
    return len(matches)


class _Clock:
    def __init__(self, quiet: bool) -> None:
        self.quiet, self.t, self.laps = quiet, time.perf_counter(), []

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps.append(f"{name} {now - self.t:.1f}s")
        self.t = now

    def report(self) -> None:
        if not self.quiet:
            print("time: " + ", ".join(self.laps), file=sys.stderr)


def dedupe_file(
    applicants: str | Path,
    out: str | Path,
    threshold: float = DEFAULT_THRESHOLD,
    *,
    quiet: bool = False,
    workers: int | None = None,
    explain: str | Path | None = None,
) -> int:
    """Write C.csv (and, if asked, the scored pairs that joined the clusters, with their reasons,
    as JSON lines); returns the number of clusters."""
    _check_writable(out, explain)
    apps = read_applicants(applicants)
    try:
        result = dedupe(apps, threshold, workers=workers, progress=_tqdm("dedupe applicants", quiet),
                        explain=explain is not None)
    except FieldError as exc:
        raise apps.error(exc) from None
    clusters = result.clusters
    if explain is not None:
        _write_reasons(explain, ({"applicant_id": p.applicant_id, "other_id": p.other_id,
                                  "cluster_id": clusters[p.applicant_id],
                                  "joined": clusters[p.applicant_id] == clusters[p.other_id],
                                  "match_probability": round(p.probability, 6),
                                  "reasons": _reasons(p.contributions)} for p in result.pairs))
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["applicant_id", "cluster_id"])
        for a in apps:
            w.writerow([a.applicant_id, clusters[a.applicant_id]])
    return len(set(clusters.values()))


def _reasons(contributions) -> list[dict]:
    return [{"field": c.field, "level": c.level, "bits": round(c.weight, 3), "text": c.text} for c in contributions]


def _write_reasons(path: str | Path, rows) -> None:
    # One JSON object per line: a verifier's tools (or grep) can read it row by row.
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def _threshold(text: str) -> float:
    try:
        t = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"threshold {text!r} is not a number") from None
    if not 0 < t < 1:
        raise argparse.ArgumentTypeError(f"threshold {t} must be between 0 and 1")
    return t


def add_match_arguments(p) -> None:
    p.add_argument("--records", required=True)
    p.add_argument("--applicants", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--threshold", type=_threshold, default=DEFAULT_THRESHOLD)
    p.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    p.add_argument("--explain", metavar="FILE", default=None,
                   help="also write every match's reasons (field, level, bits, text) as JSON lines")


def add_dedupe_arguments(p) -> None:
    p.add_argument("--applicants", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--threshold", type=_threshold, default=DEFAULT_THRESHOLD)
    p.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    p.add_argument("--explain", metavar="FILE", default=None,
                   help="also write the pairs that joined each cluster, with their reasons, as JSON lines")


def run(argv: list[str] | None = None, stderr=None) -> int:
    """`python -m resettle.matching.cli match|dedupe ...`; returns the exit code."""
    stderr = stderr or sys.stderr
    parser = argparse.ArgumentParser(prog="resettle-matching")
    sub = parser.add_subparsers(dest="command", required=True)
    add_match_arguments(sub.add_parser("match"))
    add_dedupe_arguments(sub.add_parser("dedupe"))
    args = parser.parse_args(argv)
    args.workers = args.workers or os.cpu_count() or 1
    try:
        if args.command == "match":
            n = match_files(args.records, args.applicants, args.out, args.threshold, workers=args.workers,
                            explain=args.explain)
            print(f"{n} matches written to {args.out}", file=stderr)
        else:
            n = dedupe_file(args.applicants, args.out, args.threshold, workers=args.workers, explain=args.explain)
            print(f"{n} clusters written to {args.out}", file=stderr)
    except (InputError, ValueError) as exc:
        print(f"error: {exc}", file=stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(run())
