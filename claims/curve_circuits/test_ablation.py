"""Curve circuits, ablation: the units downstream that prefer circles need the curve family for circles, not for
squares.

Readers are chosen by what they answer, never by their weights from the family, as in `curves.use`
(probes.circuits.wiring.shape_readers over probes.circuits.wiring.downstream_layers, whatever their stride): at most 16
units whose circle/square contrast on discovery outlines (zoom_in_claims.curves.READER_DISCOVERY) is at least 1/9.
Readers chosen by their largest positive weight from the family had to drop when it was ablated: the test was circular.
Stimuli: circle and square outlines of other radii, the confirmation stroke and colours (READER_CONFIRMATION).
Ablation: the family's units output zero (probes.circuits.wiring.ablated); control: as many random units of its layer,
100 draws. Each reader's responses are divided by its intact circle response, so readers of different layers
weigh alike. Predictions:
  circles     the family's ablation lowers the readers' circle responses more than ablating as many random units
              does, in at least 95% of 100 random ablations (rank; Wilson interval over the draws)
  squares     the family ablation takes a larger share of the readers' response to circles than to squares
              (share carried for circles minus for squares >= 0; the interval resamples the readers)
On lite0 this is a refutation, kept as such (expect="refuted"): the 15 circle readers in blocks.6-8.expand lose
less of their circle response when the 7 curve units are zeroed than when a typical 7 random units are (rank 0.33
[0.246, 0.427]; squares -0.066 [-0.354, 0.198]). On the positive control the ranks are 1 [0.963, 1] (its readers
get squares through curve units at the corners too, so the squares prediction holds only at 0 [0, 0]); on the near
miss (circle readers fed by straight-line units) the rank is 0 [0, 0.037].
The registry keeps the earlier forms, still measured on readers chosen by weight in the first downstream layer:
the same two predictions, and the family's drop over the mean random drop >= 2 (a capped ratio).
"""
import numpy as np
import torch

from probes.activations.capture import capture, layer_shapes
from probes.activations.receptive_field import receptive_field
from probes.circuits.wiring import ablated, expanded_weights, family_readers
from probes.measures.baselines import other_units, random_unit_sets
from probes.measures.tuning import centre_responses
from probes.records.evidence import rank_against, rank_interval
from probes.records.figures import against_draws, grouped_bars
from probes.stimuli.protocol import CONFIRMATION
from probes.stimuli.sets import outlines
from zoom_in_claims import claim
from zoom_in_claims.curves import READER_RANGES

DRAWS = 100
READER_CIRCLES = "rank of the family's circle drop among random ablations, readers chosen by their responses"
READER_SQUARES = "share carried for circles minus for squares, readers chosen by their responses"
CIRCLES = "rank of the family's circle drop among random ablations"  # superseded: readers chosen by weight
SQUARES = "share carried for circles minus for squares"  # superseded: readers chosen by weight
DROP_RATIO = "circle drop, family / random ablation"  # superseded: a capped ratio


@claim("curve_circuits.ablation", "Ablating the curve family lowers the response to circles of the downstream "
       "units that prefer circles more than ablating random units does, and takes a smaller share of their "
       "response to squares.",
       source="Zoom In, Claim 2 (circuits); Curve Circuits", kind="circuit", positive="constructed_curves",
       near_miss="constructed_curves_blind_readers", expect="refuted",
       predictions={READER_CIRCLES: ">= 0.95", READER_SQUARES: ">= 0"}, resample="units")
def test_family_ablation_hits_circles_not_squares(model, curve_family, curve_readers, evidence, figures):
    layers, ablations = curve_readers.layers, curve_readers.ablations
    evidence.record("readers chosen by their responses", len(curve_readers.readers))
    evidence.ranges("circle and square outlines", **READER_RANGES)
    answering = ablations.answering
    if not answering.any():
        for name in (READER_CIRCLES, READER_SQUARES):
            evidence.inconclusive(name, "no downstream unit prefers circles on the discovery outlines and answers "
                                        "the confirmation circles")
    else:
        scale = ablations.intact[answering, :1]  # each reader's intact circle response: readers weigh alike
        intact_n = ablations.intact[answering] / scale
        drop_n = intact_n - ablations.family[answering] / scale
        family_circle = ablations.relative_circle_drop(ablations.family)
        random_n = [ablations.relative_circle_drop(draw) for draw in ablations.random]
        evidence.record("readers' relative circle drop, family ablated", family_circle)
        evidence.record("readers' relative circle drop, random ablation (mean)", float(np.mean(random_n)),
                        n=len(random_n))
        evidence.measure(READER_CIRCLES, rank_against(family_circle, random_n),
                         ci=rank_interval(family_circle, random_n), n=len(random_n))
        measure_share(evidence, READER_SQUARES, intact_n, drop_n)

    # The superseded forms: readers chosen by their weights from the family, in the first downstream layer.
    downstream = layers[0]
    field = receptive_field(model, downstream)
    canvas = torch.zeros(1, 3, field.canvas, field.canvas)
    channels = capture(model, canvas, downstream, center=True)[downstream].shape[1]
    readers = family_readers(expanded_weights(model, curve_family.layer, downstream, range(channels),
                                              size=field.canvas), curve_family.units)
    if not readers:  # nothing reads the family by weight (a near miss whose readers ignore it)
        for name in (CIRCLES, SQUARES, DROP_RATIO):
            evidence.inconclusive(name, f"no unit of {downstream} reads the family by weight")
        return
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
    others = other_units(layer_shapes(model)[curve_family.layer][0], curve_family.units)
    random_circle = []
    for chosen in random_unit_sets(others, len(curve_family.units), DRAWS):
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

    measure_share(evidence, SQUARES, intact, family_drop)


def measure_share(evidence, name: str, intact: np.ndarray, family_drop: np.ndarray) -> None:
    """The family's share of the readers' circle response minus its share of their square response, (reader,
    circle or square) arrays, the interval resampling the readers."""
    def share_difference(chosen: np.ndarray) -> float:
        whole, dropped = intact[chosen].sum(0), family_drop[chosen].sum(0)
        return float(dropped[0] / whole[0] - dropped[1] / whole[1]) if (whole > 0).all() else np.nan

    if not (intact.sum(0) > 0).all():
        evidence.inconclusive(name, "the readers answer no circle or no square: no share to compare")
        return
    evidence.record(f"share of the circle response the family carries ({name})",
                    float(family_drop[:, 0].sum() / intact[:, 0].sum()))
    draws = [share_difference(idx) for idx in _resamples(len(intact))]
    draws = [d for d in draws if np.isfinite(d)]
    if not draws:
        evidence.inconclusive(name, "no resample of the readers answers both circles and squares")
        return
    evidence.measure(name, share_difference(np.arange(len(intact))), n=len(intact),
                     ci=(float(np.quantile(draws, 0.025)), float(np.quantile(draws, 0.975))))


def _resamples(count: int, times: int = 500) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    return [rng.integers(0, count, count) for _ in range(times)]

