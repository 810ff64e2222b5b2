"""Activation capture: run images through a model and keep the activations of named layers.

The forward pass stops as soon as every requested layer has produced its activation, so asking for
an early layer costs only the network up to that layer. Hooks live in a context manager and are
removed even when the forward pass fails.
"""
from __future__ import annotations

import contextlib
from typing import Iterable, Iterator

import torch
from torch import Tensor

from probes.zoo import Layer, Model


class _StopForward(Exception):
    """Raised from a hook once the deepest requested layer has fired; never escapes this module."""


def _hooked_tensor(layer: Layer, pre_activation: bool) -> tuple[torch.nn.Module, str]:
    """Which module to hook, and whether its input or output is the activation."""
    if layer.activation is None:
        return layer.module, "output"
    return layer.activation, "input" if pre_activation else "output"


@contextlib.contextmanager
def recording(model: Model, layers: Iterable[str], *, pre_activation: bool = False,
              stop_early: bool = True, center: bool = False) -> Iterator[dict[str, Tensor]]:
    """Within the block, each forward pass of `model.module` fills the yielded dict {layer: activation}.

    With stop_early, the forward pass raises an internal signal after the last requested layer;
    `run` swallows it. Activations keep their autograd graph (feature visualization needs it).
    """
    names = list(dict.fromkeys(layers))
    if not names:
        raise ValueError("capture needs at least one layer name")
    resolved = {name: _hooked_tensor(model.layer(name), pre_activation) for name in names}
    store: dict[str, Tensor] = {}
    handles = []

    def make_hook(name: str, which: str):
        def hook(module, inputs, output):
            value = inputs[0] if which == "input" else output
            if center:
                value = value[..., value.shape[-2] // 2, value.shape[-1] // 2] if value.dim() == 4 else value
            store[name] = value
            if stop_early and len(store) == len(names):
                raise _StopForward
        return hook

    try:
        for name, (module, which) in resolved.items():
            handles.append(module.register_forward_hook(make_hook(name, which)))
        yield store
    finally:
        for handle in handles:
            handle.remove()


def run(model: Model, images: Tensor) -> None:
    """A forward pass that may be cut short by `recording`'s stop signal."""
    try:
        model.module(images)
    except _StopForward:
        pass


def capture(model: Model, images: Tensor, layers: str | Iterable[str], *, pre_activation: bool = False,
            center: bool = False, batch_size: int = 32, grad: bool = False,
            progress: bool = False) -> dict[str, Tensor]:
    """Activations of `layers` for `images` (N, 3, H, W) in [0, 1].

    Returns {layer: (N, C, H', W')}, or (N, C) with center=True (the centre position, where a stimulus
    rendered at the receptive-field size sits). Large image sets go through in batches of
    `batch_size`, and results are gathered on the CPU, so memory holds one batch of the network at a time.
    Without grad, each layer's result is allocated once and filled batch by batch: gathering the batches and
    concatenating them would hold every activation twice at the end (750 MB more for 1000 photographs at
    lite0's `blocks.5.expand`).
    """
    names = [layers] if isinstance(layers, str) else list(layers)
    batches: dict[str, list[Tensor]] = {name: [] for name in names}  # with grad: kept whole, graph and all
    gathered: dict[str, Tensor] = {}
    grad_mode = torch.enable_grad() if grad else torch.inference_mode()
    with grad_mode:
        for start, store in passes(model, images, names, pre_activation=pre_activation, center=center,
                                   batch_size=batch_size, progress=progress):
            for name in names:
                value = store[name]
                if grad:
                    batches[name].append(value)
                    continue
                if name not in gathered:
                    gathered[name] = _empty_like_batches(value, len(images))
                gathered[name][start:start + len(value)] = value.detach()
    return {name: torch.cat(parts) for name, parts in batches.items()} if grad else gathered


def passes(model: Model, images: Tensor, layers: Iterable[str], *, pre_activation: bool = False,
           center: bool = False, batch_size: int = 32, progress: bool = False) -> Iterator[tuple[int, dict]]:
    """For each batch of `images`, (its first position, {layer: activation}) as the forward pass left them: for a
    reduction over the whole set (a percentile, each photograph's peak) that keeps a little of each batch, so no
    batch is copied. The same dict is refilled for the next batch; `capture` gathers every batch."""
    names = list(dict.fromkeys(layers))
    starts = range(0, len(images), batch_size)
    if progress:
        from tqdm.auto import tqdm
        starts = tqdm(starts, desc=f"capture {model.id}", unit="batch", leave=False)
    with recording(model, names, pre_activation=pre_activation, center=center) as store:
        for start in starts:
            store.clear()
            run(model, images[start:start + batch_size].to(model.device, memory_format=torch.channels_last))
            yield start, store


def _empty_like_batches(batch: Tensor, total: int) -> Tensor:
    """A float32 CPU tensor for `total` rows shaped like `batch`'s, in its memory layout (channels-last maps stay
    channels-last, as concatenating them would keep them)."""
    layout = (torch.channels_last if batch.dim() == 4 and batch.is_contiguous(memory_format=torch.channels_last)
              and not batch.is_contiguous() else torch.contiguous_format)
    return torch.empty((total, *batch.shape[1:]), dtype=torch.float32, memory_format=layout)


def layer_shapes(model: Model, size: int | None = None) -> dict[str, tuple[int, ...]]:
    """Output shape (C, H, W) of every layer for one input of the model's size (or `size`)."""
    size = size or model.input_size
    probe = torch.zeros(1, 3, size, size, device=model.device)
    with torch.inference_mode(), recording(model, model.layers, stop_early=False) as store:
        model.module(probe)
    return {name: tuple(store[name].shape[1:]) for name in model.layers}
