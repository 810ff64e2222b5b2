"""The defaults every entry point shares (the plugin, `python -m probes.discover`, the benchmarks, a notebook),
each in this one place. The environment variables that override them are listed in the README ("Offline paths")."""
from __future__ import annotations

import os
from pathlib import Path

DEFAULT_MODEL = "efficientnet_lite0"  # the model claims and screens run on when none is named
PROJECT = Path(__file__).resolve().parents[1]  # this checkout (or the installed package's folder)


def image_folder(chosen: str | os.PathLike | None = None) -> Path:
    """The natural image folder: `chosen`, else $ZOOM_IN_IMAGES, else ../shared/data/imagenet-samples beside the
    project (the 1000-photograph sample the claims were registered on)."""
    chosen = chosen or os.environ.get("ZOOM_IN_IMAGES")
    return Path(chosen) if chosen else PROJECT.parent / "shared" / "data" / "imagenet-samples"


def reference_folder() -> Path:
    """The published figure data of the Circuits thread: $ZOOM_IN_REFERENCE, else ../shared/reference beside the
    project."""
    chosen = os.environ.get("ZOOM_IN_REFERENCE")
    return Path(chosen) if chosen else PROJECT.parent / "shared" / "reference"
