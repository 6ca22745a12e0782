"""The matching benchmark's memory figures: summed RSS counts a page shared by forked workers in
every process, PSS counts it once (bench/matching/run.py run_measured)."""

import sys

import pytest

from bench.matching.run import run_measured

# A parent that fills 200 MB, then forks a child that keeps it (shared, untouched) for a second.
CHILD = """
import os, time
block = bytearray(200 * 1024 * 1024)
for i in range(0, len(block), 4096):
    block[i] = 1
pid = os.fork()
time.sleep(1.5)
if pid:
    os.waitpid(pid, 0)
"""

MB = 1024 * 1024


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_pss_counts_a_forked_workers_shared_pages_once():
    wall, rss, _, pss = run_measured([sys.executable, "-c", CHILD])
    assert wall >= 1.5
    # Both processes map the 200 MB: summed RSS counts it twice, PSS once.
    assert rss >= 380 * MB
    assert 190 * MB <= pss <= rss - 150 * MB


def test_a_failing_command_is_reported_with_its_error():
    with pytest.raises(SystemExit, match="boom"):
        run_measured([sys.executable, "-c", "raise SystemExit('boom')"])
