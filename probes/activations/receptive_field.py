"""Receptive fields: how much of the input a layer's unit sees, and at what stride units tile it.

Measured, not derived from a table, so it works for any architecture (including a user's own): the
gradient of a centre unit with respect to the input is non-zero exactly on the pixels it can see.
ReLUs and max-pools can hide a pixel for one input, so the support is the union over a few random inputs,
and the unit is read before its own activation. A thresholded unit can still be silent, and blind to every
pixel, for all random inputs; then the network is probed once more with every nonlinearity linearised
(connectivity is what the field is about, not firing).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from probes.activations.capture import recording, run
from probes.activations.store import network_key, source_digest, stored
from probes.circuits.linearise import linearised
from probes.records.timing import network_of, timed
from probes.zoo import Model


@dataclass(frozen=True)
class ReceptiveField:
    """size: side in input pixels seen by one unit (clipped to `probe` when the true field is larger);
    stride: input pixels between neighbouring units; canvas: the stimulus canvas side (>= size) on which
    the centre unit (index H//2, W//2) is centred to within half a pixel."""

    layer: str
    size: int
    stride: int
    canvas: int
    clipped: bool


def _sensitivity(model: Model, layer: str, side: int, trials: int = 3) -> tuple[torch.Tensor, tuple[int, int]]:
    """(side, side) map of how strongly each input pixel reaches the centre unit (zero = not at all),
    summed over a few random inputs, and the layer's spatial shape."""
    generator = torch.Generator().manual_seed(0)
    seen = torch.zeros(side, side)
    for _ in range(trials):
        image = torch.rand(1, 3, side, side, generator=generator).to(model.device).requires_grad_(True)
        pre_activation = model.layer(layer).activation is not None
        with torch.enable_grad(), recording(model, [layer], pre_activation=pre_activation) as store:
            run(model, image)
            activation = store[layer]
            if activation.dim() != 4:
                raise ValueError(f"layer {layer!r} has no spatial extent (shape {tuple(activation.shape)})")
            height, width = activation.shape[-2:]
            # a random mix of the channels: a plain sum cancels units that are each other's negative
            mix = torch.rand(activation.shape[1], generator=generator).to(activation.device) + 0.5
            (activation[0, :, height // 2, width // 2] * mix).sum().backward()
        seen += image.grad[0].abs().sum(0).cpu()
    return seen, (height, width)


def _extent(mask: torch.Tensor) -> int:
    rows = torch.nonzero(mask.any(1)).flatten()
    cols = torch.nonzero(mask.any(0)).flatten()
    return int(max(rows[-1] - rows[0], cols[-1] - cols[0]).item()) + 1


def _centre_offset(weights: torch.Tensor) -> float:
    """Distance in pixels between the sensitivity-weighted centroid and the canvas centre (worst axis)."""
    side = weights.shape[-1]
    coords = torch.arange(side, dtype=torch.float32)
    total = weights.sum()
    row = (weights.sum(1) * coords).sum() / total
    col = (weights.sum(0) * coords).sum() / total
    return float(max(abs(row - (side - 1) / 2), abs(col - (side - 1) / 2)))


def _support(model: Model, layer: str, side: int, trials: int = 3) -> tuple[torch.Tensor, tuple[int, int]]:
    """`_sensitivity`, falling back to the linearised network when the unit sees nothing."""
    weights, shape = _sensitivity(model, layer, side, trials)
    if not (weights > 0).any():
        with linearised(model):
            weights, shape = _sensitivity(model, layer, side, trials)
    if not (weights > 0).any():
        raise ValueError(f"cannot measure the receptive field of {layer!r} in {model.name}: its centre unit does not "
                         "depend on the input at all, even with every nonlinearity linearised (a constant layer, "
                         "or a nonlinearity called as a function that cannot be linearised)")
    return weights, shape


@timed("receptive fields")
def _measure(model: Model, layer: str) -> ReceptiveField:
    probe = 2 * model.input_size
    weights, (height, _) = _support(model, layer, probe)
    mask = weights > 0
    clipped = bool(mask[0].any() or mask[-1].any() or mask[:, 0].any() or mask[:, -1].any())
    size = _extent(mask)
    stride = max(1, round(probe / height))
    if clipped:  # the field is wider than the probe (a late or global layer): there is no canvas to centre it on
        return ReceptiveField(layer, size, stride, size, clipped)
    # On a canvas of the field's size the centre unit may sit a few pixels off-centre (padding, stride
    # phase); among the next `stride` sizes one centres it.
    offsets = {canvas: _centre_offset(_support(model, layer, canvas, trials=1)[0])
               for canvas in range(size, size + stride)}
    canvas = min(offsets, key=offsets.get)
    return ReceptiveField(layer, size, stride, canvas, clipped)


def receptive_field(model: Model, layer: str) -> ReceptiveField:
    """The receptive field of `layer`'s units on the input, cached on the model."""
    model.layer(layer)  # an unknown layer fails here, with the names that exist
    cache = model.extra.setdefault("receptive_fields", {})
    if layer not in cache:
        cache[layer] = stored("receptive fields", (network_key(model), layer, source_digest(__name__)),
                              lambda: _measure(model, layer), network=network_of(model))
    return cache[layer]
