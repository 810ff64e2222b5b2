"""InceptionV1 as studied by the Circuits articles: Lucid's "inception5h" GoogLeNet (1008 classes).

Layer names are Lucid's (`conv2d0` … `mixed3b` … `mixed5b`, `softmax2_pre_activation`, `softmax2`); each
mixed block concatenates its branches BEFORE one ReLU, so both pre- and post-ReLU activations are reachable.
Padding, pooling and local response normalisation follow the original TensorFlow graph.

Weights: the published PyTorch conversion of Lucid's model (`inception5h.pth`, the file lucent uses). Put it at
`$ZOOM_IN_INCEPTIONV1`, or in `$ZOOM_IN_WEIGHTS` (default ~/.cache/zoom-in-claims/weights); when online and
missing, it is downloaded there. It is checked by key names and shapes, then by the SHA-256 recorded when the
first file was verified. Its flat key names (`mixed3a_3x3_pre_relu_conv.weight`) map onto this module's nested
ones (`mixed3a.branch3x3.weight`) by `from_published_keys`.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from probes.models import weights_file
from probes.zoo import ImageModel, Layer, Model, Preprocessing, ZooEntry, register

URL = "https://github.com/ProGamerGov/pytorch-old-tensorflow-models/raw/master/inception5h.pth"
FILENAME = "inception5h.pth"
HOW_TO_PROVIDE = (f"Download {URL} and put it at $ZOOM_IN_INCEPTIONV1 or in $ZOOM_IN_WEIGHTS "
                  f"(default ~/.cache/zoom-in-claims/weights/{FILENAME}).")
NEG_INF = float("-inf")

# (in, 1x1, 3x3 bottleneck, 3x3, 5x5 bottleneck, 5x5, pool projection) for each mixed block
MIXED = {
    "mixed3a": (192, 64, 96, 128, 16, 32, 32), "mixed3b": (256, 128, 128, 192, 32, 96, 64),
    "mixed4a": (480, 192, 96, 204, 16, 48, 64), "mixed4b": (508, 160, 112, 224, 24, 64, 64),
    "mixed4c": (512, 128, 128, 256, 24, 64, 64), "mixed4d": (512, 112, 144, 288, 32, 64, 64),
    "mixed4e": (528, 256, 160, 320, 32, 128, 128), "mixed5a": (832, 256, 160, 320, 48, 128, 128),
    "mixed5b": (832, 384, 192, 384, 48, 128, 128),
}
BRANCHES = {"1x1": "branch1x1", "3x3_bottleneck": "bottleneck3x3", "3x3": "branch3x3",
            "5x5_bottleneck": "bottleneck5x5", "5x5": "branch5x5", "pool_reduce": "pool_reduce"}


def lrn(x):
    """The original graph's local response normalisation, in the parameters of the published conversion."""
    return F.local_response_norm(x, size=9, alpha=9.99999974738e-05, beta=0.5, k=1.0)


def tf_max_pool(x, stride: int):
    """3x3 max pool with TensorFlow's padding: stride 2 pads right/bottom by one, stride 1 pads all sides."""
    pad = (0, 1, 0, 1) if stride == 2 else (1, 1, 1, 1)
    return F.max_pool2d(F.pad(x, pad, value=NEG_INF), 3, stride)


class Mixed(nn.Module):
    def __init__(self, c_in, c1, c3_reduce, c3, c5_reduce, c5, c_pool):
        super().__init__()
        self.branch1x1 = nn.Conv2d(c_in, c1, 1)
        self.bottleneck3x3 = nn.Conv2d(c_in, c3_reduce, 1)
        self.bottleneck3x3_relu = nn.ReLU()
        self.branch3x3 = nn.Conv2d(c3_reduce, c3, 3, padding=1)
        self.bottleneck5x5 = nn.Conv2d(c_in, c5_reduce, 1)
        self.bottleneck5x5_relu = nn.ReLU()
        self.branch5x5 = nn.Conv2d(c5_reduce, c5, 5, padding=2)
        self.pool_reduce = nn.Conv2d(c_in, c_pool, 1)
        self.relu = nn.ReLU()  # one ReLU over the concatenation = the concatenation of the branches' ReLUs

    def forward(self, x):
        branches = [
            self.branch1x1(x),
            self.branch3x3(self.bottleneck3x3_relu(self.bottleneck3x3(x))),
            self.branch5x5(self.bottleneck5x5_relu(self.bottleneck5x5(x))),
            self.pool_reduce(tf_max_pool(x, 1)),
        ]
        return self.relu(torch.cat(branches, 1))


class InceptionV1(nn.Module):
    def __init__(self, num_classes: int = 1008):
        super().__init__()
        self.conv2d0 = nn.Conv2d(3, 64, 7, stride=2)
        self.conv2d0_relu = nn.ReLU()
        self.conv2d1 = nn.Conv2d(64, 64, 1)
        self.conv2d1_relu = nn.ReLU()
        self.conv2d2 = nn.Conv2d(64, 192, 3, padding=1)
        self.conv2d2_relu = nn.ReLU()
        for name, channels in MIXED.items():
            self.add_module(name, Mixed(*channels))
        self.softmax2_pre_activation = nn.Linear(1024, num_classes)
        self.softmax2 = nn.Softmax(dim=1)

    def forward(self, x):
        x = self.conv2d0_relu(self.conv2d0(F.pad(x, (2, 3, 2, 3))))
        x = lrn(tf_max_pool(x, 2))
        x = self.conv2d1_relu(self.conv2d1(x))
        x = tf_max_pool(lrn(self.conv2d2_relu(self.conv2d2(x))), 2)
        x = self.mixed3b(self.mixed3a(x))
        x = tf_max_pool(x, 2)
        for name in ("mixed4a", "mixed4b", "mixed4c", "mixed4d", "mixed4e"):
            x = getattr(self, name)(x)
        x = self.mixed5b(self.mixed5a(tf_max_pool(x, 2)))
        logits = self.softmax2_pre_activation(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))
        return self.softmax2(logits)


def layers_of(network: InceptionV1) -> dict[str, Layer]:
    layers = [Layer(f"conv2d{i}", getattr(network, f"conv2d{i}"), getattr(network, f"conv2d{i}_relu"))
              for i in range(3)]
    layers += [Layer(name, getattr(network, name), getattr(network, name).relu) for name in MIXED]
    layers += [Layer("softmax2_pre_activation", network.softmax2_pre_activation),
               Layer("softmax2", network.softmax2)]
    return {layer.name: layer for layer in layers}


def from_published_keys(state_dict: dict) -> dict:
    """Rename the published file's flat keys onto this module's; unknown keys pass through (and then fail the
    key check by name)."""
    renamed = {}
    for key, value in state_dict.items():
        match = re.fullmatch(r"(mixed\d[a-e])_(\w+?)_pre_relu_conv\.(weight|bias)", key)
        if match and match.group(2) in BRANCHES:
            key = f"{match.group(1)}.{BRANCHES[match.group(2)]}.{match.group(3)}"
        elif re.fullmatch(r"conv2d\d_pre_relu_conv\.(weight|bias)", key):
            key = key.replace("_pre_relu_conv", "")
        elif key.startswith("softmax2_pre_activation_matmul."):
            key = key.replace("_matmul", "")
        renamed[key] = value
    return renamed


def weights_path() -> Path:
    chosen = os.environ.get("ZOOM_IN_INCEPTIONV1")
    return Path(chosen) if chosen else weights_file.weights_dir() / FILENAME


# Lucid feeds inception5h RGB scaled to [-117, 138]: x * 255 - 117 == (x - 117/255) / (1/255).
PREPROCESSING = Preprocessing(size=224, resize=256, mean=(117 / 255,) * 3, std=(1 / 255,) * 3)


def load(pretrained: bool = True) -> Model:
    network = InceptionV1()
    provenance = "random initialisation (architecture only; no real weights checked)"
    if pretrained:
        path = weights_path()
        if not path.exists():
            weights_file.download(URL, path, how_to_provide=HOW_TO_PROVIDE)
        state_dict = from_published_keys(weights_file.load_state_dict_file(path))
        weights_file.check_state_dict(state_dict, network, source=str(path))
        digest = weights_file.trust_on_first_use(path)
        network.load_state_dict(state_dict)
        provenance = f"pretrained inception5h ({path}, sha256 {digest[:12]}…)"
    labels = [f"inception5h class {i}" for i in range(1008)]  # Lucid's label file is not shipped offline
    return Model(name="inceptionv1", module=ImageModel(network, PREPROCESSING), preprocessing=PREPROCESSING,
                 layers=layers_of(network), labels=labels, weights=provenance)


def weights_status() -> str:
    path = weights_path()
    if path.exists():
        return f"available ({path})"
    return f"missing: {HOW_TO_PROVIDE}"


register(ZooEntry(name="inceptionv1",
                  summary="InceptionV1 (Lucid inception5h GoogLeNet), the Circuits papers' model; 224px, 1008 classes",
                  load=load, weights_status=weights_status))
