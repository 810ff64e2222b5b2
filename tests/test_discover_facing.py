"""The facing screen (probes/discover/facing.py) on a network whose late layers are at stride 4: it screens every
layer that can hold a pair, whatever its stride, finds the planted pair and union there, and, when nothing
qualifies, says for every layer why."""
import pytest
import torch
from torch import nn

from probes.discover import facing
from probes.photographs.images import ImageSet
from probes.zoo import ImageModel, Layer, Model, Preprocessing

SIZE = 32
DOG_CLASS, OTHER_CLASS = 200, 30  # ImageNet indices: a dog breed (151-268) and a frog


class Stride4Facing(nn.Module):
    """Every layer at stride 4. cells: red and blue per 4x4 cell; heads (3x3 over cells): 0 red with blue on its
    LEFT, 1 red with blue on its RIGHT, 2 any red; union (1x1): heads 0 + 1. A "dog" is a red square with a blue
    one beside it."""

    def __init__(self):
        super().__init__()
        self.cells = nn.Conv2d(3, 2, 4, stride=4)
        self.cells_act = nn.ReLU()
        self.heads = nn.Conv2d(2, 3, 3, padding=1)
        self.heads_act = nn.ReLU()
        self.union = nn.Conv2d(3, 1, 1)
        self.union_act = nn.ReLU()
        red, blue = 0, 1
        with torch.no_grad():
            for conv in (self.cells, self.heads, self.union):
                conv.weight.zero_()
                conv.bias.zero_()
            self.cells.weight[red, 0], self.cells.weight[red, 1] = 1 / 16, -1 / 16  # red minus green, per 4x4 cell
            self.cells.weight[blue, 2], self.cells.weight[blue, 0] = 1 / 16, -1 / 16  # blue minus red
            self.heads.weight[0, red, 1, 1], self.heads.weight[0, blue, 1, 0] = 1.0, 1.0
            self.heads.weight[1, red, 1, 1], self.heads.weight[1, blue, 1, 2] = 1.0, 1.0
            self.heads.bias[:2] = -1.0  # both parts needed
            self.heads.weight[2, red, 1, 1] = 1.0
            self.union.weight[0, 0], self.union.weight[0, 1] = 1.0, 1.0

    def forward(self, x):
        x = self.cells_act(self.cells(x))
        x = self.heads_act(self.heads(x))
        return self.union_act(self.union(x)).flatten(1)


def stride4_model() -> Model:
    network = Stride4Facing()
    preprocessing = Preprocessing(size=SIZE)
    layers = {name: Layer(name, getattr(network, name), getattr(network, f"{name}_act"))
              for name in ("cells", "heads", "union")}
    return Model(name="stride4_facing", module=ImageModel(network, preprocessing), preprocessing=preprocessing,
                 layers=layers, labels=[], weights="hand-set (tests/test_discover_facing.py)")


def photographs(dogs: int = 24, others: int = 24, *, with_heads: bool = True, seed: int = 0) -> ImageSet:
    """Grey photographs; the dogs carry a red square with a blue one on its left or its right (facing), at a
    random place and strength."""
    rng = torch.Generator().manual_seed(seed)
    images = 0.3 + 0.4 * torch.rand(dogs + others, 1, 1, 1, generator=rng).expand(-1, 3, SIZE, SIZE).clone()
    for k in range(dogs if with_heads else 0):
        strength = 0.6 + 0.4 * float(torch.rand(1, generator=rng))
        row = 4 * int(torch.randint(1, 6, (1,), generator=rng))
        column = 4 * int(torch.randint(2, 5, (1,), generator=rng))
        blue = column - 4 if k % 2 else column + 4
        images[k, :, row:row + 4, column:column + 4] = torch.tensor([strength, 0.0, 0.0])[:, None, None]
        images[k, :, row:row + 4, blue:blue + 4] = torch.tensor([0.0, 0.0, strength])[:, None, None]
    labels = torch.tensor([DOG_CLASS] * dogs + [OTHER_CLASS] * others)
    return ImageSet(images, labels, [f"photo{k}" for k in range(dogs + others)], "synthetic")


def test_every_layer_with_an_activation_is_a_candidate_whatever_its_stride():
    held, rejected = facing.candidate_layers(stride4_model())
    assert held == ["cells", "heads", "union"] and rejected == []


def test_the_screen_finds_the_pair_and_its_union_at_stride_4():
    facing_layer, pairs, union_layer, union_units, notes = facing.discover(stride4_model(), photographs())
    assert (facing_layer, pairs) == ("heads", [(0, 1)]), notes
    assert (union_layer, union_units) == ("union", [0]), notes


def test_without_facing_heads_every_layer_says_why_it_holds_no_pair():
    facing_layer, pairs, _, _, notes = facing.discover(stride4_model(), photographs(with_heads=False))
    assert facing_layer is None and pairs == []
    text = "\n".join(notes)
    assert "cells: 0 pairs: " in text and "heads: 0 pairs: " in text and "dog-selective" in text
    assert "union: no pair: 1 unit, a pair needs two" in text
    assert "capture needs" not in text


def test_a_network_without_a_layer_that_can_hold_a_pair_is_named_layer_by_layer():
    model = stride4_model()
    model = Model(name=model.name, module=model.module, preprocessing=model.preprocessing,
                  layers={"union": model.layers["union"], "cells": Layer("cells", model.layers["cells"].module)},
                  labels=[], weights=model.weights)
    with pytest.raises(facing.NoCandidateLayers, match=r"cells: no activation to read; union: 1 unit"):
        facing.discover(model, photographs())
