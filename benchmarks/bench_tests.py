"""How long the instruments' tests take, by file: the README's test command (`.venv/bin/pytest`, the fast tests)
and the tests marked slow (`.venv/bin/pytest -m slow`, which .ci/run adds). Each is a fresh pytest process, as a
user would start it, timed by its JUnit report. Printed: wall time and the ten slowest files of each.
    .venv/bin/pytest benchmarks/bench_tests.py --benchmark-enable -s
"""
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run_tests(report: Path, *marker: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "tests", "-q", "-p", "no:cacheprovider", *marker,
                    "--junitxml", str(report)], cwd=REPO, check=False, stdout=subprocess.DEVNULL,
                   env={**os.environ, "PYTHONPATH": str(REPO)})
    return time.perf_counter() - start


def seconds_by_file(report: Path) -> Counter:
    totals = Counter()
    for case in ElementTree.parse(report).iter("testcase"):
        totals[case.get("classname", "").split(".")[-1] or "?"] += float(case.get("time", 0))
    return totals


def test_fast_then_slow_tests(benchmark, tmp_path):
    fast = benchmark.pedantic(run_tests, args=(tmp_path / "fast.xml",), rounds=1, iterations=1)
    slow = run_tests(tmp_path / "slow.xml", "-m", "slow")
    benchmark.extra_info.update(fast_seconds=fast, slow_seconds=slow, cores=os.cpu_count())
    print(f"\ntests on {os.cpu_count()} cores: .venv/bin/pytest {fast:.0f}s, -m slow {slow:.0f}s")
    for name, report in (("fast", tmp_path / "fast.xml"), ("slow", tmp_path / "slow.xml")):
        print(f"{name}, slowest files:")
        for file, seconds in seconds_by_file(report).most_common(10):
            print(f"  {file:<40} {seconds:7.1f}s")
