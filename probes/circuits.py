"""Circuits: reading how a layer's units are built from an earlier layer's, and editing that wiring.

`expanded_weights` is the effective linear map between two layers ("expanded weights" in the Circuits
articles): the network between them with its nonlinearities replaced by the identity, so what remains
(convolutions, batch norm in eval mode, skips, pooling) is affine and its Jacobian is the weight. For two
directly connected layers it equals the convolution kernel.

`ablated` and `edited_weights` change a model temporarily and always restore it, even on error.
"""
from __future__ import annotations

import contextlib
from typing import Iterable, Iterator

import torch
from torch import Tensor, nn

from probes.capture import _StopForward, layer_shapes, recording
from probes.linearise import linearised
from probes.models.zoo import Model
from probes.receptive_field import receptive_field


def expanded_weights(model: Model, source: str, target: str, units: Iterable[int], *,
                     size: int | None = None) -> Tensor:
    """Expanded weights from every unit and position of `source` into the centre position of each
    `target` unit: a tensor (len(units), C_source, H_source, W_source).

    `source` is read post-activation and `target` pre-activation, as the paper's weights connect them.
    """
    units = list(units)
    size = size or model.input_size
    image = torch.zeros(1, 3, size, size, device=model.device)
    source_layer, target_layer = model.layer(source), model.layer(target)
    source_module = source_layer.activation or source_layer.module
    handle = None
    held: dict[str, Tensor] = {}

    def substitute(module, inputs, output):
        # Replace the source activation by a leaf we can differentiate against; the linearised
        # network makes the result independent of its value.
        leaf = torch.zeros_like(output).requires_grad_(True)
        held["source"] = leaf
        return leaf

    rows = []
    with torch.enable_grad(), linearised(model):
        handle = source_module.register_forward_hook(substitute)
        try:
            with recording(model, [target], pre_activation=target_layer.activation is not None) as store:
                try:
                    model.module(image)
                except _StopForward:
                    pass
                activation = store[target]
                height, width = activation.shape[-2:]
                for unit in units:
                    (gradient,) = torch.autograd.grad(activation[0, unit, height // 2, width // 2], held["source"],
                                                      retain_graph=True)
                    rows.append(gradient[0].detach().cpu())
        finally:
            handle.remove()
    return torch.stack(rows)


@contextlib.contextmanager
def ablated(model: Model, layer: str, units: Iterable[int]) -> Iterator[None]:
    """Within the block, the given units of `layer` output zero (post-activation)."""
    units = torch.as_tensor(list(units), dtype=torch.long)
    spec = model.layer(layer)
    module = spec.activation or spec.module

    def zero(module, inputs, output):
        output = output.clone()
        output[:, units.to(output.device)] = 0
        return output

    handle = module.register_forward_hook(zero)
    try:
        yield
    finally:
        handle.remove()


@contextlib.contextmanager
def edited_weights(parameter: nn.Parameter, edit) -> Iterator[Tensor]:
    """Within the block, `parameter` holds `edit(original)`; the original is restored afterwards."""
    original = parameter.detach().clone()
    try:
        with torch.no_grad():
            parameter.copy_(edit(original.clone()))
        yield parameter
    finally:
        with torch.no_grad():
            parameter.copy_(original)


def family_readers(weights: Tensor, family: Iterable[int], *, most: int = 5, at_least: float = 0.5) -> list[int]:
    """The units of a later layer that read a family most strongly, from expanded weights (readers, C, H, W).

    Ranked by their total positive weight from the family's units (how much of the family they read, not which
    share of their input it is: a unit that barely reads anything can have all of its tiny input from the
    family), and kept while that is at least `at_least` of the strongest reader's, at most `most`: a few
    strong, genuine readers are not outvoted by weak ones."""
    inflow = weights.clamp(min=0).sum((-2, -1))[:, list(family)].sum(1)
    order = inflow.argsort(descending=True)[:most]
    strongest = float(inflow[order[0]])
    return [int(u) for u in order if strongest > 0 and float(inflow[u]) >= at_least * strongest]


def upstream_layer(model: Model, layer: str) -> str:
    """The last layer before `layer` whose units see less of the input: the layer it is built from (a layer
    with the same field, such as a linear projection, is skipped)."""
    names = list(model.layers)
    size = receptive_field(model, layer).size
    for name in reversed(names[:names.index(layer)]):
        if receptive_field(model, name).size < size:
            return name
    raise LookupError(f"no layer before {layer} with a smaller receptive field")


def downstream_layer(model: Model, layer: str) -> str:
    """The first later layer at twice `layer`'s stride, with its own activation and a different width: where
    the units that read `layer`'s features as parts of larger ones live."""
    names = list(model.layers)
    stride = receptive_field(model, layer).stride
    shapes = layer_shapes(model)
    for name in names[names.index(layer) + 1:]:
        if (len(shapes[name]) == 3 and model.layers[name].activation is not None
                and shapes[name][0] != shapes[layer][0] and receptive_field(model, name).stride >= 2 * stride):
            return name
    raise LookupError(f"no downstream layer after {layer}")
