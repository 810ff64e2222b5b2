"""EfficientNet-Lite against its real weights: every key loads, and the pipeline classifies real photographs.

Accuracy on the 1000-image sample (one photograph per ImageNet class) is the check that architecture,
weights and preprocessing agree; a wrong pipeline (e.g. ImageNet mean/std instead of [-1, 1]) costs ~10 points.
Floors are set below the measured values (README) by a margin for library-version noise, not tuned.
"""
import pytest
import torch

from probes.activations.capture import capture
from probes.models import load_model
from probes.models.efficientnet_lite import VARIANTS, EfficientNetLite, weights_path
from probes.models.weights_file import load_state_dict_file

TOP1_FLOOR = 0.85
TOP5_FLOOR = 0.95


@pytest.mark.parametrize("name", list(VARIANTS))
def test_state_dict_loads_with_every_key_matched(name):
    variant = VARIANTS[name]
    network = EfficientNetLite(variant.width, variant.depth)
    state_dict = load_state_dict_file(weights_path(name), sha256=variant.sha256)
    result = network.load_state_dict(state_dict, strict=True)
    assert not result.missing_keys and not result.unexpected_keys


@pytest.mark.slow
@pytest.mark.parametrize("name", list(VARIANTS))
def test_accuracy_on_real_photographs(name, natural_images_for):
    model = load_model(name)
    images = natural_images_for(model)
    logits = capture(model, images.images, "logits")["logits"]
    top5 = logits.topk(5, dim=1).indices
    top1_accuracy = (top5[:, 0] == images.labels).float().mean().item()
    top5_accuracy = (top5 == images.labels[:, None]).any(1).float().mean().item()
    print(f"{name}: top-1 {top1_accuracy:.1%}, top-5 {top5_accuracy:.1%} on {len(images)} images")
    assert top1_accuracy >= TOP1_FLOOR
    assert top5_accuracy >= TOP5_FLOOR


def test_layers_are_in_forward_order_with_expected_shapes(lite0):
    names = list(lite0.layers)
    assert names[0] == "stem" and names[-2:] == ["head", "logits"]
    assert names.index("blocks.5.expand") < names.index("blocks.5.depthwise") < names.index("blocks.5")
    output = capture(lite0, torch.zeros(1, 3, 224, 224), ["blocks.5.expand", "blocks.5"])
    assert output["blocks.5.expand"].shape == (1, 240, 28, 28)
    assert output["blocks.5"].shape == (1, 80, 14, 14)


def test_variants_differ_in_depth_and_input_size():
    sizes = {name: load_model(name, pretrained=False).input_size for name in VARIANTS}
    assert sizes == {"efficientnet_lite0": 224, "efficientnet_lite1": 240, "efficientnet_lite2": 260}
    blocks = {name: len(EfficientNetLite(v.width, v.depth)._blocks) for name, v in VARIANTS.items()}
    assert blocks == {"efficientnet_lite0": 16, "efficientnet_lite1": 21, "efficientnet_lite2": 21}
