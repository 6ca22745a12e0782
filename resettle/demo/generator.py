"""Deterministic synthetic world for demos, tests and benchmarks.

A population of Afghan locally employed staff is drawn first (the truth), then rendered twice:
as the HR records each employer kept (each clerk with their own spelling habits) and as the
applications people later filed for NZ pathways (in their own spellings, sometimes in Dari
script). `truth.csv` links the two so matching quality can be measured.

Everything derives from one `random.Random(seed)` and from string-seeded sub-generators, and
nothing iterates a set, so the same seed gives byte-identical files on every run and machine.
No Django here: the `demo-data` management command wraps this.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from resettle.demo.applications import Applications
from resettle.demo.world import (
    APPLICATION_COLUMNS,
    RECORD_COLUMNS,
    SOURCES,
    TRUTH_COLUMNS,
    World,
)


@dataclass(frozen=True)
class DemoFiles:
    out_dir: Path
    records: dict[str, Path]      # source name -> employment-records file
    encodings: dict[str, str]     # source name -> the file's encoding (Python codec name)
    applications: Path
    truth: Path


def generate(out_dir: Path, *, seed: int = 2021, scale: float = 1.0) -> DemoFiles:
    """Write the demo world's CSV files into out_dir and return their paths.

    scale 1.0 gives about 2,400 staff (~3,000 employment records) and ~420 applications;
    records grow linearly with scale (scale 33 gives about 100,000 records).
    """
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    world = World(seed, scale)
    staff = world.staff()
    records = world.record_files(staff)
    applications, truth = Applications(world, staff).build()

    paths, encodings = {}, {}
    for src in SOURCES:
        path = out_dir / f"{src.name}.csv"
        _write_csv(path, RECORD_COLUMNS, records[src.name], encoding=src.encoding)
        paths[src.name], encodings[src.name] = path, src.encoding
    app_path, truth_path = out_dir / "applications.csv", out_dir / "truth.csv"
    _write_csv(app_path, APPLICATION_COLUMNS, applications, encoding="utf-8")
    _write_csv(truth_path, TRUTH_COLUMNS, truth, encoding="utf-8")
    return DemoFiles(out_dir, paths, encodings, app_path, truth_path)


def _write_csv(path: Path, columns: list[str], rows: list[dict], *, encoding: str) -> None:
    if encoding == "cp1256":
        # Windows-1256 has no Farsi yeh; Dari typed on such systems uses the Arabic yeh and kaf.
        rows = [{k: v.replace("ی", "ي").replace("ک", "ك") for k, v in r.items()} for r in rows]
    with path.open("w", encoding=encoding, newline="") as fh:
        # Columns a row leaves out (claims on family rows, say) are written empty.
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n", restval="")
        writer.writeheader()
        writer.writerows(rows)

