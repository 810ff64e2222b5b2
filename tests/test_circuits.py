import torch
from torch import nn

from probes.activations.capture import capture
from probes.circuits.wiring import (ablated, downstream_layers, edited_weights, expanded_weights, linearised,
                                   reader_shape_responses, shape_readers, shape_responses)
from probes.circuits.reading import output_dependence
from probes.zoo import ImageModel, Layer, Model, Preprocessing


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


def same_stride_model() -> Model:
    """A user network whose readers sit at the family's stride: no layer at twice it exists."""
    torch.manual_seed(0)
    network = nn.Sequential(nn.Conv2d(3, 4, 5, padding=2), nn.ReLU(), nn.Conv2d(4, 6, 5, padding=2), nn.ReLU(),
                            nn.Conv2d(6, 6, 3, padding=1, groups=6), nn.ReLU(), nn.Conv2d(6, 3, 5, padding=2),
                            nn.ReLU())
    with torch.no_grad():  # dark strokes lower the first two layers, so the readers (negative weights) answer them
        for index, sign in ((0, 1), (2, 1), (4, 1), (6, -1)):
            network[index].weight.copy_(sign * network[index].weight.abs())
            network[index].bias.zero_()
        network[6].bias.fill_(1e3)  # the readers sit above threshold on a blank canvas
    preprocessing = Preprocessing(size=32)
    layers = {"a": Layer("a", network[0], network[1]), "family": Layer("family", network[2], network[3]),
              "depthwise": Layer("depthwise", network[4], network[5]),
              "readers": Layer("readers", network[6], network[7])}
    return Model("same_stride", ImageModel(network, preprocessing), preprocessing, layers, [], "random")


def test_downstream_layers_need_no_change_of_stride_and_skip_depthwise_filters():
    """Before: downstream_layer looked only at twice the family's stride and raised LookupError here."""
    model = same_stride_model()
    assert downstream_layers(model, "family") == ["readers"]


def test_shape_readers_are_chosen_by_their_responses_not_their_weights():
    model = same_stride_model()
    protocol = dict(radius_fractions=(0.25,), width_fraction=0.1, foreground=(0, 0, 0), background=(1, 1, 1))
    circle, square = shape_responses(model, "readers", protocol["radius_fractions"], width_fraction=0.1,
                                     foreground=(0, 0, 0), background=(1, 1, 1))
    chosen = shape_readers(model, ["readers"], protocol, min_contrast=-1.0, min_drive=0.0)
    contrast = (circle - square) / (circle + square).clamp(min=1e-12)
    assert sorted(unit for _, unit in chosen) == [0, 1, 2]  # every unit qualifies at these bars
    assert [float(contrast[u]) for _, u in chosen] == sorted(contrast.tolist(), reverse=True)
    assert shape_readers(model, ["readers"], protocol, min_contrast=float(contrast.max()) + 1e-6) == []
    assert chosen  # the test is not vacuous
    responses = reader_shape_responses(model, chosen, protocol)
    assert responses.shape == (len(chosen), 2)


def test_output_dependence_of_a_family_larger_than_a_batch():
    """Each unit's row is its own, however many units are read (a 35-unit family once read past a batch of 32)."""
    torch.manual_seed(0)
    network = nn.Sequential(nn.Conv2d(3, 40, 3, padding=1), nn.ReLU(), nn.Conv2d(40, 6, 3, padding=1))
    preprocessing = Preprocessing(size=8)
    model = Model("wide", ImageModel(network, preprocessing), preprocessing,
                  {"a": Layer("a", network[0], network[1]), "out": Layer("out", network[2])}, [], "random")
    every = output_dependence(model, "a", range(40))
    assert every.shape == (6, 40)
    for unit in (0, 31, 32, 39):
        torch.testing.assert_close(every[:, unit], output_dependence(model, "a", [unit])[:, 0])
