"""Replicating published figure data: the Circuits articles' InceptionV1 measurements, read from
../shared/reference (or $ZOOM_IN_REFERENCE), compared with ours under one alignment shared by every unit.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
from scipy.stats import pearsonr

from probes.defaults import reference_folder


class ReferenceMissing(FileNotFoundError):
    """The published data is not on this machine; the message says where it was looked for."""


def reference_file(*parts: str) -> Path:
    path = reference_folder().joinpath(*parts)
    if not path.exists():
        raise ReferenceMissing(f"no published data at {path}; point $ZOOM_IN_REFERENCE at the reference folder")
    return path


def lenient_json(path: Path):
    """The published figure data is JavaScript-flavoured JSON: trailing commas are tolerated."""
    return json.loads(re.sub(r",\s*([\]}])", r"\1", path.read_text()))


def published_tuning(*parts: str, layer: str | None = None) -> dict[int, np.ndarray]:
    """{unit: radial tuning curve} from a published file: a dict with `activations` or `responsesByNeuron`, or a
    list of such dicts, one per layer (then `layer` picks one)."""
    data = lenient_json(reference_file(*parts))
    if isinstance(data, list):
        data = next(entry for entry in data if entry["layer"] == layer)
    curves = data.get("activations") or data["responsesByNeuron"]
    return {int(unit): np.asarray(values, dtype=float) for unit, values in curves.items()}


def aligned_correlations(ours: dict[int, np.ndarray], theirs: dict[int, np.ndarray], *, fixed=None):
    """Per-unit correlations under the one shift (in our samples) and direction that maximise their mean, or
    under `fixed` = (shift, direction). Returns (correlations, shift, direction)."""
    samples = len(next(iter(ours.values())))
    hypotheses = [fixed] if fixed else [(shift, direction) for direction in (1, -1) for shift in range(samples)]
    best = (-np.inf, [], 0, 1)
    for shift, direction in hypotheses:
        correlations = []
        for unit, curve in ours.items():
            published = theirs[unit][:: len(theirs[unit]) // samples][:samples]
            published = np.roll(published[:: direction], shift)
            same = np.std(curve) > 0 and np.std(published) > 0
            correlations.append(pearsonr(curve, published).statistic if same else 0.0)
        if np.mean(correlations) > best[0]:
            best = (float(np.mean(correlations)), correlations, shift, direction)
    return best[1], best[2], best[3]
