"""The zoo, read in one place: every built-in model and constructed network, by name.

Each model module registers its entries when imported (probes.zoo.register); this module imports them all,
the trained models' modules by name and every module of probes/constructed (positive controls and near misses,
each with its planted atlas) whatever its file is called, so the listing is the same whichever module a caller
imported first. Nothing in the zoo imports this module back.

    from probes.models import load_model
    model = load_model("efficientnet_lite0")      # or "inceptionv1", "constructed_curves", "pkg.mod:factory"
"""
from __future__ import annotations

import importlib
import pkgutil

import torch

from probes.addressing import UnknownNameError
import probes.constructed
from probes.models import efficientnet_lite, inception_v3_tf, inceptionv1, torchvision_zoo  # noqa: F401
from probes.records.atlas import Atlas
from probes.zoo import Model, ZooEntry, freeze, registered

for _module in pkgutil.iter_modules(probes.constructed.__path__):
    importlib.import_module(f"probes.constructed.{_module.name}")


def entries() -> dict[str, ZooEntry]:
    """Every model by name: the trained ones in registration order, then the constructed controls by name."""
    return dict(sorted(registered().items(), key=lambda item: (item[1].planted is not None,
                                                               item[0] if item[1].planted is not None else "")))


def get_entry(name: str) -> ZooEntry:
    known = entries()
    if name in known:
        return known[name]
    raise UnknownNameError("model", name, list(known) + ["package.module:factory"])


def planted_atlas(name: str) -> Atlas | None:
    """The ground-truth atlas of a constructed network, or None for any other model."""
    entry = entries().get(name)
    return entry.planted if entry else None


def load_model(name: str, *, pretrained: bool = True, device: str | torch.device = "cpu") -> Model:
    """Load a zoo model by name, or a user's model given as ``package.module:factory``."""
    if ":" in name:
        from probes.models.user import load_user_model

        model = load_user_model(name)
    else:
        model = get_entry(name).load(pretrained=pretrained)
    freeze(model.module)
    # Depthwise and grouped convolutions run ~1.5x faster on the CPU in channels_last.
    model.module.to(memory_format=torch.channels_last)
    return model.to(device)
