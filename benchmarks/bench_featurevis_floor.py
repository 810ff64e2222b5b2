"""Where a step of Lite0's feature visualisation goes, and how fast the machine could do it: the two claims' own
objectives (the atlas's curve family, 4 restarts, at blocks.5.expand; its high-low family, 2 restarts, at
blocks.5.depthwise; each on its receptive-field canvas), a few steps of the render loop on one thread under the
profiler, its seconds by kind of operator, the convolutions' arithmetic rate, and a matrix product's rate for
comparison. The claims run 256 steps; the figure per network is the sum of the two projections.

    .venv/bin/pytest benchmarks/bench_featurevis_floor.py --benchmark-enable -s

On the 2-core AMD EPYC of 2026-12-02, quiet: the curve family 0.23 to 0.25 s a step, the high-low family 0.28 to
0.37 s; convolutions 48 to 53% of a step at 18 to 21 GFLOP/s, against 47 to 62 for the matrix product; ReLU6 and
its gradient 15 to 18%; the robustness warp 8 to 11%.
"""
import time
from collections import defaultdict

import pytest
import torch
from torch.utils.flop_counter import FlopCounterMode

from probes.activations.receptive_field import receptive_field
from probes.allocator import keep_freed_memory
from probes.featurevis import unit
from probes.featurevis.render import _optimise
from probes.records.atlas import Atlas, default_atlas_path

CLAIM_STEPS, PROFILED_STEPS = 256, 6
CLAIMS = {"curves": 4, "high_low": 2}  # family -> restarts, as claims/<family>/test_feature_visualization.py
KINDS = {"convolution": ("convolution",), "ReLU6 and its gradient": ("clamp", "hardtanh"),
         "robustness warp": ("grid_sampler", "affine_grid")}


def kind_of(operator: str) -> str:
    return next((kind for kind, words in KINDS.items() if any(word in operator for word in words)), "other")


def matrix_rate() -> float:
    """GFLOP/s of a 1024 x 1024 float matrix product on this thread: what arithmetic-bound work reaches."""
    a, b = torch.rand(1024, 1024), torch.rand(1024, 1024)
    a @ b
    start = time.perf_counter()
    for _ in range(20):
        a @ b
    return 20 * 2 * 1024 ** 3 / (time.perf_counter() - start) / 1e9


def profile_family(model, family: str, restarts: int) -> dict:
    atlas = Atlas.load(default_atlas_path(model.name)).family(family)
    objectives = [unit(atlas.layer, u) for _ in range(restarts) for u in atlas.units]
    canvas = receptive_field(model, atlas.layer).canvas

    def optimise(steps: int) -> float:
        start = time.perf_counter()
        _optimise(model, objectives, canvas, steps, 0.01, 0, True, True, False)
        return time.perf_counter() - start

    optimise(1)  # kernels chosen, memory faulted in
    per_step = (optimise(PROFILED_STEPS) - optimise(1)) / (PROFILED_STEPS - 1)  # without the final evaluation
    with FlopCounterMode(display=False) as flops:
        optimise(PROFILED_STEPS)
    with torch.profiler.profile() as profiler:  # the same work again: its operators' own seconds
        optimise(PROFILED_STEPS)
    by_kind = defaultdict(float)
    for event in profiler.key_averages():
        by_kind[kind_of(event.key)] += event.self_cpu_time_total / 1e6
    total = sum(by_kind.values())
    return {"layer": atlas.layer, "objectives": len(objectives), "canvas": canvas, "seconds_per_step": per_step,
            "claim_seconds": per_step * CLAIM_STEPS,
            "share": {kind: seconds / total for kind, seconds in by_kind.items()},
            "convolution_gflops": flops.get_total_flops() / 1e9 / by_kind["convolution"]}


def test_where_a_feature_visualisation_step_goes(benchmark, lite0):
    if not default_atlas_path(lite0.name).exists():
        pytest.skip(f"no atlas for {lite0.name}")
    keep_freed_memory()  # as the plugin runs it
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as each of the claims run's two workers computes
    try:
        found = benchmark.pedantic(lambda: {family: profile_family(lite0, family, restarts)
                                            for family, restarts in CLAIMS.items()}, rounds=1, iterations=1)
        rate = matrix_rate()
    finally:
        torch.set_num_threads(threads)
    benchmark.extra_info.update(found=found, matrix_gflops=rate)
    for family, measured in found.items():
        shares = ", ".join(f"{kind} {share:.0%}" for kind, share in sorted(measured["share"].items()))
        print(f"\n{family}: {measured['objectives']} objectives at {measured['layer']} on {measured['canvas']} px: "
              f"{measured['seconds_per_step']:.3f} s a step, {measured['claim_seconds']:.0f} s for "
              f"{CLAIM_STEPS} steps ({shares}); convolutions at {measured['convolution_gflops']:.1f} GFLOP/s")
    print(f"a 1024 x 1024 matrix product on the same thread: {rate:.1f} GFLOP/s")
