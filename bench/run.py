"""Assemble docs/benchmarks.md from each benchmark's own section, optionally re-running them.

`python -m bench.run` assembles; `python -m bench.run --all` re-runs every benchmark first
(slow: the matching benchmark alone takes minutes). Each section names its machine and command.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SECTIONS = REPO / "docs" / "benchmarks"
ORDER = ["imports", "matching", "matching-reliability", "verification", "policies", "security", "demo"]
COMMANDS = {
    "imports": [sys.executable, "-m", "bench.imports.run", "--postgres"],
    "matching": [sys.executable, "-m", "bench.matching.run"],
    "matching-reliability": [sys.executable, "-m", "bench.matching.reliability"],
    "verification": [sys.executable, "-m", "bench.verification.run"],
    "policies": [sys.executable, "-m", "bench.policies.run"],
    "security": [sys.executable, "-m", "bench.security.run", "--scale", "10"],
    "demo": [sys.executable, "-m", "bench.demo.generate"],
    "reporting": [sys.executable, "-m", "bench.reporting.run"],
    "relocation": [sys.executable, "-m", "bench.relocation.run"],
    "load": [sys.executable, "-m", "bench.load.run"],
    "import-lock": [sys.executable, "-m", "bench.import_lock.run"],
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--all", action="store_true", help="re-run every benchmark before assembling")
    args = parser.parse_args()
    if args.all:
        for name, command in COMMANDS.items():
            print(f"== {name}: {' '.join(command[1:])}", flush=True)
            subprocess.run(command, cwd=REPO, check=True)
    names = sorted(p.stem for p in SECTIONS.glob("*.md"))
    names = [n for n in ORDER if n in names] + [n for n in names if n not in ORDER]
    parts = ["# Benchmarks", "",
             "Speed and memory targets are measured here, not in timed unit tests. Each section is written by",
             "its benchmark (`bench/<name>/`), names the machine it ran on, and compares with a peer baseline",
             "where one exists. Re-run all with `make bench` (`python -m bench.run --all`).", ""]
    for name in names:
        parts.append((SECTIONS / f"{name}.md").read_text(encoding="utf-8").strip())
        parts.append("")
    (REPO / "docs" / "benchmarks.md").write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote docs/benchmarks.md from {', '.join(names)}")


if __name__ == "__main__":
    main()
