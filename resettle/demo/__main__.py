"""Write the demo world's CSV files: python -m resettle.demo OUT_DIR [--seed N] [--scale X]."""

import argparse
from pathlib import Path

from resettle.demo.generator import generate


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m resettle.demo", description=__doc__)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    files = generate(args.out_dir, seed=args.seed, scale=args.scale)
    for source, path in files.records.items():
        print(f"records  {source:18} {path}  ({files.encodings[source]})")
    print(f"applications {files.applications}")
    print(f"truth        {files.truth}")


if __name__ == "__main__":
    main()
