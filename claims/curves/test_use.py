"""Curves, argument 6 (use): the units downstream that read the family most strongly prefer curved shapes,
and depend on the family for it.

Downstream layer: the first later layer at twice the family's stride, with its own activation and a different
width (for lite0, blocks.6.expand). Its readers (probes.circuits.family_readers) are the units with the largest
total positive expanded weight from the family, kept while at least half the strongest reader's, at most 5.
Predictions:
  circle/square   median over readers of (circle - square) / (circle + square), their responses to circle and
                  square outlines of the same size, >= 0.111 (circle/square >= 1.25 without a cap); the
                  interval resamples the readers
  ablation        zeroing the family lowers the readers' response to circles more than zeroing as many random
                  units of its layer does, in at least 95% of 100 random ablations (the rank of the family's
                  drop among theirs; its interval is the Wilson interval over the independent random draws)
The registry keeps two superseded forms, still measured: readers chosen by the SHARE of their positive input
that comes from the family (the first form; on constructed_curves weak units with a large share outvoted the
genuine readers), and the family's drop over the mean random drop >= 2, which was capped at 100 (random
ablations change the readers by about 0, so the ratio is undefined, not large).
"""
import numpy as np
import torch

from probes.protocol import CONFIRMATION
from fixtures import claim
from probes.capture import capture
from probes.circuits import ablated, downstream_layer, expanded_weights, family_readers
from probes.evidence import bootstrap_ci, rank_against, rank_interval
from probes.figures import against_draws, grouped_bars
from probes.receptive_field import receptive_field
from probes.stimuli.sets import outlines
from probes.tuning import centre_responses

RANDOM_DRAWS = 100
CIRCLES = "median circle/square contrast of readers (a-b)/(a+b)"
ABLATION = "rank of the family's ablation drop among random ablations"
SHARE_READERS = "median circle/square contrast of readers chosen by input share"  # superseded: first form
DROP_RATIO = "family ablation drop / mean random ablation drop"  # superseded: a capped ratio


def share_readers(weights: torch.Tensor, family, most: int = 5) -> list[int]:
    """The superseded reader choice: the units whose positive input comes most from the family, by share."""
    positive = weights.clamp(min=0).sum((-2, -1))
    share = positive[:, list(family)].sum(1) / positive.sum(1).clamp(min=1e-12)
    return [int(u) for u in share.argsort(descending=True)[:most]]


def median_contrast(evidence, name: str, circle: np.ndarray, square: np.ndarray) -> None:
    answered = (circle + square) > 0
    if not answered.any():
        evidence.inconclusive(name, "the readers answer neither circles nor squares")
        return
    contrasts = (circle - square)[answered] / (circle + square)[answered]
    evidence.measure(name, float(np.median(contrasts)), ci=bootstrap_ci(contrasts, np.median), n=len(contrasts))


@claim("curves.use", "The downstream units that read the curve family most strongly prefer circles to squares, and "
       "ablating the family lowers their response to circles more than ablating random units.",
       source="Zoom In, Claim 1, argument 6 (feature use)", kind="use", positive="constructed_curves",
       predictions={CIRCLES: ">= 0.111", ABLATION: ">= 0.95"}, resample="units")
def test_readers_prefer_curved_shapes(model, curve_family, evidence, figures):
    downstream = downstream_layer(model, curve_family.layer)
    field = receptive_field(model, downstream)
    channels = capture(model, torch.zeros(1, 3, field.canvas, field.canvas), downstream, center=True)[downstream].shape[1]
    weights = expanded_weights(model, curve_family.layer, downstream, range(channels), size=field.canvas)
    readers = family_readers(weights, curve_family.units)
    evidence.record("readers", len(readers))

    radii = torch.tensor([0.2, 0.3]) * field.size
    widths = torch.full((2,), max(1.0, CONFIRMATION["width_fraction"] * field.size))
    style = dict(foreground=CONFIRMATION["foreground"], background=CONFIRMATION["background"])
    circles = outlines(field.canvas, "circle", radii, widths, **style)
    squares = outlines(field.canvas, "square", radii, widths, **style)

    def responses(images, units):
        return centre_responses(model, downstream, images, background=CONFIRMATION["background"], units=units).mean(0)

    median_contrast(evidence, CIRCLES, responses(circles, readers), responses(squares, readers))
    by_share = share_readers(weights, curve_family.units)
    median_contrast(evidence, SHARE_READERS, responses(circles, by_share), responses(squares, by_share))

    intact = responses(circles, readers).mean()
    with ablated(model, curve_family.layer, curve_family.units):
        family_drop = intact - responses(circles, readers).mean()
    others = [u for u in range(weights.shape[1]) if u not in curve_family.units]
    generator = torch.Generator().manual_seed(0)
    random_drops = []
    for _ in range(RANDOM_DRAWS):
        chosen = [others[i] for i in torch.randperm(len(others), generator=generator)[:len(curve_family.units)]]
        with ablated(model, curve_family.layer, chosen):
            random_drops.append(intact - responses(circles, readers).mean())
    def readers_figure():
        with ablated(model, curve_family.layer, curve_family.units):
            ablated_circles = responses(circles, readers)
        return grouped_bars(readers, {"circles": responses(circles, readers),
                                      "circles, family ablated": ablated_circles,
                                      "squares": responses(squares, readers)},
                            ylabel="mean response", title=f"{downstream}: the family's readers")

    reader_tags = [f"{downstream}:{r}" for r in readers]
    figures.add("readers: circles, squares, ablation", readers_figure,  # drawn only when a report is written
                caption=f"The {len(readers)} units of {downstream} that read the curve family most: their mean "
                        "response to circle and square outlines of the same sizes, and to the circles with the family "
                        "ablated.",
                units=reader_tags)
    figures.add("ablation drop vs random ablations", lambda: against_draws(
        random_drops, {"family ablated": float(family_drop)}, xlabel="drop of the readers' mean circle response",
        title=f"zeroing {len(curve_family.units)} units of {curve_family.layer}"),
        caption=f"The readers' circle response drop when the family is zeroed, against {RANDOM_DRAWS} ablations of "
                "as many random units of its layer (the claim: above 95% of them).", units=reader_tags)
    evidence.record("readers' circle response drop, family ablated", float(family_drop))
    evidence.record("readers' circle response drop, mean random ablation", float(np.mean(random_drops)))
    evidence.measure(ABLATION, rank_against(family_drop, random_drops), ci=rank_interval(family_drop, random_drops),
                     n=RANDOM_DRAWS)
    if np.mean(random_drops) > 0:
        evidence.measure(DROP_RATIO, float(family_drop / np.mean(random_drops)), n=RANDOM_DRAWS)
    else:
        evidence.inconclusive(DROP_RATIO, "random ablations do not lower the readers on average: no ratio")
