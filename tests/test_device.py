"""`--device cuda`: every stage runs on the GPU and gives what the CPU gives (to float tolerance). Skipped, with
the reason, on a machine without one."""
import pytest
import torch

from probes.activations.capture import capture
from probes.activations.receptive_field import receptive_field
from probes.featurevis import render, unit
from probes.measures.tuning import centre_responses
from probes.models import load_model
from probes.models.null_model import null_twin

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device on this machine")


@pytest.fixture(scope="module")
def pair():
    return load_model("efficientnet_lite0"), load_model("efficientnet_lite0", device="cuda")


def test_every_stage_runs_on_the_device_and_agrees_with_the_cpu(pair, monkeypatch, tmp_path):
    monkeypatch.setenv("ZOOM_IN_CACHE", "")  # compute on both, never read one from the other's store entry
    cpu, gpu = pair
    assert next(gpu.module.parameters()).is_cuda
    layer = "blocks.5.expand"
    images = torch.rand(4, 3, cpu.input_size, cpu.input_size, generator=torch.Generator().manual_seed(0))
    assert torch.allclose(capture(cpu, images, layer)[layer], capture(gpu, images, layer)[layer], atol=1e-3)
    assert receptive_field(cpu, layer) == receptive_field(gpu, layer)
    field = receptive_field(cpu, layer)
    stimuli = images[:, :, :field.canvas, :field.canvas]
    assert abs(centre_responses(cpu, layer, stimuli, background=(0.5, 0.5, 0.5))
               - centre_responses(gpu, layer, stimuli, background=(0.5, 0.5, 0.5))).max() < 1e-3
    result = render(gpu, [unit(layer, 0)], size=field.canvas, steps=8, progress=False)
    assert result.images.shape[-1] == field.canvas and torch.isfinite(result.values).all()
    twin = null_twin(gpu, seed=0, images=images)
    assert next(twin.module.parameters()).is_cuda
