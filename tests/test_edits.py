import pytest
import torch
from torch import nn

from probes.circuits.edits import Edit, applied, producing_convolution, remove_negative_inputs, remove_random_inputs
from probes.zoo import ImageModel, Layer, Model, Preprocessing


def conv_bn_model() -> Model:
    """A convolution whose batch norm flips the sign of channel 1: its "negative" weights are the positive ones."""
    conv, bn = nn.Conv2d(3, 2, 3, padding=1, bias=False), nn.BatchNorm2d(2)
    with torch.no_grad():
        conv.weight.copy_(torch.linspace(-1, 1, conv.weight.numel()).view_as(conv.weight))
        bn.weight.copy_(torch.tensor([1.0, -1.0]))
    network = nn.Sequential(conv, bn, nn.ReLU()).eval()
    preprocessing = Preprocessing(size=16)
    return Model("conv_bn", ImageModel(network, preprocessing), preprocessing,
                 {"out": Layer("out", bn, network[2])}, [], "hand-set")


def test_negative_weights_are_judged_after_the_batch_norm():
    model = conv_bn_model()
    producer = producing_convolution(model, "out", [0, 1])
    assert producer.convolution is model.module.network[0] and producer.channels == [0, 1]
    weight = producer.convolution.weight
    original = weight.detach().clone()
    with applied(remove_negative_inputs(model, "out", [0, 1])):
        assert (weight[0][original[0] < 0] == 0).all() and (weight[0][original[0] > 0] != 0).all()
        assert (weight[1][original[1] > 0] == 0).all() and (weight[1][original[1] < 0] != 0).all()
    assert torch.equal(weight, original)


def test_edits_compose_and_are_restored_even_on_error():
    model = conv_bn_model()
    weight = model.module.network[0].weight
    original = weight.detach().clone()
    double = Edit("double", weight, lambda w: 2 * w)
    with pytest.raises(RuntimeError):
        with applied(double, Edit("plus one", weight, lambda w: w + 1)):
            assert torch.allclose(weight, 2 * original + 1)
            raise RuntimeError("the block failed")
    assert torch.equal(weight, original)


def test_a_random_control_edit_removes_as_many_weights():
    model = conv_bn_model()
    weight = model.module.network[0].weight
    with applied(remove_random_inputs(model, "out", [0, 1], [5, 7], torch.Generator().manual_seed(0))):
        assert int((weight[0] == 0).sum()) == 5 and int((weight[1] == 0).sum()) == 7
