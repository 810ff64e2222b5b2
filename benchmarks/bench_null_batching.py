"""Null twins one after another, or stacked into one vectorised pass (torch.func.vmap over their weights)?

Issue 24 asked for null seeds evaluated in batches where the architecture allows. EfficientNet-Lite allows it
(every layer is a convolution, an eval-mode batch norm or an elementwise activation), so this measures it: three
null twins of Lite0 on the same photographs, each in turn, then as one vmapped call. On 2 CPU cores the stacked
pass was slower (7.2 s against 5.3 s for 32 photographs, outputs equal to 1e-6): a CPU pass is bound by its
arithmetic, which stacking does not reduce, and vmap turns each convolution into a grouped one that runs worse.
So the suite evaluates null twins one after another; on a GPU, where small passes leave the device idle, the
answer may differ, and this benchmark is the place to find out.
"""
import copy
import time

import torch
from torch.func import functional_call, stack_module_state, vmap

from probes.models.null_model import null_twin

SEEDS, PHOTOGRAPHS, SIZE = 3, 32, 224


def test_stacked_null_twins_versus_one_after_another(benchmark, lite0):
    generator = torch.Generator().manual_seed(0)
    calibration = torch.rand(16, 3, SIZE, SIZE, generator=generator)
    photographs = torch.rand(PHOTOGRAPHS, 3, SIZE, SIZE, generator=generator)
    networks = [null_twin(lite0, seed=seed, images=calibration).module.eval() for seed in range(SEEDS)]
    weights, buffers = stack_module_state(networks)
    skeleton = copy.deepcopy(networks[0]).to("meta")  # the architecture; vmap supplies each twin's tensors

    def one_network(weights, buffers, images):
        return functional_call(skeleton, (weights, buffers), (images,))

    stacked = vmap(one_network, in_dims=(0, 0, None))
    with torch.inference_mode():
        start = time.perf_counter()
        in_turn = [network(photographs) for network in networks]
        in_turn_seconds = time.perf_counter() - start
        start = time.perf_counter()
        together = benchmark.pedantic(stacked, args=(weights, buffers, photographs), rounds=1, iterations=1)
        stacked_seconds = time.perf_counter() - start
    largest_difference = max(float((together[i] - in_turn[i]).abs().max()) for i in range(SEEDS))
    benchmark.extra_info.update(one_after_another_s=round(in_turn_seconds, 2), stacked_s=round(stacked_seconds, 2),
                                largest_difference=largest_difference)
    print(f"\n{SEEDS} null twins on {PHOTOGRAPHS} photographs: one after another {in_turn_seconds:.2f} s, "
          f"stacked {stacked_seconds:.2f} s (largest difference {largest_difference:.1e})")
    assert largest_difference < 1e-4  # the same networks: only the schedule differs
