"""Reading a family's downstream effect off the weights, before touching the network.

`output_dependence` linearises everything after a layer (every elementwise nonlinearity acts as the identity,
probes/circuits/linearise.py) and asks how much each output unit (a logit, or a final feature map averaged over
positions) changes per unit of a family unit's activity spread over every position. Weighted by how active each
family unit is on some images, that predicts which outputs lose most when the family is ablated: a prediction
made from weights alone, which `ablated` can then test on the real, nonlinear network.
"""
from __future__ import annotations

from typing import Iterable

import torch
from torch import Tensor

from probes.circuits.linearise import linearised
from probes.zoo import Model


def outputs(model: Model, images: Tensor, batch_size: int = 32) -> Tensor:
    """The network's output per image: logits (N, K), or a final map averaged over positions."""
    parts = []
    with torch.inference_mode():
        for start in range(0, len(images), batch_size):
            out = model.module(images[start:start + batch_size].to(model.device))
            parts.append((out.mean((-2, -1)) if out.dim() == 4 else out).float().cpu())
    return torch.cat(parts)


def output_dependence(model: Model, layer: str, units: Iterable[int]) -> Tensor:
    """(outputs, units): change of each output per unit of activity of each family unit at every position, in
    the linearised network after `layer`."""
    units = list(units)
    spec = model.layer(layer)
    module = spec.activation or spec.module
    probe = torch.zeros(len(units) + 1, 3, model.input_size, model.input_size, device=model.device)

    def substitute(module, inputs, output):
        replaced = torch.zeros_like(output)
        for row, unit in enumerate(units):
            replaced[row, unit] = 1.0  # the last row stays all zero: the affine offset
        return replaced

    handle = module.register_forward_hook(substitute)
    try:
        with linearised(model):  # one batch: the hook fills row k with unit k, however many units there are
            out = outputs(model, probe, batch_size=len(probe))
    finally:
        handle.remove()
    return (out[:-1] - out[-1]).T
