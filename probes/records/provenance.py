"""Provenance of a verdict: short digests of every input that can change it, so a changed verdict can be traced
to the claim's code, the weights, the images, the atlas or the package.

Digests are SHA-256 in hex, cut to 16 characters: enough to tell inputs apart, short enough to read in a diff.
"""
from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path

import torch
from torch import nn

SHORT = 16


def _short(digest) -> str:
    return digest.hexdigest()[:SHORT]


def weights_digest(module: nn.Module) -> str:
    """SHA-256 of the live parameters and buffers, by name: the same for the same weights however they were
    loaded (file, package, edit undone), and different for a null twin or an edited network."""
    digest = hashlib.sha256()
    for name, tensor in sorted(module.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().to("cpu").contiguous().numpy().tobytes())
    return _short(digest)


def image_list_digest(paths: list[Path], preprocessing) -> str:
    """The image list (names and sizes, in order) and the preprocessing that turns them into tensors."""
    digest = hashlib.sha256(repr(preprocessing).encode())
    for path in paths:
        digest.update(f"{Path(path).name}|{Path(path).stat().st_size}\n".encode())
    return _short(digest)


def file_digest(path: str | Path) -> str:
    return _short(hashlib.sha256(Path(path).read_bytes()))


def atlas_digest(atlas) -> str:
    """The atlas's content (families, units, orientations, provenance), not its path or formatting."""
    return _short(hashlib.sha256(json.dumps(atlas.to_dict(), sort_keys=True).encode()))


def package_version(distribution: str = "zoom-in-claims") -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def cached_weights_digest(model) -> str:
    """`weights_digest` of a `probes.models.Model`, computed once per model object (a session reuses it).
    Claims that edit weights restore them before returning, so the digest stays true."""
    if "weights_sha256" not in model.extra:
        with torch.no_grad():
            model.extra["weights_sha256"] = weights_digest(model.module)
    return model.extra["weights_sha256"]
