"""Curve circuits, ablation: the units downstream that read the curve family need it for circles, not for squares.

Readers: the units of the downstream layer (probes.circuits.downstream_layer; for lite0 blocks.6.expand) with the
largest positive expanded weight from the family, as in `curves.use`. Stimuli: circle and square outlines of the
same sizes (0.2 and 0.3 of the readers' field), confirmation colours. Ablation: the family's units output zero
(probes.circuits.ablated); control: as many random units of the family's layer, 20 draws.
Predictions, fixed on constructed_curves (circle readers of a planted curve family, square readers of its line
units) and the null twin before lite0 ran:
  circles     the family's ablation lowers the readers' mean response to circles more than ablating as many
              random units does, in at least 95% of 100 random ablations (rank; Wilson interval over the draws)
  squares     the family ablation takes a larger share of the readers' response to circles than to squares
              (share carried for circles minus for squares >= 0; the interval resamples the readers)
The registry keeps the first form of `circles`, the family's drop over the mean random drop >= 2 (capped at 100:
random ablations change the readers by about 0, so the ratio is undefined rather than large), still measured.
"""
import numpy as np
import torch

from fixtures import claim
from probes.capture import capture
from probes.evidence import rank_against, rank_interval
from probes.figures import against_draws, grouped_bars
from probes.circuits import ablated, downstream_layer, expanded_weights, family_readers
from probes.protocol import CONFIRMATION
from probes.receptive_field import receptive_field
from probes.stimuli.sets import outlines
from probes.tuning import centre_responses

DRAWS = 100
CIRCLES = "rank of the family's circle drop among random ablations"
SQUARES = "share carried for circles minus for squares"
DROP_RATIO = "circle drop, family / random ablation"  # superseded: a capped ratio


@claim("curve_circuits.ablation", "Ablating the curve family lowers its readers' response to circles at least twice "
       "as much as ablating random units, and takes a smaller share of their response to squares.",
       source="Zoom In, Claim 2 (circuits); Curve Circuits", kind="circuit", positive="constructed_curves",
       predictions={CIRCLES: ">= 0.95", SQUARES: ">= 0"}, resample="units")
def test_family_ablation_hits_circles_not_squares(model, curve_family, evidence, figures):
    downstream = downstream_layer(model, curve_family.layer)
    field = receptive_field(model, downstream)
    canvas = torch.zeros(1, 3, field.canvas, field.canvas)
    channels = capture(model, canvas, downstream, center=True)[downstream].shape[1]
    readers = family_readers(expanded_weights(model, curve_family.layer, downstream, range(channels),
                                              size=field.canvas), curve_family.units)
    radii = torch.tensor([0.2, 0.3]) * field.size
    widths = torch.full((2,), max(1.0, CONFIRMATION["width_fraction"] * field.size))
    colours = dict(foreground=CONFIRMATION["foreground"], background=CONFIRMATION["background"])
    shapes = torch.cat([outlines(field.canvas, "circle", radii, widths, **colours),
                        outlines(field.canvas, "square", radii, widths, **colours)])

    def response() -> np.ndarray:  # (reader, circle or square): each reader's mean response
        out = centre_responses(model, downstream, shapes, background=CONFIRMATION["background"], units=readers)
        return np.stack([out[:2].mean(0), out[2:].mean(0)], axis=1)

    intact = response()
    with ablated(model, curve_family.layer, curve_family.units):
        family_drop = intact - response()
    others = [u for u in range(channels_of(model, curve_family.layer)) if u not in curve_family.units]
    generator = torch.Generator().manual_seed(0)
    random_circle = []
    for _ in range(DRAWS):
        chosen = [others[i] for i in torch.randperm(len(others), generator=generator)[:len(curve_family.units)]]
        with ablated(model, curve_family.layer, chosen):
            random_circle.append(float((intact - response())[:, 0].mean()))
    circle_drop = float(family_drop[:, 0].mean())
    reader_tags = [f"{downstream}:{r}" for r in readers]
    figures.add("readers intact and ablated", lambda: grouped_bars(  # lambdas: drawn only when a report is written
        readers, {"circles": intact[:, 0], "circles, family ablated": intact[:, 0] - family_drop[:, 0],
                  "squares": intact[:, 1], "squares, family ablated": intact[:, 1] - family_drop[:, 1]},
        ylabel="mean response", title=f"{downstream}: the curve family's readers"),
        caption="Each reader's mean response to circle and square outlines, intact and with the curve family zeroed: "
                "the claim is that the family carries more of the circle response than of the square response.",
        units=reader_tags)
    figures.add("circle drop vs random ablations", lambda: against_draws(
        random_circle, {"family ablated": circle_drop}, xlabel="drop of the readers' mean circle response",
        title=f"zeroing {len(curve_family.units)} units of {curve_family.layer}"),
        caption=f"The readers' circle response drop with the family zeroed, against {DRAWS} ablations of as many "
                "random units of its layer (the claim: above 95% of them).", units=reader_tags)
    evidence.record("readers", len(readers))
    evidence.record("circle response drop, family ablated", circle_drop)
    evidence.record("circle response drop, random ablation (mean)", float(np.mean(random_circle)), n=DRAWS)
    evidence.measure(CIRCLES, rank_against(circle_drop, random_circle), ci=rank_interval(circle_drop, random_circle),
                     n=DRAWS)
    if np.mean(random_circle) > 0:
        evidence.measure(DROP_RATIO, circle_drop / float(np.mean(random_circle)), n=DRAWS)
    else:
        evidence.inconclusive(DROP_RATIO, "random ablations do not lower the readers on average: no ratio")

    def share_difference(chosen: np.ndarray) -> float:  # the family's share of circles minus of squares
        whole, dropped = intact[chosen].sum(0), family_drop[chosen].sum(0)
        return float(dropped[0] / whole[0] - dropped[1] / whole[1]) if (whole > 0).all() else np.nan

    if not (intact.sum(0) > 0).all():
        evidence.inconclusive(SQUARES, "the readers answer no circle or no square: no share to compare")
        return
    evidence.record("share of the circle response the family carries", float(family_drop[:, 0].sum() / intact[:, 0].sum()))
    draws = [share_difference(idx) for idx in _resamples(len(readers))]
    draws = [d for d in draws if np.isfinite(d)]
    evidence.measure(SQUARES, share_difference(np.arange(len(readers))), n=len(readers),
                     ci=(float(np.quantile(draws, 0.025)), float(np.quantile(draws, 0.975))))


def _resamples(count: int, times: int = 500) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    return [rng.integers(0, count, count) for _ in range(times)]


def channels_of(model, layer: str) -> int:
    size = receptive_field(model, layer).canvas
    return capture(model, torch.zeros(1, 3, size, size), layer, center=True)[layer].shape[1]
