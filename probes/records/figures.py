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


# --- helpers for the claims' report pages: families, distributions, comparisons --------------------------------

def _colours(count: int, colormap: str = "tab10") -> list:
    from matplotlib import colormaps

    cmap = colormaps[colormap]
    return [cmap(k % cmap.N) if cmap.N < 256 else cmap(k / max(count, 1)) for k in range(count)]


def joint_tuning_plot(orientations, responses_by_unit, preferred: Mapping | None = None, *, normalise: bool = True,
                 silent_below: float = 0.05, title: str = "joint tuning") -> Figure:
    """Every unit's tuning curve over one rotation sweep in a single plot, each divided by its peak over the sweep
    (`normalise`), coloured by the unit's pre-registered orientation (a cyclic colour scale), its orientation a
    dashed line in its colour. Beneath, the winner at each stimulus orientation (the unit with the largest
    normalised response; blank where every unit stays below `silent_below`): a family that tiles orientation
    paints this strip as a rainbow running with the dashed lines."""
    units = _by_unit(responses_by_unit)
    preferred = preferred or {}
    labels = list(units)
    order = np.argsort(orientations)
    angles = np.asarray(orientations, dtype=float)[order]
    table = np.stack([units[label][order] for label in labels], axis=1) if labels else np.zeros((len(angles), 0))
    if normalise:
        table = table / np.maximum(table.max(0, initial=0), 1e-12)
    from matplotlib import colormaps

    wheel = colormaps["hsv"]  # cyclic; darkened so that yellow and cyan stay visible on white
    colours = [tuple(0.8 * np.asarray(wheel((preferred[label] % 360) / 360)[:3])) if label in preferred else c
               for label, c in zip(labels, _colours(len(labels)))]
    figure = Figure(figsize=(7.5, 4.2), layout="constrained")
    FigureCanvasAgg(figure)
    top, strip = figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [5, 1]})
    for k, label in enumerate(labels):
        top.plot(angles, table[:, k], color=colours[k], linewidth=1.5, label=str(label))
        if label in preferred:
            top.axvline(preferred[label] % 360, color=colours[k], linestyle="--", linewidth=0.9)
    if labels:
        top.plot(angles, table.max(1), color="black", linewidth=0.8, alpha=0.5, label="max")
    top.set_ylabel("response / unit's peak" if normalise else "response", fontsize=9)
    top.legend(fontsize=7, frameon=False, ncol=min(6, len(labels) + 1), loc="upper left", bbox_to_anchor=(0, 1.2))
    strip.set_yticks([])
    strip.set_ylabel("winner", fontsize=9)
    if labels and len(angles):
        step = float(np.median(np.diff(angles))) if len(angles) > 1 else 1.0
        winner = table.argmax(1)
        for a, w, value in zip(angles, winner, table.max(1)):
            if value >= silent_below:
                strip.axvspan(a - step / 2, a + step / 2, color=colours[w], linewidth=0)
    strip.set_xlim(0, 360)
    strip.set_xticks([0, 90, 180, 270, 360])
    strip.set_xlabel("stimulus orientation (°)", fontsize=9)
    figure.suptitle(title, fontsize=11)
    return figure


def orientation_wheel(preferred: Mapping, strength: Mapping | None = None, *, counted=None, period: float = 360.0,
                      title: str = "preferred orientations") -> Figure:
    """Each unit's preferred orientation as a spoke on a circle (length: `strength`, e.g. vector strength, else
    1), with the largest gap between neighbouring spokes of the `counted` units (default: all) shaded and labelled;
    units not counted are drawn grey and dotted. `period` 180 for axes."""
    strength = strength or {}
    counted = set(preferred) if counted is None else set(counted)
    figure = Figure(figsize=(4.6, 4.8), layout="constrained")
    FigureCanvasAgg(figure)
    ax = figure.add_subplot(projection="polar")
    scale = 360.0 / period
    for label, angle in preferred.items():
        theta = np.deg2rad(angle * scale)
        length = float(strength.get(label, 1.0))
        inside = label in counted
        ax.plot([theta, theta], [0, length], color="#1f4e79" if inside else "grey", linewidth=2 if inside else 1,
                linestyle="-" if inside else ":")
        ax.text(theta, length + 0.08, str(label), fontsize=7, ha="center", va="center",
                color="black" if inside else "grey")
    angles = sorted(preferred[label] % period for label in preferred if label in counted)
    if angles:
        gaps = np.diff(angles + [angles[0] + period])
        k = int(np.argmax(gaps))
        start, width = angles[k], float(gaps[k])
        ax.bar(np.deg2rad(start * scale), 1.2, width=np.deg2rad(width * scale), align="edge", color=MARK, alpha=0.15)
        middle = np.deg2rad((start + width / 2) * scale)
        ax.text(middle, 0.6, f"gap {width:.0f}°", color=MARK, fontsize=9, ha="center", va="center")
    ax.set_ylim(0, 1.25)
    ax.set_yticklabels([])
    ticks = np.arange(0, period, period / 4)
    ax.set_xticks(np.deg2rad(ticks * scale))
    ax.set_xticklabels([f"{t:.0f}°" for t in ticks], fontsize=8)
    ax.set_title(title, fontsize=11)
    return figure


def against_draws(draws, observed, *, xlabel: str = "", title: str = "", threshold: float | None = None,
                  draws_label: str = "random draws") -> Figure:
    """Where an observed value lies among random draws (control ablations, random edits, random units, shuffled
    labels, random twins): a histogram of the draws, or each draw as a dot when there are fewer than 20, and the
    observed value(s) as vertical lines. `observed`: a number, or {label: number or numbers}. `threshold`: a
    dotted line, e.g. a registered threshold on the same scale. `draws_label` names the draws in the legend."""
    draws = np.asarray(draws, dtype=float).ravel()
    draws = draws[np.isfinite(draws)]
    marks = observed if isinstance(observed, Mapping) else {"observed": observed}
    figure = Figure(figsize=(5.6, 3.2), layout="constrained")
    FigureCanvasAgg(figure)
    ax = figure.subplots()
    if len(draws) >= 20:
        ax.hist(draws, bins=min(30, max(10, len(draws) // 5)), color="#9bb7d4", edgecolor="white",
                label=f"{draws_label} (n={len(draws)})")
        ax.set_ylabel("count", fontsize=9)
    else:
        jitter = np.random.default_rng(0).uniform(-0.15, 0.15, len(draws))
        ax.scatter(draws, jitter, color="#1f4e79", s=25, label=f"{draws_label} (n={len(draws)})", zorder=3)
        ax.set_ylim(-1, 1)
        ax.set_yticks([])
    for (label, value), colour in zip(marks.items(), [MARK, "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"] * 10):
        for k, v in enumerate(np.atleast_1d(np.asarray(value, dtype=float))):
            if np.isfinite(v):
                ax.axvline(v, color=colour, linewidth=1.8, label=label if k == 0 else None)
    if threshold is not None:
        ax.axvline(threshold, color="black", linestyle=":", linewidth=1.2, label=f"threshold {threshold:g}")
    ax.set_xlabel(xlabel, fontsize=9)
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=8, frameon=False)
    ax.set_title(title, fontsize=10)
    return figure


def grouped_bars(categories: Sequence, series: Mapping, *, ylabel: str = "", title: str = "",
                 colours: Sequence | None = None) -> Figure:
    """Bars in groups: one group per category (e.g. a unit), one bar per series (e.g. intact / ablated, curve /
    corner), so the comparison a claim makes is side by side for every unit. `series`: {label: values, one per
    category}."""
    categories = [str(c) for c in categories]
    labels = list(series)
    colours = list(colours) if colours is not None else ["#1f4e79", MARK, "#9bb7d4", "#f4a582", "#2ca02c"] * 4
    width = 0.8 / max(len(labels), 1)
    figure = Figure(figsize=(min(10.0, max(4.0, 0.3 * len(categories) * max(len(labels), 1) + 1.5)), 3.6),
                    layout="constrained")
    FigureCanvasAgg(figure)
    ax = figure.subplots()
    positions = np.arange(len(categories))
    for k, label in enumerate(labels):
        values = np.asarray(series[label], dtype=float)
        ax.bar(positions + (k - (len(labels) - 1) / 2) * width, values, width=width, color=colours[k], label=str(label))
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xticks(positions)
    ax.set_xticklabels(categories, fontsize=8, rotation=45 if max(map(len, categories), default=0) > 6 else 0,
                       ha="right" if max(map(len, categories), default=0) > 6 else "center")
    ax.set_ylabel(ylabel, fontsize=9)
    ax.tick_params(labelsize=8)
    ax.legend(fontsize=8, frameon=False, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=min(len(labels), 3))
    figure.suptitle(title, fontsize=10)
    return figure


def scatter_panels(panels: Mapping, *, xlabel: str = "", ylabel: str = "", title: str = "", identity: bool = False,
                   slopes: Mapping | None = None, columns: int = 4, panel: float = PANEL + 0.4) -> Figure:
    """Scatter plots, one panel per entry of `panels` ({panel title: {series label: (x, y)}}), e.g. predicted
    against measured drop, a unit's response to photographs against its partner's to their mirrors. `identity`
    draws y = x; `slopes` ({label: slope}) other lines through the origin (e.g. a linear unit's expectation)."""
    figure, axes = _figure(len(panels), columns=columns, panel=panel)
    colours = ["#1f4e79", MARK, "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]
    for ax, (name, series) in zip(axes, panels.items()):
        xs, ys = [], []
        for k, (label, (x, y)) in enumerate(series.items()):
            x, y = np.asarray(x, dtype=float).ravel(), np.asarray(y, dtype=float).ravel()
            ax.scatter(x, y, s=14 if len(x) < 200 else 5, alpha=0.8 if len(x) < 200 else 0.4,
                       color=colours[k % len(colours)], label=str(label), zorder=2 + k)
            xs.append(x), ys.append(y)
        everything = np.concatenate(xs + ys) if xs else np.zeros(0)
        everything = everything[np.isfinite(everything)]
        if len(everything) and (identity or slopes):
            low, high = float(everything.min()), float(everything.max())
            line = np.array([min(low, 0.0), high])
            if identity:
                ax.plot(line, line, color="grey", linestyle="--", linewidth=0.9, label="y = x")
            for k, (label, slope) in enumerate((slopes or {}).items()):
                ax.plot(line, slope * line, color="black", linestyle=[":", "-."][k % 2], linewidth=0.9, label=label)
        ax.set_xlabel(xlabel, fontsize=8)
        ax.set_ylabel(ylabel, fontsize=8)
        ax.tick_params(labelsize=7)
        ax.set_title(str(name), fontsize=9)
    if len(axes):  # one legend for every panel, under them, so it hides no point
        handles, labels = axes[0].get_legend_handles_labels()
        figure.legend(handles, labels, loc="outside lower center", ncol=min(3, max(len(labels), 1)), fontsize=8,
                      frameon=False)
    if title:
        figure.suptitle(title, fontsize=11)
    return figure


def scatter(series: Mapping, **options) -> Figure:
    """One scatter plot: `series` {label: (x, y)}; options as `scatter_panels`."""
    return scatter_panels({"": series}, **{"columns": 1, "panel": 4.5, **options})


def paired_tuning(orientations, pairs: Mapping, *, labels=("first", "second"), normalise: bool = True,
                  title: str = "tuning compared", columns: int = 4) -> Figure:
    """Two tuning curves per panel, e.g. a unit and the handwritten detector, a unit and its match in another
    network, ours and the published: `pairs` {panel title: (first responses, second responses)}, both sampled at
    `orientations`. With `normalise`, each curve is divided by its own largest absolute value, so the shapes are
    compared, not the response scales of two different systems."""
    figure, axes = _figure(len(pairs), columns=columns, sharey=normalise)
    order = np.argsort(orientations)
    angles = np.asarray(orientations, dtype=float)[order]
    for ax, (name, (first, second)) in zip(axes, pairs.items()):
        for values, colour, style, label in ((first, "#1f4e79", "-", labels[0]), (second, MARK, "--", labels[1])):
            values = np.asarray(values, dtype=float)[order]
            if normalise:
                values = values / max(float(np.abs(values).max(initial=0)), 1e-12)
            ax.plot(angles, values, color=colour, linestyle=style, linewidth=1.5, label=label)
        ax.set_xticks([0, 90, 180, 270, 360])
        ax.tick_params(labelsize=8)
        ax.set_title(str(name), fontsize=9)
        ax.set_xlabel("orientation (°)", fontsize=8)
    if len(axes):
        axes[0].legend(fontsize=8, frameon=False)
        if normalise:
            axes[0].set_ylabel("response / own peak", fontsize=8)
    figure.suptitle(title, fontsize=11)
    return figure


def image_and_bars(image, values: Mapping, *, highlight=None, marks: Mapping | None = None, ylabel: str = "",
                   title: str = "") -> Figure:
    """One stimulus and what a family makes of it: the image on the left, one bar per unit on the right (the
    `highlight`ed unit, e.g. the winner, in red). `marks`: {unit: text} written under the bars (e.g. each unit's
    preferred orientation)."""
    figure = Figure(figsize=(8.0, 3.2), layout="constrained")
    FigureCanvasAgg(figure)
    left, right = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 2.2]})
    left.imshow(_as_hwc(image), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    left.set_xticks([])
    left.set_yticks([])
    labels = list(values)
    right.bar(range(len(labels)), [float(values[u]) for u in labels],
              color=[MARK if u == highlight else "#1f4e79" for u in labels])
    right.set_xticks(range(len(labels)))
    right.set_xticklabels([f"{u}\n{marks[u]}" if marks and u in marks else str(u) for u in labels], fontsize=7)
    right.set_ylabel(ylabel, fontsize=9)
    right.tick_params(labelsize=8)
    figure.suptitle(title, fontsize=10)
    return figure
