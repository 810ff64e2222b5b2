"""Capture cost: the first and the last stride-8 layer of lite0 versus the full forward pass, on a batch of
64 images. Most of lite0's compute sits in its early, high-resolution blocks, so stopping at blocks.5.expand
(the curve family's layer) saves less than stopping at blocks.3.depthwise.

Run: pytest benchmarks --benchmark-enable. The ratio is printed and stored in extra_info.
"""
import time

import pytest
import torch

from probes.activations.capture import capture

BATCH = 64


@pytest.mark.parametrize("layer", ["blocks.3.depthwise", "blocks.5.expand"])
def test_capture_stride8_versus_full_forward(benchmark, lite0, layer):
    images = torch.rand(BATCH, 3, 224, 224, generator=torch.Generator().manual_seed(0))

    def full_forward():
        return capture(lite0, images, "logits")

    start = time.perf_counter()
    for _ in range(2):
        full_forward()
    full_seconds = (time.perf_counter() - start) / 2
    benchmark.pedantic(capture, args=(lite0, images, layer), rounds=3, iterations=1)
    ratio = benchmark.stats.stats.mean / full_seconds
    benchmark.extra_info.update(full_forward_seconds=full_seconds, capture_to_full_ratio=ratio)
    print(f"\ncapture of {layer}: {benchmark.stats.stats.mean:.2f}s, full forward {full_seconds:.2f}s, "
          f"ratio {ratio:.2f}")
    assert ratio < 1.0  # stopping early must never cost more than the whole network
