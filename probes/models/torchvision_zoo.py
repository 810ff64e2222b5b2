"""torchvision's classic ImageNet models, for universality: weights, preprocessing and class names come from
torchvision's weights API, and the files from its cache (TORCH_HOME); nothing about a model is restated here."""
from __future__ import annotations

import os
from pathlib import Path

import torch
from torch import nn

from probes.models import weights_file
from probes.models.user import expose_layers
from probes.zoo import ImageModel, Layer, Model, Preprocessing, WeightsUnavailable, ZooEntry, register

NAMES = ("googlenet", "alexnet", "vgg16", "resnet50", "inception_v3")


def _weights(name: str):
    import torchvision

    return torchvision.models.get_model_weights(name).DEFAULT


def cached_file(name: str) -> Path:
    return Path(torch.hub.get_dir()) / "checkpoints" / os.path.basename(_weights(name).url)


def block_layers(network: nn.Module) -> dict[str, Layer]:
    """Convolutions with their ReLU where they are modules (AlexNet, VGG); otherwise the named blocks, whose
    outputs are post-activation (GoogLeNet's inception3a, ResNet's layer1.0, Inception-v3's Mixed_5b, ...)."""
    convs = expose_layers(network)
    if all(layer.activation is not None for name, layer in convs.items() if not name.startswith("classifier")):
        return convs
    skip = (nn.MaxPool2d, nn.AdaptiveAvgPool2d, nn.Dropout, nn.Linear, nn.Sequential)
    layers = {}
    for name, child in network.named_children():
        if isinstance(child, nn.Sequential) and name.startswith("layer"):
            layers.update({f"{name}.{i}": Layer(f"{name}.{i}", block) for i, block in enumerate(child)})
        elif not isinstance(child, skip) and not name.startswith("aux"):
            layers[name] = Layer(name, child)
    fc = getattr(network, "fc", None)
    if isinstance(fc, nn.Linear):
        layers["fc"] = Layer("fc", fc)
    return layers


def load(name: str, pretrained: bool = True) -> Model:
    import torchvision

    weights = _weights(name)
    network = torchvision.models.get_model(name, weights=None, num_classes=len(weights.meta["categories"]),
                                           **({"aux_logits": False, "init_weights": False, "transform_input": True}
                                              if name in ("googlenet", "inception_v3") else {}))
    provenance = "random initialisation (architecture only)"
    if pretrained:
        if not cached_file(name).exists() and weights_file.offline():
            raise WeightsUnavailable(f"{name}: {cached_file(name)} is not in torchvision's cache and downloads are "
                                     f"off (ZOOM_IN_OFFLINE/CI); run once online or copy the file there")
        try:
            state_dict = weights.get_state_dict(progress=True, check_hash=True)
        except (OSError, RuntimeError) as error:
            raise WeightsUnavailable(f"{name}: could not fetch {weights.url} ({error})") from None
        state_dict = {k: v for k, v in state_dict.items() if not k.startswith("aux")}
        weights_file.check_state_dict(state_dict, network, source=weights.url)
        network.load_state_dict(state_dict)
        provenance = f"pretrained {weights} (torchvision)"
    transform = weights.transforms()
    preprocessing = Preprocessing(size=transform.crop_size[0], resize=transform.resize_size[0],
                                  mean=tuple(transform.mean), std=tuple(transform.std))
    return Model(name=name, module=ImageModel(network, preprocessing), preprocessing=preprocessing,
                 layers=block_layers(network), labels=list(weights.meta["categories"]), weights=provenance)


def weights_status(name: str) -> str:
    path = cached_file(name)
    return f"available ({path})" if path.exists() else f"missing: not in torchvision's cache ({path.parent})"


for _name in NAMES:
    register(ZooEntry(name=_name, summary=f"torchvision {_name}, ImageNet weights via torchvision's weights API",
                      load=lambda pretrained=True, _name=_name: load(_name, pretrained),
                      weights_status=lambda _name=_name: weights_status(_name)))
