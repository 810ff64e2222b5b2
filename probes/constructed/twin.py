"""`constructed_curves_twin`: the positive control of universality claims.

The circuit of `constructed_curves` (probes/constructed/curves.py), rebuilt with every layer's units in another
order: the same edge, line and curve detectors and the same readers, at other indices. What universality claims
(analogous features form across networks) is therefore true by construction between the two networks, and an
instrument must find it without being told the permutation: matching each curve unit of `constructed_curves` to
its counterpart here, at the same preferred orientation.

Ground truth (the planted atlas): the families of `constructed_curves`, each unit moved to its new index.
"""
from __future__ import annotations

import torch

from probes.atlas import Atlas, Family
from probes.constructed import PLANTED
from probes.constructed import curves as original
from probes.models.zoo import ImageModel, Layer, Model, ZooEntry, register

NAME = "constructed_curves_twin"
SEED = 2020  # any fixed order other than the original's


def _orders(network: original.ConstructedCurves) -> dict[str, torch.Tensor]:
    """new index -> old index, per permuted layer (the readers' layer keeps its order: it is the output)."""
    generator = torch.Generator().manual_seed(SEED)
    return {layer: torch.randperm(getattr(network, layer).out_channels, generator=generator)
            for layer in ("edges", "curves")}


def _permuted(network: original.ConstructedCurves) -> original.ConstructedCurves:
    order = _orders(network)
    with torch.no_grad():
        for layer, following in (("edges", "curves"), ("curves", "shapes")):
            conv, reader = getattr(network, layer), getattr(network, following)
            conv.weight.copy_(conv.weight[order[layer]])
            conv.bias.copy_(conv.bias[order[layer]])
            reader.weight.copy_(reader.weight[:, order[layer]])
    return network


def planted_atlas() -> Atlas:
    order = _orders(original.ConstructedCurves())
    new_index = {layer: {int(old): new for new, old in enumerate(o)} for layer, o in order.items()}
    families = {}
    for name, family in original.planted_atlas().families.items():
        moved = new_index.get(family.layer, {})
        units = [moved.get(u, u) for u in family.units]
        orientations = {moved.get(u, u): angle for u, angle in family.preferred_orientation.items()}
        families[name] = Family(family.layer, units, family.provenance, orientations, family.description)
    return Atlas(NAME, families)


def load(pretrained: bool = True) -> Model:
    model = original.load()
    network = _permuted(model.module.network)
    layers = {name: Layer(name, getattr(network, name), getattr(network, f"{name}_act"))
              for name in ("edges", "curves", "shapes")}
    return Model(name=NAME, module=ImageModel(network, model.preprocessing), preprocessing=model.preprocessing,
                 layers=layers, labels=[], weights="hand-set by construction (probes/constructed/twin.py)")


PLANTED[NAME] = planted_atlas()
register(ZooEntry(name=NAME, summary="positive control of universality: constructed_curves with its units in "
                                     "another order", load=load, weights_status=lambda: "hand-set (no file)"))
