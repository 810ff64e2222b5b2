"""Circuits: reading how a layer's units are built from an earlier layer's, and editing that wiring.

`expanded_weights` is the effective linear map between two layers ("expanded weights" in the Circuits
articles): the network between them with its nonlinearities replaced by the identity, so what remains
(convolutions, batch norm in eval mode, skips, pooling) is affine and its Jacobian is the weight. For two
directly connected layers it equals the convolution kernel.

`ablated` and `edited_weights` change a model temporarily and always restore it, even on error.
`shape_readers` chooses a family's readers by what they answer (circles over squares), and `reader_ablations`
measures them with the family and with random units of its layer zeroed.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Iterable, Iterator

import numpy as np
import torch
from torch import Tensor, nn

from probes.activations.capture import _StopForward, layer_shapes, recording
from probes.activations.receptive_field import receptive_field
from probes.circuits.linearise import linearised
from probes.records.timing import timed
from probes.zoo import Model


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


def _reads_single_channels(model: Model, name: str) -> bool:
    """True for a depthwise layer, whose units each filter one channel of the layer below: they pass one feature
    on, they do not combine features into a new one (read from the producing convolution's structure, its
    groups, never its weight values)."""
    from probes.circuits.edits import producing_convolution

    try:
        convolution = producing_convolution(model, name, [0]).convolution
    except LookupError:  # no single convolution computes it (a sum, a pooling): not a depthwise filter
        return False
    return convolution.groups > 1 and convolution.groups == convolution.in_channels


def downstream_layers(model: Model, layer: str, *, most: int = 3) -> list[str]:
    """The first `most` later layers whose units can read `layer`'s units as parts of something larger, whatever
    their stride: a spatial output with its own activation, a larger receptive field than `layer`'s that still
    fits in the input, and units that combine channels (a depthwise layer only filters each channel). The
    readers may sit at `layer`'s stride, at twice it or further; which layer holds them is for the stimuli to
    say (`shape_readers`), not assumed here."""
    names = list(model.layers)
    field = receptive_field(model, layer)
    shapes = layer_shapes(model)
    found = []
    for name in names[names.index(layer) + 1:]:
        if len(shapes[name]) != 3 or model.layers[name].activation is None or _reads_single_channels(model, name):
            continue
        later = receptive_field(model, name)
        if later.size > field.size and later.canvas <= model.input_size:
            found.append(name)
        if len(found) == most:
            break
    if not found:
        raise LookupError(f"no layer after {layer} combines its channels over a larger field")
    return found


@timed("stimulus responses")
def shape_responses(model: Model, layer: str, radius_fractions, *, width_fraction: float, foreground,
                    background) -> tuple[Tensor, Tensor]:
    """Every unit's mean centre response of `layer` to circle and to square outlines (radius or half side the
    given fractions of its receptive field): two tensors (units,), relative to the blank canvas, rectified."""
    from probes.stimuli.sets import outlines
    from probes.measures.tuning import centre_responses

    field = receptive_field(model, layer)
    radii = torch.tensor([float(f) for f in radius_fractions]) * field.size
    widths = torch.full_like(radii, max(1.0, width_fraction * field.size))
    style = dict(foreground=foreground, background=background)
    images = torch.cat([outlines(field.canvas, "circle", radii, widths, **style),
                        outlines(field.canvas, "square", radii, widths, **style)])
    out = torch.from_numpy(centre_responses(model, layer, images, background=background))
    return out[:len(radii)].mean(0), out[len(radii):].mean(0)


def shape_readers(model: Model, layers: Iterable[str], protocol: dict, *, most: int = 16,
                  min_contrast: float = 1 / 9, min_drive: float = 0.25) -> list[tuple[str, int]]:
    """Circle readers chosen by what they answer, never by their weights: across `layers`, the units whose
    (circle - square) / (circle + square) on the `protocol`'s outlines (shape_responses' keywords: the
    DISCOVERY side, never the stimuli that confirm) is at least `min_contrast`,
    among those whose circle response reaches `min_drive` of their layer's strongest (a unit that barely moves
    prefers nothing), the `most` most circle-preferring: [(layer, unit)]."""
    candidates = []
    for layer in layers:
        circle, square = shape_responses(model, layer, **protocol)
        strongest = float(circle.max())
        if strongest <= 0:
            continue
        contrast = (circle - square) / (circle + square).clamp(min=1e-12)
        for unit in torch.nonzero((circle >= min_drive * strongest) & (contrast >= min_contrast)).flatten():
            candidates.append((float(contrast[unit]), layer, int(unit)))
    candidates.sort(key=lambda c: -c[0])
    return [(layer, unit) for _, layer, unit in candidates[:most]]


def reader_shape_responses(model: Model, readers: list[tuple[str, int]], protocol: dict) -> Tensor:
    """(readers, 2): each (layer, unit) reader's mean response to the protocol's circles and to its squares."""
    out = torch.zeros(len(readers), 2)
    for layer in dict.fromkeys(layer for layer, _ in readers):
        circle, square = shape_responses(model, layer, **protocol)
        for k, (at, unit) in enumerate(readers):
            if at == layer:
                out[k] = torch.stack([circle[unit], square[unit]])
    return out


@dataclass(frozen=True)
class ReaderAblations:
    """Readers' mean responses to circles and squares (readers, 2), intact, with the family zeroed, and with each
    of `len(random)` draws of as many random units of the family's layer zeroed."""

    readers: list[tuple[str, int]]
    intact: np.ndarray
    family: np.ndarray
    random: list[np.ndarray]

    @property
    def answering(self) -> np.ndarray:
        """The readers that answer the circles at all (a relative drop needs a response to drop from)."""
        return self.intact[:, 0] > 0

    def relative_circle_drop(self, ablated: np.ndarray) -> float:
        """The answering readers' mean relative circle drop under one ablation: readers of any layer weigh alike."""
        chosen = self.answering
        return float(np.mean(1 - ablated[chosen, 0] / self.intact[chosen, 0]))


@timed("ablations")
def reader_ablations(model: Model, layer: str, family: Iterable[int], readers: list[tuple[str, int]], protocol: dict,
                     *, draws: int = 100, seed: int = 1) -> ReaderAblations:
    """The readers' responses to the `protocol`'s outlines with nothing, the family, and `draws` seeded random
    draws of as many other units of `layer` zeroed: the comparison a family's ablation is judged by."""
    family = list(family)
    channels = layer_shapes(model)[layer][0]
    others = [u for u in range(channels) if u not in family]
    generator = torch.Generator().manual_seed(seed)

    def responses(units) -> np.ndarray:
        with ablated(model, layer, units):
            return reader_shape_responses(model, readers, protocol).numpy()

    intact = reader_shape_responses(model, readers, protocol).numpy()
    family_ablated = responses(family)
    random = [responses([others[i] for i in torch.randperm(len(others), generator=generator)[:len(family)]])
              for _ in range(draws)]
    return ReaderAblations(readers, intact, family_ablated, random)


@contextlib.contextmanager
def without_negative_expanded_weights(model: Model, source: str, target: str, units: Iterable[int],
                                      sources: Iterable[int], size: int) -> Iterator[None]:
    """A context in which the centre units `units` of `target` no longer receive the negative part of their
    expanded weights from `sources` of `source` (the Curve Circuits edit, "remove the negative weights from early
    curves to curves", where the two families connect through several convolutions and no single parameter
    holds the weight). Implemented as a correction added to the units' pre-activation at the centre, for
    stimuli of side `size`: minus the negative expanded weights times the sources' activity."""
    units, sources = list(units), list(sources)
    negative = expanded_weights(model, source, target, units, size=size)[:, sources].clamp(max=0)
    source_spec, target_spec = model.layer(source), model.layer(target)
    activity: dict[str, Tensor] = {}

    def keep_source(module, inputs, output):
        activity["source"] = output[:, sources]

    def correct(module, inputs):
        (pre,) = inputs
        pre = pre.clone()
        centre = (pre.shape[-2] // 2, pre.shape[-1] // 2)
        removed = torch.einsum("ushw,nshw->nu", negative.to(pre.device), activity["source"])
        pre[:, units, centre[0], centre[1]] -= removed
        return (pre,)

    handles = [(source_spec.activation or source_spec.module).register_forward_hook(keep_source),
               target_spec.activation.register_forward_pre_hook(correct)]
    try:
        yield
    finally:
        for handle in handles:
            handle.remove()
