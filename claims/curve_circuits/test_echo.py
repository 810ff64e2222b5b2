"""Curve circuits, editing: the family's inhibition holds down its response to the opposite curve. Remove it
and an "echo" appears 180 degrees from each unit's preferred orientation (Curve Circuits, "removing negative
weights").

Edit: every negative weight into the family units of the convolution that computes the family's pre-activation
(probes.circuits.edits.remove_negative_inputs). For lite0 that is blocks.5's 1x1 expansion from blocks.4's output (40
channels): the only weights that connect the family to the layer before it; the sign is taken after the batch
norm's per-channel scale. Control: the same number of weights per unit removed at random, any sign, 20 draws.
Responses are read BEFORE the family's ReLU, on the confirmation sweep (72 orientations, 2 radii averaged), so a
threshold cannot hide a rise: for each unit, the echo change is (after - before) at its peak orientation plus
180 degrees, in units of its tuning curve's range before the edit.
Predictions, fixed on the positive control (constructed_curves, where inhibition along the opposing arc is
planted: 0.52) and the null twin before lite0 ran:
  echo         median echo change over the family >= 0.2 (interval: resampling the family's units)
  specificity  the median echo change lies at least 2 standard deviations above the random edits' median echo
               changes (z-score among the 20 draws; interval: resampling the draws)
The first form of `specificity`, "exceeds the largest random edit's" (>= 0 after subtraction), is kept by the
registry as superseded and still measured: a maximum of 20 draws is no distribution.
"""
import numpy as np
import torch

from probes.circuits.edits import applied, producing_convolution, remove_negative_inputs, remove_random_inputs
from probes.measures.tuning import centre_responses
from probes.records.evidence import bootstrap_ci, z_against
from probes.records.figures import against_draws, before_after
from probes.stimuli.protocol import CONFIRMATION
from zoom_in_claims import claim

DRAWS = 20
ECHO = "median echo change, negative weights removed (tuning range)"
SPECIFIC = "echo change, z-score among random edits"
OVER_LARGEST = "echo change minus the largest random edit's"  # superseded: a maximum of draws


def sweep_tuning(model, family, confirmation_curves) -> np.ndarray:
    """(orientations, units) pre-activation tuning, averaged over the sweep's radii."""
    responses = centre_responses(model, family.layer, confirmation_curves.stimuli.images, units=family.units,
                                 background=CONFIRMATION["background"], pre_activation=True)
    radii = len(np.unique(confirmation_curves.stimuli.params["radius"].numpy()))
    return responses.reshape(radii, -1, len(family.units)).mean(0)


def echo_change(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    peak = before.argmax(0)
    echo = (peak + before.shape[0] // 2) % before.shape[0]
    columns = np.arange(before.shape[1])
    scale = np.maximum(before.max(0) - before.min(0), 1e-12)
    return (after[echo, columns] - before[echo, columns]) / scale


@claim("curve_circuits.echo", "Removing the negative weights into the curve family makes each unit respond to the "
       "curve 180 degrees from its preferred orientation (an echo), far more than removing as many random weights.",
       source="Curve Circuits (Cammarata et al. 2020), weight editing: removing negative weights", kind="editing",
       expect="refuted", positive="constructed_curves", near_miss="constructed_curves_unopposed",
       predictions={ECHO: ">= 0.2", SPECIFIC: ">= 2"},
       resample="units")
def test_removing_inhibition_raises_the_echo(model, curve_family, confirmation_curves, evidence, figures):
    before = sweep_tuning(model, curve_family, confirmation_curves)
    edit = remove_negative_inputs(model, curve_family.layer, curve_family.units)
    with applied(edit):
        change = echo_change(before, sweep_tuning(model, curve_family, confirmation_curves))
    counts = (producing_convolution(model, curve_family.layer, curve_family.units).effective() < 0).flatten(1).sum(1)
    generator = torch.Generator().manual_seed(0)
    random_changes = []
    for _ in range(DRAWS):
        with applied(remove_random_inputs(model, curve_family.layer, curve_family.units, counts.tolist(), generator)):
            random_changes.append(float(np.median(echo_change(before, sweep_tuning(model, curve_family,
                                                                                   confirmation_curves)))))
    def tuning_figure():
        with applied(edit):
            after = sweep_tuning(model, curve_family, confirmation_curves)
        radii = len(np.unique(confirmation_curves.stimuli.params["radius"].numpy()))
        orientations = confirmation_curves.stimuli.params["orientation"].numpy().reshape(radii, -1)[0]
        return before_after(orientations, {u: before[:, k] for k, u in enumerate(curve_family.units)},
                            {u: after[:, k] for k, u in enumerate(curve_family.units)},
                            labels=("unedited", "negative inputs removed"),
                            title=f"{curve_family.layer}: pre-activation tuning before and after the edit")

    tags = [f"{curve_family.layer}:{u}" for u in curve_family.units]
    figures.add("tuning before and after", tuning_figure,  # drawn only when a report is written
                caption="Each unit's pre-activation tuning on the confirmation curves (mean over radii) before and "
                        "after removing every negative weight into it; an echo is a rise 180° from the peak.",
                units=tags)
    figures.add("echo change vs random edits", lambda: against_draws(
        random_changes, {"negative weights removed": float(np.median(change))}, threshold=0.2,
        xlabel="median echo change (tuning range)", title="removing inhibition vs removing random weights"),
        caption=f"The family's median echo change against {DRAWS} edits removing as many random weights per unit; "
                "dotted: the registered 0.2.", units=tags)
    evidence.record("weights removed", float(counts.sum()), note=str(edit))
    evidence.record("largest median echo change of a random edit", max(random_changes), n=DRAWS)
    evidence.measure(ECHO, float(np.median(change)), ci=bootstrap_ci(change, np.median), n=len(change))
    if np.ptp(random_changes) == 0:  # e.g. no negative weights at all: every edit removes nothing
        evidence.inconclusive(SPECIFIC, f"every random edit changes the echo by {random_changes[0]:.3g}: a z-score "
                                        f"against them is undefined")
    else:
        z, interval = z_against(float(np.median(change)), random_changes)
        evidence.measure(SPECIFIC, z, ci=interval, n=DRAWS)
    evidence.measure(OVER_LARGEST, float(np.median(change)) - max(random_changes), n=DRAWS)
