"""A researcher's own network: ``--model package.module:factory``.

The factory returns an `nn.Module`, or ``(module, spec)`` where spec is a `UserModelSpec` or a dict with
the same fields. Default: RGB in [0, 1] at 224 px, every convolution and linear layer addressable by its
module path.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, fields

from torch import nn

from probes.addressing import UnknownNameError
from probes.zoo import ImageModel, Layer, Model, Preprocessing


@dataclass(frozen=True)
class UserModelSpec:
    input_size: int = 224
    mean: tuple[float, float, float] = (0.0, 0.0, 0.0)
    std: tuple[float, float, float] = (1.0, 1.0, 1.0)
    value_range: tuple[float, float] | None = None  # (lo, hi): the network expects x * (hi - lo) + lo
    layers: tuple[str, ...] | None = None
    labels: tuple[str, ...] | None = None


def expose_layers(network: nn.Module, include=None) -> dict[str, Layer]:
    """Addressable layers: the named modules in `include`, else every conv and linear layer, each with the
    elementwise activation module that directly follows it in its parent, when there is one."""
    named = dict(network.named_modules())
    if include:
        missing = [name for name in include if name not in named]
        if missing:
            raise UnknownNameError("module path", missing[0], [n for n in named if n])
        return {name: Layer(name, named[name]) for name in include}
    layers = {}
    for parent_name, parent in network.named_modules():
        children = list(parent.named_children())
        for index, (child_name, child) in enumerate(children):
            if isinstance(child, (nn.Conv2d, nn.Linear)):
                path = f"{parent_name}.{child_name}" if parent_name else child_name
                following = children[index + 1][1] if index + 1 < len(children) else None
                activation = following if isinstance(following, (nn.ReLU, nn.ReLU6, nn.GELU, nn.SiLU)) else None
                layers[path] = Layer(path, child, activation)
    return layers


def find_factory(target: str):
    """The factory of ``package.module:factory``, imported but not called: an UnknownNameError names what exists."""
    module_name, _, factory_name = target.partition(":")
    if not module_name or not factory_name:
        raise UnknownNameError("model", target, ["package.module:factory"])
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise UnknownNameError("model", target, [f"(could not import {module_name!r}: {error}; is its folder on "
                                                 "sys.path / PYTHONPATH?)"]) from None
    factory = getattr(module, factory_name, None)
    if not callable(factory):
        callables = [n for n, v in vars(module).items() if callable(v) and not n.startswith("_")]
        raise UnknownNameError(f"factory in {module_name}", factory_name, callables)
    return factory


def load_user_model(target: str) -> Model:
    built = find_factory(target)()
    network, spec = built if isinstance(built, tuple) else (built, UserModelSpec())
    if isinstance(spec, dict):
        unknown = set(spec) - {f.name for f in fields(UserModelSpec)}
        if unknown:
            raise ValueError(f"{target}: unknown spec field(s) {sorted(unknown)}")
        spec = UserModelSpec(**spec)
    if not isinstance(network, nn.Module):
        raise TypeError(f"{target} returned {type(network).__name__}, expected a torch.nn.Module or (module, spec)")
    mean, std = spec.mean, spec.std
    if spec.value_range is not None:  # x * (hi - lo) + lo  ==  (x - mean) / std
        low, high = spec.value_range
        std = (1.0 / (high - low),) * 3
        mean = (-low / (high - low),) * 3
    preprocessing = Preprocessing(size=spec.input_size, resize=spec.input_size, mean=tuple(mean), std=tuple(std))
    labels = list(spec.labels) if spec.labels else []
    return Model(name=target, module=ImageModel(network, preprocessing), preprocessing=preprocessing,
                 layers=expose_layers(network, spec.layers), labels=labels, weights=f"user model ({target})")
