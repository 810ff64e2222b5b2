"""Weight edits as values: say what an edit does, combine edits, apply them in a block that always restores.

"If you understand a circuit, you should be able to predict what will change if you edit the weights" (Zoom In).
An `Edit` names one weight tensor and a function of it; `applied(model, *edits)` changes the live parameters
within a `with` block and puts the originals back afterwards, even when the block raises. Edits act on the
convolution that computes a layer's pre-activation (`producing_convolution`), in the sign convention of the
layer: where a batch norm follows the convolution, its per-channel scale decides whether a weight excites or
inhibits.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

import torch
from torch import Tensor, nn

from probes.activations.capture import recording, run
from probes.zoo import Model


@dataclass(frozen=True)
class Edit:
    description: str
    parameter: nn.Parameter
    change: Callable[[Tensor], Tensor]

    def __str__(self) -> str:
        return self.description


@contextlib.contextmanager
def applied(*edits: Edit) -> Iterator[tuple[Edit, ...]]:
    """Within the block every edit holds, applied in order (two edits of one tensor compose)."""
    originals: dict[int, tuple[nn.Parameter, Tensor]] = {}
    try:
        with torch.no_grad():
            for edit in edits:
                originals.setdefault(id(edit.parameter), (edit.parameter, edit.parameter.detach().clone()))
                edit.parameter.copy_(edit.change(edit.parameter.detach().clone()))
        yield edits
    finally:
        with torch.no_grad():
            for parameter, original in originals.values():
                parameter.copy_(original)


@dataclass(frozen=True)
class Producer:
    """The convolution whose output becomes the given units' pre-activation, which of its output channels each
    unit is (a concatenation, as in InceptionV1's mixed layers, maps units to channels of one branch), and the
    per-channel factor (a following batch norm's scale, else 1) that turns its weights into effective ones."""

    layer: str
    convolution: nn.Conv2d
    channels: list[int]
    scale: Tensor

    def effective(self) -> Tensor:
        """Effective weights (units, C_in, kh, kw) into the units."""
        return self.convolution.weight.detach()[self.channels] * self.scale[self.channels].view(-1, 1, 1, 1)


def producing_convolution(model: Model, layer: str, units: Iterable[int]) -> Producer:
    """Found by running the network once: of the convolutions whose output reaches the units' pre-activation,
    the last to run, and the channel of it that each unit copies."""
    units = list(units)
    spec = model.layer(layer)
    outputs: list[tuple[nn.Conv2d, Tensor]] = []
    handles = [m.register_forward_hook(lambda module, i, out: outputs.append((module, out)))
               for m in model.module.modules() if isinstance(m, nn.Conv2d)]
    try:
        size = model.input_size
        with torch.enable_grad(), recording(model, [layer], pre_activation=spec.activation is not None) as store:
            image = torch.zeros(1, 3, size, size, device=model.device, requires_grad=True)
            run(model, image)
            pre = store[layer]
            centre = (0, slice(None), pre.shape[-2] // 2, pre.shape[-1] // 2)
            channels, convolution = [], None
            for unit in units:
                gradients = torch.autograd.grad(pre[centre][unit], [out for _, out in outputs], retain_graph=True,
                                                allow_unused=True)
                reaching = [(module, g) for (module, _), g in zip(outputs, gradients) if g is not None and g.any()]
                if not reaching:
                    raise LookupError(f"no convolution computes {layer}:{unit} in {model.name}")
                module, gradient = reaching[-1]
                touched = gradient[0].abs().sum((-2, -1)).nonzero().flatten()
                if len(touched) != 1 or (convolution is not None and module is not convolution):
                    raise LookupError(f"{layer}:{unit} of {model.name} is not computed by the same single convolution "
                                      f"as {layer}:{units[0]} (a unit of another branch?); edit them separately")
                convolution = module
                channels.append(int(touched[0]))
    finally:
        for handle in handles:
            handle.remove()
    scale = torch.ones(convolution.out_channels, device=convolution.weight.device)
    if isinstance(spec.module, nn.BatchNorm2d):  # folded at inference: the norm's scale sets the sign
        bn = spec.module
        scale = (bn.weight / torch.sqrt(bn.running_var + bn.eps)).detach()
    return Producer(layer, convolution, channels, scale)


def _zeroing(producer: Producer, masks: Tensor, description: str) -> Edit:
    """Zero the weights into the producer's units where `masks` (units, C_in, kh, kw) is True."""
    rows = producer.channels

    def change(weight: Tensor) -> Tensor:
        weight[rows] = torch.where(masks.to(weight.device), torch.zeros_like(weight[rows]), weight[rows])
        return weight

    return Edit(description, producer.convolution.weight, change)


def remove_negative_inputs(model: Model, layer: str, units: Iterable[int]) -> Edit:
    """Zero every inhibitory (effectively negative) weight into the given units of `layer`."""
    units = list(units)
    producer = producing_convolution(model, layer, units)
    negative = producer.effective() < 0
    return _zeroing(producer, negative, f"remove the {int(negative.sum())} negative weights into {layer} units {units}")


def remove_random_inputs(model: Model, layer: str, units: Iterable[int], counts: Iterable[int],
                         generator: torch.Generator) -> Edit:
    """A control edit of the same size: zero `counts[i]` weights of unit i chosen at random, any sign."""
    units, counts = list(units), list(counts)
    producer = producing_convolution(model, layer, units)
    shape = producer.convolution.weight.shape[1:]
    masks = torch.zeros(len(units), *shape, dtype=torch.bool)
    for row, count in enumerate(counts):
        chosen = torch.randperm(masks[row].numel(), generator=generator)[:count]
        masks[row].view(-1)[chosen] = True
    return _zeroing(producer, masks, f"remove {sum(counts)} random weights into {layer} units {units}")
