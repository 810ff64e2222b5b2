"""Running a network with its elementwise nonlinearities switched off: what is left between two layers
(convolutions, batch norm in eval mode, skips, pooling) is affine, so gradients through it are weights
("expanded weights"), and every input pixel a unit is wired to reaches it, firing or not (receptive fields).
"""
from __future__ import annotations

import contextlib
from typing import Iterator

from torch import nn

from probes.zoo import Model

NONLINEARITIES = (nn.ReLU, nn.ReLU6, nn.GELU, nn.SiLU, nn.Hardswish, nn.Sigmoid, nn.Tanh, nn.LeakyReLU, nn.ELU)


@contextlib.contextmanager
def linearised(model: Model) -> Iterator[None]:
    """Within the block, every elementwise nonlinearity module of the model acts as the identity."""
    originals = {}
    for module in model.module.modules():
        if isinstance(module, NONLINEARITIES):
            originals[module] = module.forward
            module.forward = lambda x: x
    try:
        yield
    finally:
        for module, forward in originals.items():
            module.forward = forward
