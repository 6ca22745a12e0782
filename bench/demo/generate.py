"""Time the demo world generator at several scales and write docs/benchmarks/demo.md.

Run: .venv/bin/python bench/demo/generate.py [--scales 1,10,33] [--out docs/benchmarks/demo.md]
"""

import argparse
import csv
import os
import platform
import tempfile
import time
from pathlib import Path

from resettle.demo import generate


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "unknown")
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return f"{os.cpu_count()} cores ({model}), {mem_kb / 1024 / 1024:.0f} GB RAM, Python {platform.python_version()}"


def count_rows(path: Path, encoding: str) -> int:
    with path.open(encoding=encoding, newline="") as fh:
        return sum(1 for _ in csv.DictReader(fh))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", default="1,10,33")
    parser.add_argument("--out", type=Path, default=Path("docs/benchmarks/demo.md"))
    args = parser.parse_args()
    lines = [
        "## Demo world generator",
        "",
        f"Machine: {machine()}. Command: `.venv/bin/python bench/demo/generate.py --scales {args.scales}`.",
        "Wall-clock time of `resettle.demo.generate(out_dir, seed=2021, scale=S)` writing all files.",
        "",
        "| scale | employment records | applications | people rows in applications | seconds |",
        "|---:|---:|---:|---:|---:|",
    ]
    for scale in (float(s) for s in args.scales.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            files = generate(Path(tmp), seed=2021, scale=scale)
            seconds = time.perf_counter() - started
            records = sum(count_rows(p, files.encodings[s]) for s, p in files.records.items())
            apps = count_rows(files.truth, "utf-8")
            people = count_rows(files.applications, "utf-8")
        lines.append(f"| {scale:g} | {records:,} | {apps:,} | {people:,} | {seconds:.1f} |")
        print(lines[-1], flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
