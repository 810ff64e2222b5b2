"""Streaming dataset examples (probes/photographs/streaming.py): peak memory and throughput for 1,000 against 5,000
photographs, and throughput against a plain forward pass to the same layer on already-decoded images.

The 5,000 are the shared 1,000 photographs and four variants of each (mirrored, and three crops), written as JPEGs
into a temporary folder. Each measurement runs in its own process, so its peak resident memory is its own.
Goals (issue 12): peak memory nearly flat from 1k to 5k; throughput >= 80% of the plain forward pass.
    .venv/bin/pytest benchmarks/bench_streaming.py --benchmark-enable -s
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageOps

from probes.defaults import DEFAULT_MODEL, image_folder

REPO = Path(__file__).resolve().parents[1]
MODEL, LAYER = DEFAULT_MODEL, "blocks.5.expand"

STREAM = """
import json, resource, sys, time
from probes.models import load_model
from probes.photographs.images import list_images
from probes.photographs.streaming import top_examples
model = load_model("{model}")
paths = list_images(sys.argv[1])
start = time.perf_counter()
result = top_examples(model, paths, "{layer}", k=8, batch_size=64, workers=2, cache_dir=None, progress=False)
seconds = time.perf_counter() - start
print(json.dumps(dict(count=result.count, seconds=seconds,
                      peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)))
"""

FORWARD = """
import json, sys, time, torch
from probes.activations.capture import capture
from probes.models import load_model
model = load_model("{model}")
images = torch.rand(256, 3, model.input_size, model.input_size)
start = time.perf_counter()
for i in range(0, len(images), 64):
    capture(model, images[i:i + 64], "{layer}")
print(json.dumps(dict(count=len(images), seconds=time.perf_counter() - start)))
"""


def _run(script: str, *args: str) -> dict:
    output = subprocess.run([sys.executable, "-c", script.format(model=MODEL, layer=LAYER), *args], cwd=REPO,
                            check=True, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    return json.loads(output.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def five_thousand(tmp_path_factory):
    source = image_folder()
    if not source.is_dir():
        pytest.skip(f"no photographs at {source}; set ZOOM_IN_IMAGES")
    folder = tmp_path_factory.mktemp("five-thousand")
    for path in sorted(source.iterdir()):
        with Image.open(path) as image:
            image = image.convert("RGB")
            width, height = image.size
            variants = [image, ImageOps.mirror(image), image.crop((0, 0, width * 3 // 4, height * 3 // 4)),
                        image.crop((width // 4, height // 4, width, height)),
                        image.crop((width // 8, height // 8, width * 7 // 8, height * 7 // 8))]
            for k, variant in enumerate(variants):
                variant.save(folder / f"{path.stem}-{k}.jpg", quality=90)
    return source, folder


def test_streaming_memory_and_throughput(benchmark, five_thousand):
    thousand, five = five_thousand
    small = _run(STREAM, str(thousand))
    large = benchmark.pedantic(_run, args=(STREAM, str(five)), rounds=1, iterations=1)
    forward = _run(FORWARD)
    rates = {name: run["count"] / run["seconds"] for name, run in
             (("1k", small), ("5k", large), ("forward", forward))}
    benchmark.extra_info.update(peak_mb_1k=small["peak_mb"], peak_mb_5k=large["peak_mb"],
                                images_per_s_1k=rates["1k"], images_per_s_5k=rates["5k"],
                                forward_images_per_s=rates["forward"])
    print(f"\nstreaming {LAYER} of {MODEL}: 1k {small['peak_mb']:.0f} MB peak, {rates['1k']:.1f} images/s; "
          f"5k {large['peak_mb']:.0f} MB peak, {rates['5k']:.1f} images/s; plain forward {rates['forward']:.1f} "
          f"images/s ({rates['5k'] / rates['forward']:.0%})")
    assert large["count"] == 5 * small["count"]
    assert large["peak_mb"] < 1.5 * small["peak_mb"]  # bounded: five times the photographs, not five times the memory
