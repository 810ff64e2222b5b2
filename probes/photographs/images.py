"""Natural images: an image folder with labels, loaded once into a tensor, and receptive-field crops.

Labels follow ImageNet's convention: the class index is the position of the image's wnid among the
sorted wnids. A file named ``<wnid>_<name>.JPEG`` (the shared 1000-image sample) or a file inside a
``<wnid>/`` folder (an ImageNet validation folder sorted by class) both carry their wnid.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import re
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import torch
from PIL import Image, UnidentifiedImageError
from torch import Tensor

from probes.activations.store import cache_root
from probes.records.provenance import image_list_digest
from probes.records.timing import timed
from probes.zoo import Preprocessing, as_floats

IMAGE_SUFFIXES = {".jpeg", ".jpg", ".png", ".bmp", ".webp"}
WNID = re.compile(r"^n\d{8}")
SAMPLE_ARCHIVE = ("https://github.com/EliSchwartz/imagenet-sample-images/archive/"
                  "bc69043e2862758a1906c6a24a792bb28c6bb2ff.zip")
HOW_TO_POINT = ("point the suite at an image folder with --images DIR or the environment variable ZOOM_IN_IMAGES "
                "(e.g. the 1000-image sample in ../shared/data/imagenet-samples, your own ImageNet validation folder, "
                "or fetch the public sample with `python -m probes.photographs.images fetch DIR`)")


class ImageFolderError(FileNotFoundError):
    """The image folder is missing or holds no readable image; the message says how to point at one."""


@dataclass
class ImageSet:
    """Images (N, 3, S, S) with their labels (-1 when unknown) and file names. `digest` names the image list and
    preprocessing (probes.records.provenance), for the provenance of verdicts.

    `pixels` holds them as decoded, uint8 (a folder loads so: 150 MB for 1000 photographs at 224 px, not 600), or
    as floats in [0, 1]. `images` and `take` give floats in [0, 1]; a network reads `pixels` itself
    (probes.zoo.as_floats), so a pass over the whole set needs no float copy of it."""

    pixels: Tensor
    labels: Tensor
    names: list[str]
    source: str
    digest: str = ""

    def __len__(self) -> int:
        return len(self.names)

    @property
    def images(self) -> Tensor:
        """Every image as floats in [0, 1] (a new tensor when `pixels` are uint8: for a few rows, `take`)."""
        return as_floats(self.pixels)

    def take(self, index) -> Tensor:
        """The images at `index` (positions, a mask or a slice) as floats in [0, 1]."""
        return as_floats(self.pixels[index])

    def subset(self, indices) -> "ImageSet":
        indices = torch.as_tensor(indices, dtype=torch.long)
        digest = hashlib.sha256(f"{self.digest}|{indices.tolist()}".encode()).hexdigest()[:16]
        return ImageSet(self.pixels[indices], self.labels[indices], [self.names[i] for i in indices.tolist()],
                        self.source, digest)


def wnid_of(path: Path) -> str | None:
    for part in (path.stem, path.parent.name):
        match = WNID.match(part)
        if match:
            return match.group(0)
    return None


def list_images(folder: str | os.PathLike) -> list[Path]:
    folder = Path(folder)
    if not folder.is_dir():
        raise ImageFolderError(f"image folder {str(folder)!r} does not exist; {HOW_TO_POINT}")
    paths = sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
    if not paths:
        raise ImageFolderError(f"image folder {str(folder)!r} holds no images ({', '.join(sorted(IMAGE_SUFFIXES))}); "
                               f"{HOW_TO_POINT}")
    return paths


def read_image(path: Path, transform) -> Tensor | None:
    """One photograph through `transform`, or None (with a warning) when it cannot be read."""
    try:
        with Image.open(path) as image:
            return transform(image.convert("RGB"))
    except (OSError, UnidentifiedImageError, ValueError) as error:
        warnings.warn(f"skipping unreadable image {path}: {error}", stacklevel=3)
        return None


def _cache_file(paths: list[Path], preprocessing: Preprocessing, cache_dir: Path) -> Path:
    """A cache key that changes when any file, its size or time, or the preprocessing changes."""
    digest = hashlib.sha256(repr(preprocessing).encode())
    for path in paths:
        stat = path.stat()
        digest.update(f"{path}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return cache_dir / f"pixels-{digest.hexdigest()[:20]}.pt"


def default_cache_dir() -> Path | None:
    root = cache_root()
    return root / "images" if root else None


@timed("photographs", model_argument=None)
def load_image_folder(folder: str | os.PathLike, preprocessing: Preprocessing, *, limit: int | None = None,
                      cache_dir: Path | None | str = "default", workers: int = 4) -> ImageSet:
    """Load every image below `folder`, resized and centre-cropped as `preprocessing` says.

    Unreadable files are skipped with a warning; the rest load. Decoded tensors are cached on disk
    (keyed by file names, sizes, times and preprocessing) so later sessions skip JPEG decoding.
    """
    every = list_images(folder)
    wnids = sorted({w for w in (wnid_of(p) for p in every) if w})  # over the whole folder, before `limit`
    paths = every[:limit]
    cache_dir = default_cache_dir() if cache_dir == "default" else (Path(cache_dir) if cache_dir else None)
    cache = _cache_file(paths, preprocessing, cache_dir) if cache_dir else None
    if cache is not None and cache.exists():
        try:
            stored = torch.load(cache, weights_only=True)
            return ImageSet(stored["pixels"], stored["labels"], stored["names"], str(folder),
                            image_list_digest(paths, preprocessing))
        except (OSError, RuntimeError, KeyError, EOFError, pickle.UnpicklingError) as error:
            # a truncated or foreign file: decode again
            warnings.warn(f"ignoring unreadable image cache {cache}: {error}", stacklevel=2)

    transform = preprocessing.transform(pixels=True)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        tensors = list(pool.map(lambda p: read_image(p, transform), paths))
    kept = [(path, tensor) for path, tensor in zip(paths, tensors) if tensor is not None]
    if not kept:
        raise ImageFolderError(f"no readable image in {str(folder)!r}; {HOW_TO_POINT}")
    index = {wnid: i for i, wnid in enumerate(wnids)}
    labels = torch.tensor([index.get(wnid_of(path), -1) for path, _ in kept])
    pixels = torch.stack([tensor for _, tensor in kept])
    names = [path.name for path, _ in kept]
    digest = image_list_digest([path for path, _ in kept], preprocessing)
    if cache is not None and len(kept) == len(paths):
        cache.parent.mkdir(parents=True, exist_ok=True)
        # one temporary name per process: concurrent sessions (xdist workers) may fill the same entry
        temporary = cache.with_name(f"{cache.stem}.{os.getpid()}.tmp")
        torch.save({"pixels": pixels, "labels": labels, "names": names}, temporary)
        os.replace(temporary, cache)
    return ImageSet(pixels, labels, names, str(folder), digest)


def unit_centre(position: int, layer_size: int, input_size: int) -> float:
    """Input-pixel coordinate of the centre of the unit at `position` along an axis of the layer."""
    return (position + 0.5) * input_size / layer_size - 0.5


def crops(images: Tensor, indices: Tensor, rows: Tensor, cols: Tensor, layer_hw: tuple[int, int],
          size: int) -> Tensor:
    """Square crops of side `size` centred on the given units' positions, edge-padded at the border: a pixel
    beyond the border repeats the nearest edge pixel, read through clamped coordinates, so no padded copy of a
    photograph is made (200 crops of 224 px photographs on a 98 px canvas padded 420 MB)."""
    input_size = images.shape[-1]
    span = torch.arange(size)
    out = []
    for index, row, col in zip(indices.tolist(), rows.tolist(), cols.tolist()):
        top = round(unit_centre(row, layer_hw[0], input_size) - (size - 1) / 2)
        left = round(unit_centre(col, layer_hw[1], input_size) - (size - 1) / 2)
        ys = (span + top).clamp(0, images.shape[-2] - 1)
        xs = (span + left).clamp(0, images.shape[-1] - 1)
        out.append(images[index][:, ys][:, :, xs])
    return torch.stack(out)


def fetch_sample(destination: str | os.PathLike) -> Path:
    """Download the public 1000-image ImageNet sample into `destination` (online users only)."""
    import io
    import urllib.request
    import zipfile

    from tqdm.auto import tqdm

    destination = Path(destination)
    with urllib.request.urlopen(SAMPLE_ARCHIVE, timeout=60) as response:
        total = int(response.headers.get("Content-Length") or 0) or None
        buffer = io.BytesIO()
        with tqdm(total=total, unit="B", unit_scale=True, desc="imagenet-sample-images") as bar:
            for chunk in iter(lambda: response.read(1 << 16), b""):
                buffer.write(chunk)
                bar.update(len(chunk))
    destination.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(buffer) as archive:
        for member in archive.namelist():
            if Path(member).suffix.lower() in IMAGE_SUFFIXES:
                (destination / Path(member).name).write_bytes(archive.read(member))
    return destination


def split(images: ImageSet, part: str) -> ImageSet:
    """The suite's fixed split of an image set: "discovery" takes the even positions, "confirmation" the
    odd ones, so a family found on one half is confirmed on photographs it was never chosen on."""
    return images.subset(split_positions(len(images), part))


def split_positions(count: int, part: str) -> list[int]:
    """The positions `split` takes for `part` out of `count` images: for indexing what was measured on all of them."""
    if part not in ("discovery", "confirmation"):
        raise ValueError(f"unknown split {part!r}; use 'discovery' or 'confirmation'")
    return list(range(0 if part == "discovery" else 1, count, 2))
