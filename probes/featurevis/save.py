"""Saving visualisations: one PNG per image with its metadata in PNG text chunks, plus a JSON sidecar."""
from __future__ import annotations

import json
import re
from pathlib import Path

from PIL import Image, PngImagePlugin

from probes.featurevis.render import Result


def save(result: Result, directory: str | Path) -> list[Path]:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(len(result.images)):
        metadata = result.metadata(index)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{result.model}_{metadata['objective']}")
        pixels = (result.images[index].clamp(0, 1).permute(1, 2, 0).numpy() * 255).round().astype("uint8")
        info = PngImagePlugin.PngInfo()
        for key, value in metadata.items():
            info.add_text(key, str(value))
        path = directory / f"{name}.png"
        Image.fromarray(pixels).save(path, pnginfo=info)
        path.with_suffix(".json").write_text(json.dumps(metadata, indent=1) + "\n")
        paths.append(path)
    return paths
