"""Serial against `-n 2` (pytest-xdist) for the whole claims run with controls, on this machine's cores.

Each run is a fresh pytest process, as a user would start it; the decoded-image cache is warmed first, so both
runs start from the same disk state. The two ledgers must hold the same entries with the same verdicts, or the
speed means nothing; measurements that differ (float rounding under another thread count) are printed. Slow (two full
claims runs, about 10 minutes on 2 cores):
    .venv/bin/pytest benchmarks/bench_xdist.py --benchmark-enable -s
"""
import os
import subprocess
import sys
import time
from pathlib import Path

from zoom_in_claims.ledger_diff import differences, load_rows

REPO = Path(__file__).resolve().parents[1]


def claims_run(ledger: Path, *extra: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "claims", "-q", "-p", "no:cacheprovider", "--controls",
                    "--ledger", str(ledger), *extra], cwd=REPO, check=False, stdout=subprocess.DEVNULL,
                   env={**os.environ, "PYTHONPATH": str(REPO)})
    return time.perf_counter() - start


def test_two_workers_against_serial(benchmark, tmp_path):
    claims_run(tmp_path / "warm", "-k", "dataset_examples")  # decode and cache the photographs once
    serial = claims_run(tmp_path / "serial")
    parallel = benchmark.pedantic(claims_run, args=(tmp_path / "parallel", "-n", "2"), rounds=1, iterations=1)
    before, after = load_rows(tmp_path / "serial"), load_rows(tmp_path / "parallel")
    benchmark.extra_info.update(serial_seconds=serial, parallel_seconds=parallel, cores=os.cpu_count())
    print(f"\nclaims --controls on {os.cpu_count()} cores: serial {serial:.0f}s, -n 2 {parallel:.0f}s "
          f"({serial / parallel:.2f}x)")
    # Workers run torch on fewer threads than a serial run, which changes float rounding; where a measurement
    # rests on a discrete choice (an optimisation path, a tie in a top-k), that can move it. Verdicts must not.
    print("\n".join(differences(before, after)) or "ledgers identical")
    assert before.keys() == after.keys()
    assert {key: row["verdict"] for key, row in before.items()} == {key: row["verdict"] for key, row in after.items()}
