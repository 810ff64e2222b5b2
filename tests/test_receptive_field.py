import pytest
import torch
from torch import nn

from probes.activations.receptive_field import receptive_field
from probes.zoo import ImageModel, Layer, Model, Preprocessing


def conv_stack() -> Model:
    """Three 3x3 convolutions, the middle one with stride 2: field 3 -> 5 -> 9, stride 2."""
    network = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(),
                            nn.Conv2d(4, 4, 3, stride=2, padding=1), nn.ReLU(),
                            nn.Conv2d(4, 4, 3, padding=1))
    preprocessing = Preprocessing(size=32)
    layers = {"conv1": Layer("conv1", network[0]), "conv2": Layer("conv2", network[2]),
              "conv3": Layer("conv3", network[4])}
    return Model("stack", ImageModel(network, preprocessing), preprocessing, layers, [], "random")


def test_known_fields_of_a_conv_stack():
    model = conv_stack()
    assert (receptive_field(model, "conv1").size, receptive_field(model, "conv1").stride) == (3, 1)
    assert (receptive_field(model, "conv2").size, receptive_field(model, "conv2").stride) == (5, 2)
    assert (receptive_field(model, "conv3").size, receptive_field(model, "conv3").stride) == (9, 2)
    assert not receptive_field(model, "conv3").clipped


def test_lite0_fields(lite0):
    stem = receptive_field(lite0, "stem")
    assert (stem.size, stem.stride) == (3, 2)
    stride8 = receptive_field(lite0, "blocks.5.expand")
    assert stride8.stride == 8
    assert stride8.size > 40 and stride8.canvas >= stride8.size


def silent_stack(bias: float, scale: float = 1.0) -> Model:
    """A 5x5 convolution whose huge negative threshold keeps every unit silent on random inputs, then a 3x3
    one. Failed before the fix with `IndexError: index -1 is out of bounds` (no pixel reached the centre)."""
    first, second = nn.Conv2d(3, 4, 5, padding=2), nn.Conv2d(4, 4, 3, padding=1)
    nn.init.constant_(first.bias, bias)
    with torch.no_grad():
        first.weight.mul_(scale)
    network = nn.Sequential(first, nn.ReLU(), second, nn.ReLU())
    preprocessing = Preprocessing(size=32)
    layers = {"thresholded": Layer("thresholded", first, network[1]), "next": Layer("next", second, network[3])}
    return Model("silent", ImageModel(network, preprocessing), preprocessing, layers, [], "hand-set")


def test_units_silent_on_random_inputs_still_have_a_field():
    model = silent_stack(bias=-100.0)
    assert receptive_field(model, "thresholded").size == 5  # read before its own ReLU
    assert receptive_field(model, "next").size == 7  # every path through the silent layer is dead: linearised


def test_a_field_that_cannot_be_measured_is_a_clear_error():
    model = silent_stack(bias=0.0, scale=0.0)  # the output does not depend on the input at all
    with pytest.raises(ValueError, match="cannot measure the receptive field"):
        receptive_field(model, "next")
