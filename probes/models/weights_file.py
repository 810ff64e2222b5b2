"""Weights files: where they live, how they are fetched, and how they are checked before use."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import torch
from torch import nn

from probes.models.zoo import WeightsIntegrityError, WeightsUnavailable


def weights_dir() -> Path:
    return Path(os.environ.get("ZOOM_IN_WEIGHTS", Path.home() / ".cache" / "zoom-in-claims" / "weights"))


def sha256_of(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_sha256(path: str | os.PathLike, expected: str) -> None:
    actual = sha256_of(path)
    if actual != expected:
        raise WeightsIntegrityError(f"{path}: SHA-256 {actual} does not match the expected {expected}; "
                                    "the file is corrupt or belongs to another model — delete it and provide the right one")


def load_state_dict_file(path: str | os.PathLike, *, sha256: str | None = None) -> dict:
    path = Path(path)
    if not path.exists():
        raise WeightsUnavailable(f"weights file {path} not found")
    if sha256 is not None:
        check_sha256(path, sha256)
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # a truncated zip or pickle surfaces as many exception types
        raise WeightsIntegrityError(f"{path}: not a readable PyTorch state dict ({error}); delete it and "
                                    "provide the file again") from None


def check_state_dict(state_dict: dict, module: nn.Module, source: str) -> None:
    expected = module.state_dict()
    missing = [k for k in expected if k not in state_dict]
    unexpected = [k for k in state_dict if k not in expected]
    mismatched = [f"{k} {tuple(state_dict[k].shape)} != {tuple(v.shape)}"
                  for k, v in expected.items() if k in state_dict and state_dict[k].shape != v.shape]
    if missing or unexpected or mismatched:
        parts = [f"{label}: {', '.join(items[:5])}{' …' if len(items) > 5 else ''}"
                 for label, items in (("missing", missing), ("unexpected", unexpected), ("wrong shape", mismatched))
                 if items]
        raise WeightsIntegrityError(f"{source} does not fit {type(module).__name__}: {'; '.join(parts)}")
