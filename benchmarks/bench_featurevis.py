"""Feature visualization against lucent: the same units of EfficientNet-Lite0, the same image size and steps.

lucent is not a dependency of this project; install it only to run this benchmark:
    .venv/bin/pip install --no-deps torch-lucent && .venv/bin/pip install decorator kornia ipython
It renders one objective per call; probes.featurevis renders the batch in one optimisation. Both results are
scored the same way: the unit's centre pre-activation on the final image, no transforms.
"""
import time

import numpy as np
import pytest
import torch

from probes.activations.capture import capture
from probes.featurevis import render, unit

LAYER, UNITS, SIZE, STEPS = "blocks.5.expand", (196, 209, 85, 61), 73, 128


def score(model, images: torch.Tensor) -> np.ndarray:
    activations = capture(model, images, LAYER, pre_activation=True, center=True)[LAYER]
    return np.array([activations[i, u].item() for i, u in enumerate(UNITS)])


def lucent_render(model, unit_index: int) -> torch.Tensor:
    kornia = pytest.importorskip("kornia")
    if not hasattr(kornia, "warp_affine"):  # lucent 0.1.8 calls kornia's pre-0.5 top-level names
        from kornia.geometry import transform
        kornia.warp_affine, kornia.get_rotation_matrix2d = transform.warp_affine, transform.get_rotation_matrix2d
    from lucent.optvis import objectives, param
    from lucent.optvis import render as lucent

    hooked = "network__blocks_5__bn0"  # the pre-activation, the same objective probes.featurevis optimises
    images = lucent.render_vis(model.module, objectives.neuron(hooked, unit_index), lambda: param.image(SIZE),
                               thresholds=(STEPS,), preprocess=False, show_image=False, progress=False)
    return torch.from_numpy(images[-1]).permute(0, 3, 1, 2).float()


def test_featurevis_versus_lucent(benchmark, lite0):
    pytest.importorskip("lucent", reason="lucent not installed; see this file's docstring")
    torch.manual_seed(0)
    lite0.module.to(memory_format=torch.contiguous_format)  # lucent feeds its own tensors
    start = time.perf_counter()
    theirs = torch.cat([lucent_render(lite0, u) for u in UNITS])
    lucent_per_unit = (time.perf_counter() - start) / len(UNITS)

    result = benchmark.pedantic(render, args=(lite0, [unit(LAYER, u) for u in UNITS]),
                                kwargs=dict(size=SIZE, steps=STEPS, progress=False), rounds=1, iterations=1)
    ours_per_unit = benchmark.stats.stats.mean / len(UNITS)
    ours_score, their_score = score(lite0, result.images), score(lite0, theirs)
    speedup = lucent_per_unit / ours_per_unit
    benchmark.extra_info.update(lucent_seconds_per_unit=lucent_per_unit, ours_seconds_per_unit=ours_per_unit,
                                speedup=speedup, ours_objective=ours_score.tolist(),
                                lucent_objective=their_score.tolist())
    print(f"\nper unit: probes.featurevis {ours_per_unit:.2f}s, lucent {lucent_per_unit:.2f}s, "
          f"speed-up {speedup:.1f}x; "
          f"objective (median centre pre-activation): ours {np.median(ours_score):.2f}, "
          f"lucent {np.median(their_score):.2f}")
    lite0.module.to(memory_format=torch.channels_last)
