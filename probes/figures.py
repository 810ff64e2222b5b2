"""Plots researchers judge features by: tuning curves, dataset-example crops, weights, edit effects.

A plain library, usable outside pytest. Every helper returns a `matplotlib.figure.Figure` drawn on an Agg
canvas and never touches pyplot, so no global figure list grows, no display is needed, and a figure nobody
saves is simply garbage collected. Save one with `figure.savefig(path)`, or hand it to the `figures` fixture.
"""
from __future__ import annotations

import math
from typing import Mapping, Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

PANEL = 2.6  # inches per small multiple
MARK = "#d62728"


def _figure(count: int, *, columns: int = 4, polar: bool = False, panel: float = PANEL, sharey: bool = False):
    """A figure of `count` small multiples in rows of `columns`; the unused trailing axes are hidden."""
    columns = max(1, min(columns, count))
    rows = math.ceil(count / columns)
    figure = Figure(figsize=(panel * columns, panel * rows + 0.4), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.subplots(rows, columns, squeeze=False, sharey=sharey,
                           subplot_kw={"projection": "polar"} if polar else None).ravel()
    for extra in axes[count:]:
        extra.set_visible(False)
    return figure, axes[:count]


def _by_unit(responses) -> dict:
    """{label: 1-D responses} from a mapping, a 1-D array (one unit) or a 2-D array (orientations, units)."""
    if isinstance(responses, Mapping):
        return {label: np.asarray(values, dtype=float) for label, values in responses.items()}
    array = np.asarray(responses, dtype=float)
    if array.ndim == 1:
        return {"": array}
    return {k: array[:, k] for k in range(array.shape[1])}


def _closed(orientations, values):
    """Angles in radians and values with the first point repeated, so a polar curve closes."""
    order = np.argsort(orientations)
    theta = np.deg2rad(np.asarray(orientations, dtype=float)[order])
    values = np.asarray(values, dtype=float)[order]
    return np.append(theta, theta[0] + 2 * np.pi), np.append(values, values[0])


def polar_tuning(orientations, responses_by_unit, preferred: Mapping | None = None, *,
                 title: str = "orientation tuning", columns: int = 4) -> Figure:
    """One polar plot per unit: response against stimulus orientation (degrees over the full turn), with the
    unit's pre-registered preferred orientation drawn as a dashed spoke when `preferred` gives one.
    `responses_by_unit`: {unit: responses}, or an array (orientations, units)."""
    units = _by_unit(responses_by_unit)
    preferred = preferred or {}
    figure, axes = _figure(len(units), columns=columns, polar=True)
    for ax, (label, values) in zip(axes, units.items()):
        theta, radius = _closed(orientations, values)
        ax.plot(theta, radius, color="#1f4e79", linewidth=1.6)
        ax.fill(theta, radius, color="#1f4e79", alpha=0.15)
        top = max(float(np.max(radius)), 1e-9)
        if label in preferred:
            spoke = np.deg2rad(preferred[label])
            ax.plot([spoke, spoke], [0, top], color=MARK, linestyle="--", linewidth=1.2)
        ax.set_ylim(0, top * 1.05)
        ax.set_yticklabels([])
        ax.set_xticks(np.deg2rad([0, 90, 180, 270]))
        ax.tick_params(labelsize=8)
        ax.set_title(f"{label}" + (f"  (pref. {preferred[label]:.0f}°)" if label in preferred else ""), fontsize=9)
    figure.suptitle(title, fontsize=11)
    return figure


def _as_hwc(image) -> np.ndarray:
    """An image as a (H, W, 3) or (H, W) float array in [0, 1], from a tensor/array in CHW or HWC, or PIL."""
    if hasattr(image, "detach"):
        image = image.detach().cpu().numpy()
    array = np.asarray(image)
    array = array / 255.0 if np.issubdtype(array.dtype, np.integer) else array.astype(float)  # PIL, uint8: 0..255
    if array.ndim == 3 and array.shape[0] in (1, 3) and array.shape[-1] not in (1, 3):
        array = np.moveaxis(array, 0, -1)
    return np.clip(array.squeeze(-1) if array.ndim == 3 and array.shape[-1] == 1 else array, 0, 1)


def image_grid(images, titles: Sequence[str] | None = None, mark_box=None, *, columns: int = 6) -> Figure:
    """Images in a grid (e.g. a unit's top dataset-example crops). `mark_box`: (x0, y0, x1, y1) in pixels, or
    one such box per image, drawn as a rectangle (e.g. the unit's receptive field within each crop)."""
    images = list(images)
    one_box = mark_box is None or np.isscalar(mark_box[0])
    boxes = [mark_box] * len(images) if one_box else list(mark_box)
    figure, axes = _figure(len(images), columns=columns, panel=1.8)
    for k, (ax, image) in enumerate(zip(axes, images)):
        ax.imshow(_as_hwc(image), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        if boxes[k] is not None:
            x0, y0, x1, y1 = boxes[k]
            ax.add_patch(Rectangle((x0 - 0.5, y0 - 0.5), x1 - x0, y1 - y0, fill=False, edgecolor=MARK, linewidth=1.5))
        if titles is not None:
            ax.set_title(titles[k], fontsize=8)
    return figure


def weight_maps(tensor, titles: Sequence[str] | None = None, *, columns: int = 8) -> Figure:
    """Spatial weight maps on one diverging colour scale centred on zero (red excites, blue inhibits), so
    maps are comparable with each other. `tensor`: (H, W), (N, H, W), or (rows, columns, H, W) for a grid
    such as (output units, input units, kh, kw)."""
    if hasattr(tensor, "detach"):
        tensor = tensor.detach().cpu().numpy()
    array = np.asarray(tensor, dtype=float)
    if array.ndim == 2:
        array = array[None]
    if array.ndim == 4:
        columns = array.shape[1]
        array = array.reshape(-1, *array.shape[2:])
    limit = max(float(np.abs(array).max(initial=0)), 1e-12)
    figure, axes = _figure(len(array), columns=columns, panel=1.2)
    for k, (ax, grid) in enumerate(zip(axes, array)):
        shown = ax.imshow(grid, cmap="RdBu_r", vmin=-limit, vmax=limit, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        if titles is not None:
            ax.set_title(titles[k], fontsize=8)
    figure.colorbar(shown, ax=list(axes), shrink=0.8, label="weight")
    return figure


def before_after(orientations, before, after, *, title: str = "edit effect", labels=("before", "after"),
                 columns: int = 4) -> Figure:
    """Tuning curves before and after an edit (or an ablation), one panel per unit, on one response scale so
    the size of the effect is read directly. `before`/`after`: {unit: responses} or arrays (orientations,
    units). Cartesian rather than polar: a change 180 degrees from the peak (the echo) is easier to see."""
    before, after = _by_unit(before), _by_unit(after)
    figure, axes = _figure(len(before), columns=columns, sharey=True)
    order = np.argsort(orientations)
    angles = np.asarray(orientations, dtype=float)[order]
    for ax, label in zip(axes, before):
        ax.plot(angles, before[label][order], color="#1f4e79", linewidth=1.6, label=labels[0])
        ax.plot(angles, after[label][order], color=MARK, linewidth=1.6, linestyle="--", label=labels[1])
        ax.set_xticks([0, 90, 180, 270, 360])
        ax.tick_params(labelsize=8)
        ax.set_title(str(label), fontsize=9)
        ax.set_xlabel("orientation (°)", fontsize=8)
    axes[0].legend(fontsize=8, frameon=False)
    figure.suptitle(title, fontsize=11)
    return figure
