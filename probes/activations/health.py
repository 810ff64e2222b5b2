"""Is a network alive? Activation scale, dead channels and saturation, layer by layer.

A null twin is the opponent every claim must beat. If its units are dead (never above zero) or saturated
(pinned at the activation's clamp), every claim is refuted on it automatically: it is a broken opponent, not a
fair one, and "refuted on the null" then says nothing about the claim (Adebayo et al. 2018, "Sanity checks for
saliency maps", on randomised models as controls). `layer_health` measures a network on photographs and
`compare` says where a null twin's layers are off from the trained network's.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import Tensor, nn

from probes.activations.capture import capture
from probes.records.timing import timed
from probes.zoo import Model

BATCH = 16  # photographs per capture: all layers of one batch are held at once


@dataclass(frozen=True)
class Health:
    """std: of pre-activations, over all positions, channels and photographs; post_std: the same after the
    activation; dead: fraction of channels never above zero on the photographs; saturated: fraction of
    post-activation values at the activation's upper clamp (0 for activations without one)."""

    std: float
    post_std: float
    dead: float
    saturated: float

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


def upper_clamp(activation: nn.Module | None) -> float | None:
    """The value an activation saturates at, if any (ReLU6 is a Hardtanh with max_val 6)."""
    return float(activation.max_val) if isinstance(activation, nn.Hardtanh) else None


class _Moments:
    """Running sums of one layer's activations, so photographs can go through in batches."""

    def __init__(self):
        self.count = self.pre_sum = self.pre_squares = self.post_sum = self.post_squares = self.at_clamp = 0.0
        self.peak: Tensor | None = None  # per-channel maximum of the post-activation

    def add(self, pre: Tensor, post: Tensor, clamp: float | None) -> None:
        self.count += pre.numel()
        self.pre_sum += pre.sum(dtype=torch.float64).item()  # float64 sums: millions of values per batch
        self.pre_squares += pre.square().sum(dtype=torch.float64).item()
        self.post_sum += post.sum(dtype=torch.float64).item()
        self.post_squares += post.square().sum(dtype=torch.float64).item()
        if clamp is not None:
            self.at_clamp += (post >= clamp).sum().item()
        peak = post.amax(dim=[d for d in range(post.dim()) if d != 1])  # channels: dim 1 of (N, C, ...)
        self.peak = peak if self.peak is None else torch.maximum(self.peak, peak)

    def health(self) -> Health:
        def std(total, squares):
            return max(squares / self.count - (total / self.count) ** 2, 0.0) ** 0.5

        return Health(std=std(self.pre_sum, self.pre_squares), post_std=std(self.post_sum, self.post_squares),
                      dead=(self.peak <= 0).double().mean().item(), saturated=self.at_clamp / self.count)


@timed("health")
def layer_health(model: Model, images: Tensor, layers) -> dict[str, Health]:
    """`Health` of each of `layers` on `images` (N, 3, H, W) in [0, 1]. A layer without a separate activation
    module has post = pre."""
    layers = [layers] if isinstance(layers, str) else list(layers)
    moments = {name: _Moments() for name in layers}
    for start in range(0, len(images), BATCH):
        pre = capture(model, images[start:start + BATCH], layers, pre_activation=True, batch_size=BATCH)
        for name in layers:
            activation = model.layer(name).activation
            with torch.inference_mode():
                post = pre[name] if activation is None else activation(pre[name])
            moments[name].add(pre[name], post, upper_clamp(activation))
    return {name: moment.health() for name, moment in moments.items()}


def compare(trained: dict[str, Health], null: dict[str, Health], factor: float = 2.0) -> list[str]:
    """One warning per layer where the null's pre-activation std is more than `factor`× off the trained one (either
    way), or its share of dead channels or of saturated values exceeds the trained one's by more than 0.25."""
    warnings = []
    for name, ours in trained.items():
        theirs = null.get(name)
        if theirs is None:
            continue
        if ours.std == 0 and theirs.std == 0:
            ratio = 1.0
        else:
            ratio = theirs.std / ours.std if ours.std > 0 else float("inf")
        if not 1 / factor <= ratio <= factor:
            warnings.append(f"{name}: null pre-activation std {theirs.std:.3g} is {ratio:.2g}× the trained "
                            f"{ours.std:.3g} (allowed {1 / factor:.2g}–{factor:.2g}×)")
        if theirs.dead > ours.dead + 0.25:
            warnings.append(f"{name}: {theirs.dead:.0%} of the null's channels are dead (trained {ours.dead:.0%})")
        if theirs.saturated > ours.saturated + 0.25:
            warnings.append(f"{name}: {theirs.saturated:.0%} of the null's values are saturated "
                            f"(trained {ours.saturated:.0%})")
    return warnings
