"""Reading spreadsheets as they arrive from HR departments and intake teams (no Django here).

CSV in UTF-8 (with or without BOM), UTF-16 (with BOM) or Windows-1256, the code page Dari and
Arabic spreadsheets are often saved in; XLSX through openpyxl. Encodings are detected from the
BOM and from whether the bytes are valid UTF-8, or chosen with `encoding=`. We decide rather than
guess statistically: a wrong guess would silently corrupt names.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    file: str
    row: int  # 1-based, the header is row 1; 0 for problems with the whole file
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.message}"


class TableError(Exception):
    """The file as a whole cannot be read (missing, wrong format, missing columns...)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Table:
    path: Path
    encoding: str
    header: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    sha256: str = ""

    @property
    def name(self) -> str:
        return self.path.name


def parse_mapping(spec: str | None) -> dict[str, str]:
    """`"Name=full_name,Father=father_name"` -> {file header: our column}."""
    mapping: dict[str, str] = {}
    for part in (p for p in (spec or "").split(",") if p.strip()):
        if "=" not in part:
            raise ValueError(f"column mapping {part!r} should look like 'Header in file=our_column'")
        src, dst = part.split("=", 1)
        mapping[src.strip()] = dst.strip()
    return mapping


def detect_encoding(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    sample = data[:4000]
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4:
        return "utf-16-le"  # ASCII-heavy UTF-16 without a BOM
    if len(sample) >= 4 and sample[0::2].count(0) > len(sample) // 4:
        return "utf-16-be"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1256"


# A whole file is validated in memory before anything is written (all or nothing); past this
# size that would cost gigabytes, so we ask for smaller files instead of failing half-way.
MAX_BYTES = 512 * 2**20

# A cell longer than its column's limit is refused with its place in the file, before anything
# reaches the database (where SQLite would store it whole and PostgreSQL refuse the transaction).
DEFAULT_CELL_LIMIT = 500
# The csv module's own limit (128 KiB) raises a bare `_csv.Error` mid-file; we let it read any
# cell the file size allows and apply our limits ourselves, with a message.
csv.field_size_limit(MAX_BYTES)

ENCODING_ALIASES = {"windows-1256": "cp1256", "utf8": "utf-8", "utf16": "utf-16", "utf-8-bom": "utf-8-sig"}


def read_table(path: str | Path, *, required: Iterable[str], optional: Iterable[str] = (),
               encoding: str | None = None, mapping: dict[str, str] | None = None,
               max_bytes: int = MAX_BYTES, limits: dict[str, int] | None = None,
               multiline: Iterable[str] = ()) -> Table:
    """Read a whole CSV or XLSX file into memory, checking its header and every cell.

    Unknown columns are refused rather than ignored: a misspelt header would otherwise drop a
    whole column of evidence without anyone noticing. A cell longer than `limits[column]`
    (DEFAULT_CELL_LIMIT characters otherwise) and a cell that spans lines in a column not named
    in `multiline` are problems with file:row:column: the second is what a stray quote does,
    swallowing the rows after it into one cell.
    """
    path = Path(path)
    label = path.name
    if not path.exists():
        raise TableError([Problem(label, 0, "-", "file not found")])
    size = path.stat().st_size
    if size > max_bytes:
        raise TableError([Problem(label, 0, "-", f"file is {size / 2**20:.0f} MiB; the limit is "
                                                 f"{max_bytes / 2**20:.0f} MiB: split it into several files")])
    data = path.read_bytes()
    if not data.strip():
        raise TableError([Problem(label, 0, "-", "file is empty")])
    digest = hashlib.sha256(data).hexdigest()
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        used_encoding, raw_rows = "xlsx", _xlsx_rows(data, label)
    else:
        used_encoding = ENCODING_ALIASES.get((encoding or "").lower(), encoding) or detect_encoding(data)
        try:
            text = data.decode(used_encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise TableError([Problem(label, 0, "-", f"cannot decode as {used_encoding}: {exc}")]) from exc
        text = text.lstrip("\ufeff")
        raw_rows = _csv_rows(text, label)
    rows_iter = iter(raw_rows)
    try:
        header_raw = next(rows_iter)
    except StopIteration:
        raise TableError([Problem(label, 0, "-", "file has no header row")]) from None
    except csv.Error as exc:
        raise TableError([Problem(label, 1, "-", f"header row cannot be read: {exc}")]) from None
    mapping = mapping or {}
    header = [mapping.get(h.strip(), h.strip()) for h in header_raw]
    required, optional = list(required), list(optional)
    known = set(required) | set(optional)
    problems = [Problem(label, 1, col, "required column is missing") for col in required if col not in header]
    problems += [Problem(label, 1, col, f"unknown column (expected some of: {', '.join(required + optional)})")
                 for col in header if col and col not in known]
    dupes = {c for c in header if c and header.count(c) > 1}
    problems += [Problem(label, 1, col, "column appears more than once") for col in sorted(dupes)]
    unmapped = [src for src in mapping if src not in [h.strip() for h in header_raw]]
    problems += [Problem(label, 1, src, "column named in the mapping is not in the file") for src in unmapped]
    if problems:
        raise TableError(problems)
    table = Table(path=path, encoding=used_encoding, header=header, sha256=digest)
    width = len(header)
    limits, multiline = limits or {}, set(multiline)
    problems = []
    try:
        for number, values in enumerate(rows_iter, start=2):
            lines, last = getattr(values, "lines", None), getattr(values, "last", False)
            if not any(v.strip() for v in values):
                continue  # blank lines carry nothing; spreadsheets end with many
            spans = [i for i, v in enumerate(values) if "\n" in v or "\r" in v]
            if len(values) > width and spans and lines and (header[min(spans[0], width - 1)] not in multiline):
                # A stray quote swallowed lines and shifted cells: name the cell it opened.
                problems.append(Problem(label, number, header[min(spans[0], width - 1)] or "-", (
                    f"cell spans lines {lines[0]}-{lines[1]}{' and runs to the end of the file' if last else ''}: "
                    "a stray quote (\") opens a cell that swallows the rows after it; remove the quote, double it "
                    "(\"\"), or quote the whole cell")))
                continue
            if len(values) > width and any(v.strip() for v in values[width:]):
                problems.append(Problem(label, number, "-", f"row has {len(values)} cells but the header has {width}"
                                        + (f" (lines {lines[0]}-{lines[1]})" if lines and lines[1] > lines[0] else "")))
                continue
            values = list(values[:width]) + [""] * (width - len(values))
            for column, value in zip(header, values):
                if not column:
                    continue
                if ("\n" in value or "\r" in value) and column not in multiline:
                    where = f"lines {lines[0]}-{lines[1]}" if lines else "several lines"
                    ends = " and runs to the end of the file" if last else ""
                    problems.append(Problem(label, number, column, (
                        f"cell spans {where}{ends}: a stray quote (\") opens a cell that swallows the rows after "
                        "it; remove the quote, double it (\"\"), or quote the whole cell") if lines else
                        "cell holds a line break, which this column does not allow"))
                limit = limits.get(column, DEFAULT_CELL_LIMIT)
                if len(value) > limit:
                    problems.append(Problem(label, number, column,
                                            f"is {len(value):,} characters long; the limit is {limit:,}"))
            table.rows.append((number, {h: v.strip() for h, v in zip(header, values) if h}))
    except _UnclosedQuote as exc:
        # The strict reader saw where the quoting first went wrong; what the lenient one made of
        # the rest of the row (shifted cells, a span) follows from it: name the quote instead.
        if isinstance(exc, _QuoteInside):
            problems = [p for p in problems if p.row != exc.row]
        if not any(p.row == exc.row for p in problems):  # a quote open to the end: named as a span already
            problems.append(Problem(label, exc.row, header[min(exc.cell, width - 1)] if header else "-", str(exc)))
    except csv.Error as exc:  # strict quoting: `"abc"def`
        problems.append(Problem(label, 0, "-", f"line {exc.args[-1] if len(exc.args) > 1 else '?'}: {exc.args[0]}"))
    if problems:
        raise TableError(problems)
    return table


class _UnclosedQuote(Exception):
    def __init__(self, row: int, cell: int, line: int):
        self.row, self.cell = row, cell
        super().__init__(f"a quote (\") opened on line {line} is never closed: the cell runs to the end of the "
                         "file; close the quote or remove it")


class _QuoteInside(_UnclosedQuote):
    def __init__(self, row: int, cell: int, line: int):
        self.row, self.cell = row, cell
        Exception.__init__(self, f"line {line}: a quote (\") closes this cell and more text follows it; quote the "
                                 "whole cell and double every quote inside it (\"\")")


def _cell_with_text_after_quote(line: str) -> int:
    """Index of the cell on this line where text follows a closing quote."""
    cell, quoted, closed = 0, False, False
    i = 0
    while i < len(line):
        ch = line[i]
        if quoted:
            if ch == '"' and line[i + 1:i + 2] == '"':
                i += 1
            elif ch == '"':
                quoted, closed = False, True
        elif ch == ",":
            cell, closed = cell + 1, False
        elif ch in "\r\n":
            break
        elif closed:
            return cell
        elif ch == '"' and (i == 0 or line[i - 1] == ","):
            quoted = True
        i += 1
    return cell


class _Row(list):
    """Cells of one CSV record, with the lines of the file it spans."""

    lines: tuple[int, int] = (0, 0)
    last = False


def _csv_rows(text: str, label: str) -> Iterator[list[str]]:
    """csv.reader over the text, each row knowing the lines of the file it spans.

    Python's reader, left lenient, lets an unclosed quote swallow every line after it into one
    cell (the caller refuses a cell that spans lines), and quietly drops the quotes of
    `"Ali" Khan`; told to be strict, it says only "unexpected end of data" or "',' expected".
    So the text is read strictly first to find the first such record, then leniently, with
    line numbers, up to that record, which is reported by row and cell.
    """
    total = sum(1 for _ in io.StringIO(text, newline=""))
    strict = csv.reader(io.StringIO(text, newline=""), strict=True)
    records, broken = 0, None
    try:
        for _ in strict:
            records += 1
    except csv.Error as exc:
        broken = (records + 1, strict.line_num, "end of data" in str(exc))
    return _lenient_rows(text, total, broken)


def _lenient_rows(text: str, total: int, broken) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    previous_end, number = 0, 0
    for values in reader:
        number += 1
        row = _Row(values)
        row.lines = (previous_end + 1, reader.line_num)
        row.last = reader.line_num >= total
        previous_end = reader.line_num
        yield row
        if broken and number == broken[0]:
            if broken[2]:
                raise _UnclosedQuote(number, len(values) - 1, row.lines[0])
            line = next(itertools.islice(io.StringIO(text, newline=""), row.lines[0] - 1, None), "")
            raise _QuoteInside(number, _cell_with_text_after_quote(line), row.lines[0])


def _xlsx_rows(data: bytes, label: str) -> Iterator[list[str]]:
    import datetime as dt

    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise TableError([Problem(label, 0, "-", f"not a readable XLSX workbook: {exc}")]) from exc
    # Only the first sheet: a hidden second tab of a spreadsheet once leaked thousands of names.
    sheet = book.worksheets[0]
    rows = []
    for values in sheet.iter_rows(values_only=True):
        cells = []
        for v in values:
            if v is None:
                cells.append("")
            elif isinstance(v, dt.datetime):
                cells.append(v.date().isoformat() if v.time() == dt.time(0) else v.isoformat())
            elif isinstance(v, dt.date):
                cells.append(v.isoformat())
            elif isinstance(v, float) and v.is_integer():
                cells.append(str(int(v)))
            else:
                cells.append(str(v))
        rows.append(cells)
    book.close()
    return iter(rows)
