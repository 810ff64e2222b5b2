import torch
from torch import nn

from probes.capture import capture
from probes.circuits import ablated, edited_weights, expanded_weights, linearised
from probes.models.zoo import ImageModel, Layer, Model, Preprocessing


def two_conv_model() -> Model:
    torch.manual_seed(0)
    network = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU(), nn.Conv2d(4, 5, 3, padding=1), nn.ReLU())
    preprocessing = Preprocessing(size=16)
    layers = {"a": Layer("a", network[0], network[1]), "b": Layer("b", network[2], network[3])}
    return Model("two", ImageModel(network, preprocessing), preprocessing, layers, [], "random")


def test_expanded_weights_of_adjacent_layers_are_the_kernel():
    model = two_conv_model()
    weights = expanded_weights(model, "a", "b", units=[0, 3])
    kernel = model.module.network[2].weight.detach()
    assert weights.shape == (2, 4, 16, 16)
    torch.testing.assert_close(weights[:, :, 7:10, 7:10], kernel[[0, 3]])
    assert weights[:, :, :7].abs().sum() == 0  # nothing outside the 3x3 neighbourhood


def test_linearised_restores_the_nonlinearities_even_on_error():
    model = two_conv_model()
    image = torch.rand(1, 3, 16, 16)
    before = capture(model, image, "b")["b"]
    try:
        with linearised(model):
            assert capture(model, image, "b")["b"].min() < 0
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    torch.testing.assert_close(capture(model, image, "b")["b"], before)


def test_ablation_zeroes_units_and_restores():
    model = two_conv_model()
    image = torch.rand(2, 3, 16, 16)
    with ablated(model, "a", [1, 2]):
        inside = capture(model, image, "a")["a"]
    assert inside[:, [1, 2]].abs().sum() == 0
    assert capture(model, image, "a")["a"][:, [1, 2]].abs().sum() > 0


def test_edited_weights_are_restored():
    model = two_conv_model()
    weight = model.module.network[2].weight
    original = weight.detach().clone()
    with edited_weights(weight, lambda w: w.clamp(min=0)):
        assert weight.min() >= 0
    torch.testing.assert_close(weight.detach(), original)
