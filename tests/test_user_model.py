import pytest
import torch

from probes.activations.capture import capture
from probes.addressing import UnknownNameError
from probes.models import load_model


def test_factory_with_spec_loads_and_captures():
    model = load_model("tests.example_user_model:tiny_convnet")
    assert model.input_size == 64
    assert list(model.layers) == ["0", "3", "6", "9"]
    out = capture(model, torch.rand(2, 3, 64, 64), "9")["9"]
    assert out.shape == (2, 16, 8, 8) and out.min() >= 0  # post-ReLU


def test_value_range_maps_unit_interval():
    model = load_model("tests.example_user_model:tiny_convnet")
    x = torch.tensor([0.0, 1.0]).view(1, 1, 1, 2).expand(1, 3, 1, 2)
    torch.testing.assert_close(model.module.normalize(x)[0, 0, 0], torch.tensor([-1.0, 1.0]))


def test_missing_module_and_factory_are_named():
    with pytest.raises(UnknownNameError, match="PYTHONPATH"):
        load_model("no_such_package.models:net")
    with pytest.raises(UnknownNameError, match="tiny_convnet"):
        load_model("tests.example_user_model:tiny_convnets")
