"""One line describing the machine a benchmark ran on, for docs/benchmarks.md."""

from __future__ import annotations

import os
import platform


def describe() -> str:
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {cpu}, {mem_gb:.0f} GiB RAM, Python {platform.python_version()}, {platform.system()} {platform.machine()}"
