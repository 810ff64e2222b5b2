"""The whole claims run with every control, cold (empty disk store), warm (the store the cold run filled: every
verdict is replayed, zoom_in_claims/reuse.py) and after one claim file changed (that claim alone runs, from the
stored measurements), by stage: where the time goes, and what the store saves.

Each run is a fresh pytest process, as a user would start it, with the options `.ci/run` uses (two workers). Cold starts
from an empty ZOOM_IN_CACHE (photographs decoded again too); warm reuses it. The two ledgers must give the same
verdicts, or the speed means nothing. Printed: wall time, the largest resident memory of the
run, and seconds by stage and by network from ledger.json (probes.records.timing). Slow (three runs, about 30
minutes on 2 cores):
    .venv/bin/pytest benchmarks/bench_run.py --benchmark-enable -s
ZOOM_IN_BENCH_CLAIMS=claims/curves narrows it to one folder; ZOOM_IN_BENCH_CHANGED names the claim file given a
comment line for the third run (restored afterwards).
"""
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from probes.records import timing
from zoom_in_claims.ledger_diff import differences, load_rows

REPO = Path(__file__).resolve().parents[1]
OPTIONS = ("--controls", "--null-seeds", "3", "-n", "2")  # as .ci/run
CHANGED = Path(os.environ.get("ZOOM_IN_BENCH_CHANGED", "claims/curves/test_use.py"))


def claims_run(ledger: Path, cache: Path, *extra: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", os.environ.get("ZOOM_IN_BENCH_CLAIMS", "claims"), "-q",
                    "-p", "no:cacheprovider", *OPTIONS, "--ledger", str(ledger), *extra], cwd=REPO, check=False,
                   stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(REPO), "ZOOM_IN_CACHE": str(cache)})
    return time.perf_counter() - start


def stage_summary(ledger: Path) -> str:
    rows = json.loads((ledger / "ledger.json").read_text()).get("stages", [])
    lines = [f"  {name:<24} {seconds:8.1f}s" for name, seconds in timing.by(rows, "stage").items() if seconds >= 0.5]
    lines += ["  by network:"] + [f"    {name:<40} {seconds:8.1f}s"
                                  for name, seconds in timing.by(rows, "network").items() if seconds >= 0.5]
    return "\n".join(lines)


def one_claim_changed(ledger: Path, cache: Path) -> float:
    """The run after a claim file changed: a comment line added to CHANGED, then taken out again."""
    path = REPO / CHANGED
    original = path.read_text()
    try:
        path.write_text(original + "# changed for bench_run.py\n")
        return claims_run(ledger, cache)
    finally:
        path.write_text(original)


def test_cold_then_warm(benchmark, tmp_path):
    cache = tmp_path / "cache"
    cold = claims_run(tmp_path / "cold", cache)
    warm = benchmark.pedantic(claims_run, args=(tmp_path / "warm", cache), rounds=1, iterations=1)
    changed = one_claim_changed(tmp_path / "changed", cache)
    peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1e6  # kB on Linux
    benchmark.extra_info.update(cold_seconds=cold, warm_seconds=warm, changed_seconds=changed,
                                peak_memory_gb=peak_gb, cores=os.cpu_count())
    print(f"\nclaims {' '.join(OPTIONS)} on {os.cpu_count()} cores: cold {cold:.0f}s, warm {warm:.0f}s, "
          f"{CHANGED} changed {changed:.0f}s, largest resident memory {peak_gb:.1f} GB")
    for run in ("cold", "warm", "changed"):
        print(f"{run}, by stage:\n" + stage_summary(tmp_path / run))
    before = load_rows(tmp_path / "cold")
    for run in ("warm", "changed"):
        after = load_rows(tmp_path / run)
        print(f"cold against {run}: " + ("\n".join(differences(before, after)) or "ledgers identical"))
        assert before.keys() == after.keys()
        assert {key: row["verdict"] for key, row in before.items()} == \
               {key: row["verdict"] for key, row in after.items()}
