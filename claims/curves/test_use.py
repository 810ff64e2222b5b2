"""Curves, argument 6 (use): the units downstream that prefer circles to squares depend on the curve family
for it.

Readers are chosen by what they answer, never by their weights from the family (probes.circuits.wiring.shape_readers):
across the first three later layers that combine channels over a larger field, whatever their stride
(probes.circuits.wiring.downstream_layers), the units (at most 16) whose circle/square contrast on discovery outlines
(zoom_in_claims.curves.READER_DISCOVERY: discovery's stroke and colours) is at least 1/9. Choosing them by their weight
from the family made the ablation test circular (ablating the family had to lower them; random ablations moved
them by about -0.006) and left 5 readers. Predictions, on other outlines (READER_CONFIRMATION: other radii, the
confirmation stroke and colours):
  circle/square   median over readers of (circle - square) / (circle + square) >= 0.111 (circle/square >= 1.25),
                  the interval resampling the readers
  ablation        zeroing the family lowers the readers' circle responses (mean relative drop) more than zeroing
                  as many random units of its layer, in at least 95% of 100 random ablations (the rank; Wilson
                  interval over the draws); the z-score against the draws is recorded
On lite0 this is a refutation, kept as such (expect="refuted"): 15 readers in blocks.6-8.expand prefer circles
on the confirmation outlines (contrast 1 [0.571, 1]), but zeroing the 7 curve units lowers their circle response
less than a typical random ablation of 7 units of blocks.5.expand does (rank 0.33 [0.246, 0.427]). On the
positive control both hold (0.421 [0.308, 0.497]; rank 1 [0.963, 1]); on its near miss
(constructed_curves_blind_readers: circle readers fed by straight-line units, not the family) both are refuted.
The registry keeps the earlier forms, still measured: readers chosen by the largest positive expanded weight from
the family in the first downstream layer (both predictions), by their share of input from the family, and the
family's drop over the mean random drop (a capped ratio).
"""
import numpy as np
import torch

from probes.activations.capture import capture, layer_shapes
from probes.activations.receptive_field import receptive_field
from probes.circuits.wiring import ablated, expanded_weights, family_readers
from probes.measures.baselines import other_units, random_unit_sets
from probes.measures.tuning import centre_responses
from probes.records.evidence import MeasurementError, bootstrap_ci, rank_against, rank_interval, z_against
from probes.records.figures import against_draws, grouped_bars
from probes.stimuli.protocol import CONFIRMATION
from probes.stimuli.sets import outlines
from zoom_in_claims import claim
from zoom_in_claims.curves import READER_RANGES

RANDOM_DRAWS = 100
READER_CIRCLES = "median circle/square contrast of readers chosen by their responses (a-b)/(a+b)"
READER_ABLATION = "rank of the family's ablation drop among random ablations, readers chosen by their responses"
CIRCLES = "median circle/square contrast of readers (a-b)/(a+b)"  # superseded: readers chosen by weight
ABLATION = "rank of the family's ablation drop among random ablations"  # superseded: readers chosen by weight
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


@claim("curves.use", "Downstream units chosen for preferring circles to squares (on discovery outlines) keep "
       "preferring them on other outlines, and ablating the curve family lowers their response to circles more "
       "than ablating as many random units does.",
       source="Zoom In, Claim 1, argument 6 (feature use)", kind="use", positive="constructed_curves",
       near_miss="constructed_curves_blind_readers", expect="refuted",
       predictions={READER_CIRCLES: ">= 0.111", READER_ABLATION: ">= 0.95"}, resample="units")
def test_readers_prefer_curved_shapes(model, curve_family, curve_readers, evidence, figures):
    layers, readers, ablations = curve_readers.layers, curve_readers.readers, curve_readers.ablations
    evidence.record("readers chosen by their responses", len(readers))
    for layer in layers:
        evidence.record(f"readers in {layer}", sum(at == layer for at, _ in readers))
    evidence.ranges("circle and square outlines", **READER_RANGES)
    if not readers:
        for name in (READER_CIRCLES, READER_ABLATION):
            evidence.inconclusive(name, f"no unit of {', '.join(layers)} prefers circles on the discovery outlines")
    else:
        median_contrast(evidence, READER_CIRCLES, ablations.intact[:, 0], ablations.intact[:, 1])
        if not ablations.answering.any():
            evidence.inconclusive(READER_ABLATION, "the readers answer no confirmation circle")
        else:
            family_drop = ablations.relative_circle_drop(ablations.family)
            random_drops = [ablations.relative_circle_drop(draw) for draw in ablations.random]
            evidence.record("readers' relative circle drop, family ablated", family_drop)
            evidence.record("readers' relative circle drop, mean random ablation", float(np.mean(random_drops)))
            try:
                z, z_ci = z_against(family_drop, random_drops)
                evidence.record("z-score of the family's drop against random ablations", z, ci=z_ci,
                                n=len(random_drops))
            except MeasurementError:
                pass
            evidence.measure(READER_ABLATION, rank_against(family_drop, random_drops),
                             ci=rank_interval(family_drop, random_drops), n=len(random_drops))

    # The superseded forms: readers chosen by their weights from the family, in the first downstream layer.
    downstream = layers[0]
    others = other_units(layer_shapes(model)[curve_family.layer][0], curve_family.units)
    field = receptive_field(model, downstream)
    channels = capture(model, torch.zeros(1, 3, field.canvas, field.canvas), downstream,
                       center=True)[downstream].shape[1]
    weights = expanded_weights(model, curve_family.layer, downstream, range(channels), size=field.canvas)
    readers = family_readers(weights, curve_family.units)
    evidence.record("readers", len(readers))
    if not readers:  # nothing reads the family by weight (a near miss whose readers ignore it)
        for name in (CIRCLES, ABLATION, SHARE_READERS, DROP_RATIO):
            evidence.inconclusive(name, f"no unit of {downstream} reads the family by weight")
        return

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
    random_drops = []
    for chosen in random_unit_sets(others, len(curve_family.units), RANDOM_DRAWS):
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

