"""Curves, argument 4 (joint tuning): as a curve rotates, the most active unit of the family moves through
the family in orientation order.

Responses to the confirmation sweep are normalised per unit (by the unit's peak over the sweep) so a unit
with a large output scale doesn't win everywhere; the winner's pre-registered orientation (atlas) is
compared with the stimulus orientation, over the stimuli the family answers at all (probes.tuning.joint_tuning).
Predictions:
  sweep       at most half of the sweep leaves the whole family silent, and among the rest the winner's
              orientation is within 45 degrees of the stimulus's for at least 75% (chance, a random winner: 25%)
  property    (Hypothesis): for ANY curve in the confirmation radius range, width and span that the family
              answers, the winner's orientation is within 60 degrees of the curve's; and the family answers at
              least half of the curves drawn
A falsified property reports the minimal counterexample Hypothesis shrank to. A third claim rotates each unit's
own top photograph crops towards its neighbour's orientation.

What changed, and why (issue "Positive controls"): the sweep claim used to take the argmax over every stimulus
and test Fisher-Lee's circular correlation >= 0.8. On a constructed network with 16 perfect curve detectors
(constructed_curves) it measured 0.50: stimuli that silence the family were handed to the first unit (argmax of
zeros) and the correlation is dominated by those few 180-degree errors. The statistic above was chosen on that
positive control and the null twin before it ran on lite0 again; the correlation is still recorded. Old result
on lite0: correlation 0.53 (n=144), REFUTED; the property's counterexample was Curve(orientation=0, radius=17,
width=4, span=90), winner 119 degrees off. The property, likewise, used to count a curve no unit answers as a
180-degree error; on constructed_curves Hypothesis then shrank to a faint thin curve the thresholded family
ignores (orientation 13, radius 9, width 1.6). Silence is now its own prediction, as in the sweep.

Measured on EfficientNet-Lite0 with the fixed statistic: the sweep HOLDS, 86% [79, 91] of the 136 responsive
stimuli (5.6% of the sweep is silent) have a winner within 45 degrees, median error 13 degrees (Fisher-Lee 0.61);
null twin 32%, positive control 100%.
"""
import numpy as np
import torch
from hypothesis import assume, given
from hypothesis.errors import Unsatisfiable
from torchvision.transforms.functional import center_crop, rotate

from probes.protocol import CONFIRMATION
from fixtures import claim
from probes.capture import capture
from probes.evidence import ClaimRefuted, wilson_ci
from probes.images import crops
from probes.stimuli.strategies import curves
from probes.tuning import centre_responses, joint_tuning

SOURCE = "Zoom In, Claim 1, argument 4 (joint tuning)"
POSITIVE = "constructed_curves"
TOLERANCE = 60.0


@claim("curves.joint_tuning", "Rotating a curve moves the argmax unit through the curve family in orientation order.",
       source=SOURCE, kind="joint tuning", positive=POSITIVE)
def test_rotation_moves_argmax(curve_family, preferred, confirmation_curves, evidence):
    orientations = np.array([preferred[u] for u in curve_family.units])
    sweep = joint_tuning(confirmation_curves.responses, confirmation_curves.stimuli.params["orientation"].numpy(),
                         orientations)
    n = len(confirmation_curves.responses)
    evidence.at_most("fraction of the sweep that leaves the family silent", sweep.silent, 0.5, n=n)
    responsive = len(sweep.errors)
    if responsive:
        evidence.record("median |stimulus - winner| (degrees)", float(np.median(sweep.errors)), n=responsive)
        evidence.record("Fisher-Lee correlation of stimulus and winner orientation", sweep.correlation, n=responsive)
    hits = int(np.sum(sweep.errors <= 45.0))
    evidence.at_least("fraction of responsive stimuli whose winner is within 45 degrees", sweep.within(45.0), 0.75,
                      ci=wilson_ci(hits, responsive), n=responsive)


@claim("curves.joint_tuning.property", f"For any curve in the family's radius range, the argmax unit's preferred "
       f"orientation is within {TOLERANCE:.0f} degrees of the curve's orientation.", source=SOURCE,
       kind="joint tuning", expect="refuted", positive=POSITIVE)
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
        evidence.at_most(f"argmax error for minimal counterexample {worst['curve']}", worst["error"], TOLERANCE,
                         n=len(checked))
    except Unsatisfiable:  # the family answered none of the curves drawn
        pass
    drawn = len(checked) + len(silent)
    evidence.at_most("fraction of drawn curves the family leaves silent", len(silent) / max(drawn, 1), 0.5, n=drawn)
    evidence.at_most("largest argmax error over Hypothesis examples (degrees)", max(checked, default=180.0),
                     TOLERANCE, n=len(checked))


@claim("curves.joint_tuning.crops", "Rotating a unit's own top dataset crops towards its orientation neighbour makes "
       "it stop firing while the neighbour starts.", source=SOURCE, kind="joint tuning", expect="refuted",
       positive=POSITIVE, min_images=8)  # 4 top crops from the confirmation half
def test_rotating_top_crops_hands_over(model, curve_family, preferred, family_field, images, activations, evidence):
    """Top 4 crops per unit from the confirmation photographs (odd positions), cut 1.5x larger than the canvas,
    rotated by the signed angle from the unit's orientation to its nearest neighbour's, then centre-cropped.
    Prediction: in at least half of the (unit, crop) pairs the unit's response falls below half its original
    AND the neighbour's response rises.

    Measured on EfficientNet-Lite0: REFUTED, 25% [13, 43] of 28 crops. Kept as a known negative result."""
    confirmation = torch.arange(1, len(images), 2)
    layer_acts = activations(curve_family.layer)[curve_family.layer][confirmation]
    height, width = layer_acts.shape[-2:]
    canvas = family_field.canvas
    units = curve_family.units
    handovers, pairs = 0, 0
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
        handovers += int((stops & starts).sum())
        pairs += len(top)
    evidence.at_least("fraction of crops where the unit stops and its neighbour starts", handovers / pairs, 0.5,
                      ci=wilson_ci(handovers, pairs), n=pairs)
