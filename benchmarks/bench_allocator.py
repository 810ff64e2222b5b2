"""Freed memory kept (probes/allocator.py) or given back to the system: a Lite0 pass over 96 photographs to
blocks.5.expand on one thread, in a fresh process each way, with the seconds that process spent in the kernel
(faulting in and zeroing pages) and computing, and its largest resident memory. On the 2-core AMD EPYC of 2026-12-01:
3.9 s, 2.6 s of them in the kernel, given back; 1.6 s, 0.1 s in the kernel, kept.

    .venv/bin/pytest benchmarks/bench_allocator.py --benchmark-enable -s
"""
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ONE_PASS = """
import json, resource, time, torch
from probes.allocator import keep_freed_memory
keep_freed_memory()
torch.set_num_threads(1)
from probes.activations.capture import capture
from probes.defaults import DEFAULT_MODEL
from probes.models import load_model
model = load_model(DEFAULT_MODEL)
images = torch.rand(96, 3, 224, 224, generator=torch.Generator().manual_seed(0))
capture(model, images[:32], ["blocks.5.expand"])  # the weights paged in, the kernels chosen
before, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
capture(model, images, ["blocks.5.expand"])
after = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - start, "computing": after.ru_utime - before.ru_utime,
                  "kernel": after.ru_stime - before.ru_stime, "largest_gb": after.ru_maxrss / 1e6}))
"""


def one_pass(keep: bool) -> dict:
    environment = {**os.environ, "ZOOM_IN_KEEP_FREED_MEMORY": "1" if keep else "0", "PYTHONPATH": str(REPO)}
    finished = subprocess.run([sys.executable, "-c", ONE_PASS], env=environment, cwd=REPO, capture_output=True,
                              text=True, check=True)
    return json.loads(finished.stdout.strip().splitlines()[-1])


def test_freed_memory_kept_against_given_back(benchmark):
    given_back = one_pass(keep=False)
    kept = benchmark.pedantic(one_pass, args=(True,), rounds=1, iterations=1)
    benchmark.extra_info.update(given_back=given_back, kept=kept)
    for name, measured in (("given back", given_back), ("kept", kept)):
        print(f"\nfreed memory {name}: {measured['seconds']:.2f} s ({measured['kernel']:.2f} s in the kernel, "
              f"{measured['computing']:.2f} s computing), largest {measured['largest_gb']:.2f} GB")
