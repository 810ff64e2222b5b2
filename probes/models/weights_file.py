"""Weights files: where they live, how they are fetched, and how they are checked before use."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import torch
from torch import nn

from probes.zoo import WeightsIntegrityError, WeightsUnavailable


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
                                    "the file is corrupt or belongs to another model — "
                                    "delete it and provide the right one")


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


def offline() -> bool:
    return bool(os.environ.get("ZOOM_IN_OFFLINE") or os.environ.get("CI"))


def download(url: str, destination: str | os.PathLike, *, how_to_provide: str = "") -> Path:
    """Fetch `url` into `destination` with a progress bar, atomically: the file appears whole or not at all.
    Offline (ZOOM_IN_OFFLINE or CI set) or on any network failure: WeightsUnavailable with `how_to_provide`."""
    import urllib.error
    import urllib.request

    from tqdm.auto import tqdm

    destination = Path(destination)
    if offline():
        raise WeightsUnavailable(f"{destination.name} is not at {destination} and downloads are off here "
                                 f"(ZOOM_IN_OFFLINE/CI). {how_to_provide}")
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".part")
    try:
        with urllib.request.urlopen(url, timeout=60) as response, open(partial, "wb") as out:
            total = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(total=total, unit="B", unit_scale=True, desc=destination.name) as bar:
                for chunk in iter(lambda: response.read(1 << 20), b""):
                    out.write(chunk)
                    bar.update(len(chunk))
    except (urllib.error.URLError, OSError) as error:
        partial.unlink(missing_ok=True)
        raise WeightsUnavailable(f"could not download {url} ({error}). {how_to_provide}") from None
    os.replace(partial, destination)
    return destination


def trust_on_first_use(path: str | os.PathLike) -> str:
    """For files without a published hash: record the SHA-256 of the first verified file beside it
    (`<file>.sha256`) and refuse any later file that differs."""
    path = Path(path)
    record = path.with_name(path.name + ".sha256")
    actual = sha256_of(path)
    if record.exists():
        expected = record.read_text().split()[0]
        if actual != expected:
            raise WeightsIntegrityError(
                f"{path}: SHA-256 {actual} differs from {expected}, recorded in {record} when this model's weights "
                "were first verified; if you replaced the file on purpose, delete the record")
    else:
        record.write_text(f"{actual}  {path.name}\n")
    return actual
