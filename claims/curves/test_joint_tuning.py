"""Curves, argument 4 (joint tuning): as a curve rotates, the most active unit of the family moves through
the family in orientation order.

Responses to the confirmation sweep are normalised per unit (by the unit's peak over the sweep) so a unit
with a large output scale doesn't win everywhere; the winner's pre-registered orientation (atlas) is
compared with the stimulus orientation, over the stimuli the family answers at all (probes.tuning.joint_tuning).
The sweep is fixed; what varies is which units the family has, so intervals resample the units (each resample
re-runs the competition among the drawn units). Predictions:
  sweep       at most half of the sweep leaves the whole family silent, and among the rest the winner's
              orientation is within 45 degrees of the stimulus's for at least 75% (chance, a random winner: 25%)
  property    (Hypothesis, resampling stimuli): for ANY curve in the confirmation radius range, width and span that
              the family answers, the winner's orientation is within 60 degrees of the curve's; and the family
              answers at least half of the curves drawn
  crops       rotating each unit's own top photograph crops towards its neighbour's orientation hands over
A falsified property reports the minimal counterexample Hypothesis shrank to. The sweep's first form, Fisher-Lee's
circular correlation >= 0.8, is kept by the registry as superseded and still measured: it was replaced after
constructed_curves showed that silent stimuli handed to the first unit dominate it.
"""
import numpy as np
import torch
from hypothesis import assume, given
from hypothesis.errors import Unsatisfiable
from torchvision.transforms.functional import center_crop, rotate

from probes.protocol import CONFIRMATION
from fixtures import claim
from probes.capture import capture
from probes.evidence import ClaimRefuted, bootstrap_over, wilson_ci
from probes.images import crops
from probes.stimuli.strategies import curves
from probes.tuning import centre_responses, joint_tuning

SOURCE = "Zoom In, Claim 1, argument 4 (joint tuning)"
POSITIVE = "constructed_curves"
TOLERANCE = 60.0
SILENT = "fraction of the sweep that leaves the family silent"
WITHIN = "fraction of responsive stimuli whose winner is within 45 degrees"
FISHER_LEE = "Fisher-Lee correlation of stimulus and winner orientation"  # superseded: the sweep's first form
DRAWN_SILENT = "fraction of drawn curves the family leaves silent"
LARGEST_ERROR = "largest argmax error over Hypothesis examples (degrees)"
HANDOVER = "fraction of crops where the unit stops and its neighbour starts"


@claim("curves.joint_tuning", "Rotating a curve moves the argmax unit through the curve family in orientation order.",
       source=SOURCE, kind="joint tuning", positive=POSITIVE, predictions={SILENT: "<= 0.5", WITHIN: ">= 0.75"},
       resample="units")
def test_rotation_moves_argmax(curve_family, preferred, confirmation_curves, evidence):
    orientations = np.array([preferred[u] for u in curve_family.units])
    stimulus = confirmation_curves.stimuli.params["orientation"].numpy()

    def sweep_of(units):
        return joint_tuning(confirmation_curves.responses[:, units], stimulus, orientations[units])

    sweep, count = sweep_of(np.arange(len(orientations))), len(orientations)
    evidence.measure(SILENT, sweep.silent, ci=bootstrap_over(count, lambda u: sweep_of(u).silent), n=count)
    if len(sweep.errors) < 2:
        for name in (WITHIN, FISHER_LEE):
            evidence.inconclusive(name, "the family answers fewer than two stimuli of the sweep")
        return
    evidence.record("median |stimulus - winner| (degrees)", float(np.median(sweep.errors)), n=len(sweep.errors))

    def defined(statistic):  # a resample whose units answer nothing has no winner: it is drawn again
        return lambda u: statistic(sweep_of(u)) if len(sweep_of(u).errors) > 1 else np.nan
    evidence.measure(WITHIN, sweep.within(45.0), ci=_interval(count, defined(lambda s: s.within(45.0))), n=count)
    evidence.measure(FISHER_LEE, sweep.correlation, ci=_interval(count, defined(lambda s: s.correlation)), n=count)


def _interval(count: int, statistic) -> tuple[float, float]:
    """Bootstrap over units, dropping the resamples where the statistic is undefined."""
    rng = np.random.default_rng(0)
    values = [statistic(rng.integers(0, count, count)) for _ in range(500)]
    values = np.asarray([v for v in values if np.isfinite(v)])
    return float(np.quantile(values, 0.025)), float(np.quantile(values, 0.975))


@claim("curves.joint_tuning.property", f"For any curve in the family's radius range, the argmax unit's preferred "
       f"orientation is within {TOLERANCE:.0f} degrees of the curve's orientation.", source=SOURCE,
       kind="joint tuning", expect="refuted", positive=POSITIVE,
       predictions={DRAWN_SILENT: "<= 0.5", LARGEST_ERROR: f"<= {TOLERANCE:g}"}, resample="stimuli")
def test_argmax_tracks_any_curve(model, curve_family, preferred, family_field, confirmation_curves, evidence):
    orientations = np.array([preferred[u] for u in curve_family.units])
    scale = confirmation_curves.responses.max(0)
    low, high = (f * family_field.size for f in CONFIRMATION["radius_fractions"])
    width = CONFIRMATION["width_fraction"] * family_field.size
    checked, silent, worst = [], [], {}

    @given(curve=curves(radius=(low, high), width=(0.75 * width, 1.25 * width),
                        foreground=CONFIRMATION["foreground"], background=CONFIRMATION["background"]))
    def argmax_tracks(curve):
        response = centre_responses(model, curve_family.layer, curve.render(family_field.canvas),
                                    background=CONFIRMATION["background"], units=curve_family.units)
        single = joint_tuning(response, np.array([curve.orientation]), orientations, scale=scale)
        if not len(single.errors):  # no unit answers: no winner to judge
            silent.append(curve)
            assume(False)
        error = float(single.errors[0])
        checked.append(error)
        if error > TOLERANCE:
            worst.update(curve=curve, error=error)
            raise ClaimRefuted(f"argmax unit off by {error:.0f} degrees for {curve}")

    try:
        argmax_tracks()
    except ClaimRefuted:  # Hypothesis replays the minimal example last: report it as the finding
        evidence.record("argmax error for the minimal counterexample", worst["error"], note=str(worst["curve"]))
    except Unsatisfiable:  # the family answered none of the curves drawn
        pass
    drawn = len(checked) + len(silent)
    evidence.measure(DRAWN_SILENT, len(silent) / drawn, ci=wilson_ci(len(silent), drawn), n=drawn)
    if not checked:
        evidence.inconclusive(LARGEST_ERROR, "the family answered none of the curves drawn")
        return
    # The largest error over the examples Hypothesis searched: an exact statement about those curves.
    evidence.measure(LARGEST_ERROR, max(checked), n=len(checked))


@claim("curves.joint_tuning.crops", "Rotating a unit's own top dataset crops towards its orientation neighbour makes "
       "it stop firing while the neighbour starts.", source=SOURCE, kind="joint tuning", expect="refuted",
       positive=POSITIVE, min_images=8, predictions={HANDOVER: ">= 0.5"}, resample="units")  # 4 top crops a unit
def test_rotating_top_crops_hands_over(model, curve_family, preferred, family_field, images, activations, evidence):
    """Top 4 crops per unit from the confirmation photographs (odd positions), cut 1.5x larger than the canvas,
    rotated by the signed angle from the unit's orientation to its nearest neighbour's, then centre-cropped.
    Prediction: in at least half of the (unit, crop) pairs the unit's response falls below half its original
    AND the neighbour's response rises. A unit's crops share the unit, so the interval resamples units."""
    confirmation = torch.arange(1, len(images), 2)
    layer_acts = activations(curve_family.layer)[curve_family.layer][confirmation]
    height, width = layer_acts.shape[-2:]
    canvas = family_field.canvas
    units = curve_family.units
    handovers, pairs = [], []
    for k, unit in enumerate(units):
        others = [j for j in range(len(units)) if j != k]
        offsets = [((preferred[units[j]] - preferred[unit] + 180) % 360) - 180 for j in others]
        nearest = int(np.argmin(np.abs(offsets)))
        neighbour, angle = others[nearest], offsets[nearest]
        best_value, best_position = layer_acts[:, unit].flatten(1).max(1)
        top = best_value.topk(4).indices
        rows, cols = best_position[top] // width, best_position[top] % width
        large = crops(images.images, confirmation[top], rows, cols, (height, width), int(canvas * 1.5) | 1)
        original = center_crop(large, [canvas, canvas])
        rotated = center_crop(rotate(large, float(angle)), [canvas, canvas])
        out = capture(model, torch.cat([original, rotated]), curve_family.layer, center=True)[curve_family.layer]
        before, after = out[: len(top)], out[len(top):]
        stops = after[:, unit] < 0.5 * before[:, unit]
        starts = after[:, units[neighbour]] > before[:, units[neighbour]]
        handovers.append(int((stops & starts).sum()))
        pairs.append(len(top))
    handovers, pairs = np.array(handovers), np.array(pairs)
    evidence.measure(HANDOVER, handovers.sum() / pairs.sum(), n=int(pairs.sum()),
                     ci=bootstrap_over(len(units), lambda u: handovers[u].sum() / pairs[u].sum()))
