"""Null models: the same architecture with its learned structure destroyed, for controls.

A claim about what training produced must fail on a twin whose weights carry no learned structure. But the
twin must be a live network, or every claim fails on it for free: a twin whose units are all dead or pinned
at the clamp is a broken opponent, not a fair one (Adebayo et al. 2018, "Sanity checks for saliency maps").
So the twin keeps the trained network's activation scale and loses only its learned weights.

Two kinds, each deterministic for a seed:

- "init": the network as it was before training. Convolutions get He-normal weights (fan_out per group, as
  TensorFlow's EfficientNet initialiser), linear layers uniform in ±1/sqrt(fan_out), biases zero.
- "shuffle": each convolution and linear weight and bias tensor has its values permuted.

In both, each batch norm keeps its trained (γ, β) pairs, permuted over the channels of that layer, so every
layer keeps its trained scale and share of silent channels; its running statistics are then re-estimated on
photographs, since the trained ones describe activations the twin no longer produces. A network without batch
norms gets the same treatment by hand ("init" only: "shuffle" already keeps each tensor's scale): each
convolution and linear layer is rescaled so its output has the trained layer's std on the photographs. Both run
on one thread, so that a twin is the same network whatever the thread count (a serial run, an xdist worker).
"""
from __future__ import annotations

import contextlib
import copy
import math

import torch
from torch import Tensor, nn
from torch.nn.modules.batchnorm import _BatchNorm

from probes.records.timing import timed
from probes.zoo import Model

KINDS = ("init", "shuffle")
BATCH = 16  # photographs per forward pass while re-estimating batch-norm statistics
RESCALE_IMAGES = 64  # photographs in the one pass that rescales a network without batch norms


@timed("null twins")
def null_twin(model: Model, kind: str = "init", seed: int = 0, images: Tensor | None = None) -> Model:
    """A copy of `model` with its learned structure destroyed (see the module docstring); `model` is untouched.

    images: photographs (N, 3, H, W) in [0, 1] (or an `ImageSet`); required when the network has batch norms,
    whose statistics are re-estimated on them; for a network without, they set each layer's scale.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown null model {kind!r}; choose one of {', '.join(KINDS)}")
    images = getattr(images, "images", images)  # an ImageSet works as well as its tensor
    norms = [m for m in model.module.modules() if isinstance(m, _BatchNorm) and m.track_running_stats]
    if norms and images is None:
        raise ValueError(f"null_twin({model.name}): the network has batch norms, whose statistics are re-estimated "
                         "on photographs; pass images=(N, 3, H, W) tensor in [0, 1]")
    twin = copy.deepcopy(model)  # one deepcopy keeps Layer references pointing into the copied network
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad(), _one_thread():
        for module in twin.module.modules():
            _redraw(module, kind, generator)
        if norms:
            _recalibrate(twin.module, images)
        elif kind == "init" and images is not None:
            _match_scale(twin.module, model.module, images[:RESCALE_IMAGES])
    twin.null = kind
    twin.weights = f"null twin ({kind}, seed {seed}) of {model.weights}"
    twin.extra = {"null_seed": seed}
    return twin


@contextlib.contextmanager
def _one_thread():
    """Float sums are ordered by the thread count; the statistics a twin keeps must not depend on it."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def _permuted(values: Tensor, generator: torch.Generator) -> Tensor:
    flat = values.flatten()
    return flat[torch.randperm(flat.numel(), generator=generator)].view_as(values)


def _redraw(module: nn.Module, kind: str, generator: torch.Generator) -> None:
    """Destroy the learned values of the parameters `module` owns directly (not its children's)."""
    own = dict(module.named_parameters(recurse=False))
    if not own:
        return
    if isinstance(module, (nn.Conv2d, nn.Linear)) and kind == "init":
        if isinstance(module, nn.Conv2d):
            # He-normal over fan_out counted per group, as TensorFlow does: a depthwise 5x5 filter has fan_out
            # 25. (torch's kaiming_normal_ ignores groups and would draw depthwise filters ~30x too small, their
            # outputs then vanishing under the batch norm's eps and killing a third of late channels.)
            fan_out = module.out_channels // module.groups * math.prod(module.kernel_size)
            drawn = torch.randn(module.weight.shape, generator=generator) * math.sqrt(2.0 / fan_out)
        else:
            drawn = (torch.rand(module.weight.shape, generator=generator) * 2 - 1) / math.sqrt(module.out_features)
        module.weight.copy_(drawn)  # drawn on the CPU, where the generator lives, whatever the model's device
        if module.bias is not None:
            module.bias.zero_()
    elif isinstance(module, _BatchNorm) and module.affine:
        # One permutation for γ and β: each channel keeps a trained (scale, shift) pair, so the layer keeps
        # its trained spread of scales and of channels that the shift holds below zero.
        order = torch.randperm(module.num_features, generator=generator)
        module.weight.copy_(module.weight[order])
        module.bias.copy_(module.bias[order])
    else:  # "shuffle", and any parameter of a kind we have no initialiser for: same values, no structure
        for parameter in own.values():
            parameter.copy_(_permuted(parameter, generator))


def _recalibrate(network: nn.Module, images: Tensor) -> None:
    """Re-estimate every batch norm's running mean and variance as the average over batches of photographs."""
    norms = [m for m in network.modules() if isinstance(m, _BatchNorm) and m.track_running_stats]
    saved = [(norm.momentum, norm.training) for norm in norms]
    for norm in norms:  # only the norms train: dropout and the like stay as in evaluation
        norm.reset_running_stats()
        norm.momentum = None  # cumulative average, so every batch counts the same
        norm.train()
    try:
        device = next(network.parameters()).device
        for start in range(0, len(images), BATCH):
            network(images[start:start + BATCH].to(device, memory_format=torch.channels_last))
    finally:
        for norm, (momentum, training) in zip(norms, saved):
            norm.momentum = momentum
            norm.train(training)


def _layers(network: nn.Module) -> dict[str, nn.Module]:
    return {name: m for name, m in network.named_modules() if isinstance(m, (nn.Conv2d, nn.Linear))}


def _run_with_hooks(network: nn.Module, images: Tensor, hook) -> None:
    """One forward pass with `hook(module, inputs, output, name)` on every convolution and linear layer; the
    hooks are removed even when the pass raises."""
    handles = [module.register_forward_hook(lambda m, i, o, name=name: hook(m, i, o, name))
               for name, module in _layers(network).items()]
    try:
        network(images)
    finally:
        for handle in handles:
            handle.remove()


def _match_scale(twin: nn.Module, trained: nn.Module, images: Tensor) -> None:
    """Rescale each convolution and linear layer of `twin` so its output std matches `trained`'s.

    One forward pass with all photographs in one batch: a hook rescales each layer as the pass reaches it and
    passes the rescaled output on, so every later layer is measured on the input it will really get.
    """
    device = next(trained.parameters()).device
    images = images.to(device)
    target: dict[str, float] = {}

    def measure(module, inputs, output, name):
        target.setdefault(name, output.std().item())

    _run_with_hooks(trained, images, measure)

    def rescale(module, inputs, output, name):
        if name in done:  # a module called twice (shared weights) is rescaled on its first call only
            return None
        done.add(name)
        std = output.std().item()
        if std == 0 or not target.get(name):
            return None
        scale = target[name] / std
        module.weight.mul_(scale)
        if module.bias is not None:
            module.bias.mul_(scale)
        return output * scale

    done: set[str] = set()
    _run_with_hooks(twin, images, rescale)
