"""Dataset examples from any number of photographs, in one streaming pass with bounded memory.

`top_examples(model, paths, layer, k=8)` decodes the photographs with a DataLoader (worker processes decode
JPEGs while the network runs), keeps for every unit a running top-k of its strongest position per photograph
and running statistics of those maxima, and never holds a layer's activations for more than one batch: memory
is batch x layer + k x units, whether the folder holds 1,000 photographs or 50,000. Results can be cached on
disk, keyed by the weights, the image list and preprocessing, the layer and the request; an entry whose key does
not match, or that cannot be read, is recomputed, never returned.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import Tensor
from torch.utils.data import DataLoader, Dataset

from probes.activations.capture import recording, run
from probes.photographs.images import crops, default_cache_dir, read_image
from probes.records.provenance import image_list_digest, weights_digest
from probes.records.timing import timed
from probes.zoo import Model, Preprocessing

CACHE_VERSION = 1


class _Photographs(Dataset):
    def __init__(self, paths: list[Path], preprocessing: Preprocessing):
        self.paths, self.transform = paths, preprocessing.transform()

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, index: int):
        return read_image(self.paths[index], self.transform), index


def _readable(batch):
    """Collate what decoded; an unreadable photograph was warned about in `read_image` and is left out."""
    kept = [(image, index) for image, index in batch if image is not None]
    if not kept:
        return torch.empty(0), torch.empty(0, dtype=torch.long)
    return torch.stack([image for image, _ in kept]), torch.tensor([index for _, index in kept])


@dataclass
class TopExamples:
    """Per unit of `units`: its k strongest photographs (by the unit's largest response anywhere in the
    photograph), where in each, and statistics of that largest response over every photograph seen."""

    layer: str
    units: list[int]
    paths: list[Path]
    layer_hw: tuple[int, int]
    values: Tensor  # (units, k) descending
    images: Tensor  # (units, k) indices into paths
    rows: Tensor  # (units, k)
    cols: Tensor  # (units, k)
    count: int  # photographs seen
    max_mean: Tensor  # (units,) mean over photographs of the unit's largest response
    max_std: Tensor  # (units,)
    extra: dict = field(default_factory=dict)

    def crops(self, unit: int, preprocessing: Preprocessing, size: int) -> Tensor:
        """The receptive-field crops (k, 3, size, size) of `unit`'s top photographs, decoded again (k images)."""
        position = self.units.index(unit)
        transform = preprocessing.transform()
        photographs = torch.stack([read_image(self.paths[i], transform) for i in self.images[position].tolist()])
        return crops(photographs, torch.arange(len(photographs)), self.rows[position], self.cols[position],
                     self.layer_hw, size)


def _key(model: Model, paths: list[Path], layer: str, k: int, units: list[int], pre_activation: bool) -> str:
    parts = [str(CACHE_VERSION), weights_digest(model.module), image_list_digest(paths, model.preprocessing),
             layer, str(k), ",".join(map(str, units)), str(pre_activation)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


def _load_cached(path: Path, key: str, units: list[int], k: int) -> TopExamples | None:
    if not path.exists():
        return None
    try:
        stored = torch.load(path, weights_only=False)
        if stored.get("key") != key:
            raise ValueError("key mismatch (another model, image list, layer or request)")
        found: TopExamples = stored["result"]
        if found.values.shape != (len(units), min(k, found.count)):
            raise ValueError(f"shape {tuple(found.values.shape)} does not fit the request")
        return found
    except (OSError, RuntimeError, EOFError, KeyError, AttributeError, ValueError, TypeError,
            pickle.UnpicklingError) as error:
        warnings.warn(f"recomputing top examples: cache entry {path} is stale or unreadable ({error})", stacklevel=3)
        return None


@timed("top examples")
def top_examples(model: Model, paths: list[str | os.PathLike], layer: str, *, k: int = 8, units=None,
                 batch_size: int = 32, workers: int = 2, pre_activation: bool = False,
                 cache_dir: str | os.PathLike | None = "default", progress: bool = True) -> TopExamples:
    """One pass over `paths`: each unit's top-k photographs and the statistics of its largest responses.

    k larger than the number of readable photographs gives every photograph, ranked (check `.count`)."""
    paths = [Path(p) for p in paths]
    if not paths:
        raise ValueError("top_examples needs at least one photograph")
    units = list(range(_channels(model, layer))) if units is None else [int(u) for u in units]
    key = _key(model, paths, layer, k, units, pre_activation)
    directory = (default_cache_dir().parent / "top-examples" if default_cache_dir() else None) \
        if cache_dir == "default" else (Path(cache_dir) if cache_dir else None)
    cache = directory / f"{key}.pt" if directory else None
    if cache is not None:
        found = _load_cached(cache, key, units, k)
        if found is not None:
            return found

    loader = DataLoader(_Photographs(paths, model.preprocessing), batch_size=batch_size, num_workers=workers,
                        collate_fn=_readable, persistent_workers=False)
    best_values = best_images = best_where = None
    total = total_sq = None
    count, layer_hw = 0, (0, 0)
    if progress:
        from tqdm.auto import tqdm
        loader = tqdm(loader, desc=f"top examples of {layer}", unit="batch", leave=False)
    with torch.inference_mode(), recording(model, [layer], pre_activation=pre_activation) as store:
        for batch, indices in loader:
            if len(batch) == 0:
                continue
            run(model, batch.to(model.device))
            activations = store[layer][:, units].float().cpu()  # (B, units, H, W)
            layer_hw = tuple(activations.shape[-2:])
            maxima, where = activations.flatten(2).max(2)  # (B, units)
            maxima, where = maxima.T, where.T  # (units, B)
            batch_images = indices.expand(len(units), -1)
            if best_values is None:
                best_values, best_images = maxima.new_empty(len(units), 0), batch_images.new_empty(len(units), 0)
                best_where = where.new_empty(len(units), 0)
                total, total_sq = (torch.zeros(len(units), dtype=torch.float64),
                                   torch.zeros(len(units), dtype=torch.float64))
            values = torch.cat([best_values, maxima], 1)
            keep = values.topk(min(k, values.shape[1]), dim=1).indices
            best_values = values.gather(1, keep)
            best_images = torch.cat([best_images, batch_images], 1).gather(1, keep)
            best_where = torch.cat([best_where, where], 1).gather(1, keep)
            total += maxima.double().sum(1)
            total_sq += (maxima.double() ** 2).sum(1)
            count += len(batch)
    if count == 0:
        from probes.photographs.images import HOW_TO_POINT, ImageFolderError
        raise ImageFolderError(f"no readable image among {len(paths)} files; {HOW_TO_POINT}")
    mean = total / count
    std = (total_sq / count - mean ** 2).clamp(min=0).sqrt()
    result = TopExamples(layer, units, paths, layer_hw, best_values, best_images, best_where // layer_hw[1],
                         best_where % layer_hw[1], count, mean.float(), std.float())
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache.with_name(f"{cache.stem}.{os.getpid()}.tmp")
        torch.save({"key": key, "result": result}, temporary)
        os.replace(temporary, cache)
    return result


def random_crops(paths: list[Path], preprocessing: Preprocessing, layer_hw: tuple[int, int], size: int,
                 count: int, generator: torch.Generator) -> Tensor:
    """`count` receptive-field crops at random photographs and positions, decoding only the photographs drawn."""
    chosen = torch.randint(len(paths), (count,), generator=generator)
    rows = torch.randint(layer_hw[0], (count,), generator=generator)
    cols = torch.randint(layer_hw[1], (count,), generator=generator)
    transform = preprocessing.transform()
    drawn = sorted(set(chosen.tolist()))
    decoded = torch.stack([read_image(Path(paths[i]), transform) for i in drawn])
    where = torch.tensor([drawn.index(i) for i in chosen.tolist()])
    return crops(decoded, where, rows, cols, layer_hw, size)


def _channels(model: Model, layer: str) -> int:
    from probes.activations.capture import layer_shapes

    return layer_shapes(model)[layer][0]
