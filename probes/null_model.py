"""Null models: the same architecture with its learned structure destroyed, for controls.

A claim about what training produced must fail on a twin whose weights carry no learned structure. Two
kinds: "gaussian" redraws every weight tensor from a normal with that tensor's own mean and std;
"shuffle" permutes each tensor's values. Both keep every layer's weight statistics (so activations stay
in a comparable range) and the batch-norm running statistics. Deterministic for a seed.
"""
from __future__ import annotations

import copy

import torch

from probes.models.zoo import Model

KINDS = ("gaussian", "shuffle")


def null_twin(model: Model, kind: str = "gaussian", seed: int = 0) -> Model:
    if kind not in KINDS:
        raise ValueError(f"unknown null model {kind!r}; choose one of {', '.join(KINDS)}")
    twin = copy.deepcopy(model)  # one deepcopy keeps Layer references pointing into the copied network
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for parameter in twin.module.parameters():
            values = parameter.detach().cpu().flatten()
            if kind == "shuffle" or values.numel() < 2:
                drawn = values[torch.randperm(values.numel(), generator=generator)]
            else:
                drawn = torch.randn(values.numel(), generator=generator) * values.std() + values.mean()
            parameter.copy_(drawn.view_as(parameter).to(parameter.device))
    twin.null = kind
    twin.weights = f"null twin ({kind}, seed {seed}) of {model.weights}"
    twin.extra = {}
    return twin
