"""Curve circuits in InceptionV1, replication of the published edit: removing the negative weights from the early
curves (mixed3a) to the curves (mixed3b) makes echoes appear, as in the Curve Circuits article's figure
(../shared/reference/inceptionv1/curve-circuits/edit-unedited.json and edit-no-negative-weights.json, radial
tuning of the ten mixed3b curve units before and after, 720 samples over the full turn).

The two families connect through mixed3b's branches (the curve units are channels of the 5x5 branch, after a
1x1 bottleneck and a ReLU), so no single parameter holds a 3a -> 3b weight. The edit is made on expanded weights
(probes.circuits.wiring.without_negative_expanded_weights): each unit's pre-activation, at the centre, gets back minus
the negative expanded weights from the 3a curve family (atlas "mixed3a.curves") times their activity.
Our tuning: the confirmation curves (probes/stimuli/protocol.py), 72 orientations. The angle offset and direction are
fitted ONCE, on the unedited published curves (as in curves.inceptionv1_replication), and reused for the edited.
Predictions:
  before   median correlation of our unedited tuning with the published unedited curve >= 0.6
  after    median correlation of our edited tuning with the published edited curve >= 0.6
  echo     median echo ratio (response 180 degrees from the peak / peak) rises by >= 0.1 with the edit
NOT RUN without InceptionV1's weights (`python -m probes.models list` says how to provide them); the
architecture-level parts run in tests/test_inceptionv1.py with random weights.
"""
import numpy as np
import pytest

from probes.circuits.wiring import without_negative_expanded_weights
from probes.measures.tuning import TuningCurve
from probes.records.evidence import bootstrap_ci
from probes.records.figures import before_after
from probes.records.replication import ReferenceMissing, aligned_correlations, published_tuning
from zoom_in_claims import claim
from zoom_in_claims.data import require_family

BEFORE = "median correlation with the published unedited curve"
AFTER = "median correlation with the published edited curve"
ECHO = "median rise of the echo ratio"


@claim("curve_circuits.inceptionv1_edit_replication", "Removing the negative weights from InceptionV1's early "
       "curves to its curves reproduces the published edited tuning curves, echoes included.",
       source="Curve Circuits (Cammarata et al. 2020), 'removing negative weights' figure", kind="replication",
       models=("inceptionv1",), predictions={BEFORE: ">= 0.6", AFTER: ">= 0.6", ECHO: ">= 0.1"}, resample="units")
def test_published_edit_replicates(model, atlas, curve_family, family_field, respond, confirmation_curves, evidence,
                                   figures):
    try:
        unedited = published_tuning("inceptionv1", "curve-circuits", "edit-unedited.json", layer="mixed3b")
        edited = published_tuning("inceptionv1", "curve-circuits", "edit-no-negative-weights.json")
    except ReferenceMissing as missing:
        pytest.skip(str(missing))
    early = require_family(atlas, "mixed3a.curves")
    before = {u: c.responses for u, c in zip(curve_family.units, confirmation_curves.tuning_curves()) if u in edited}
    with without_negative_expanded_weights(model, early.layer, curve_family.layer, curve_family.units, early.units,
                                           size=family_field.canvas):
        after_sweep = respond(confirmation_curves.stimuli)
    after = {u: c.responses for u, c in zip(curve_family.units, after_sweep.tuning_curves()) if u in edited}
    correlations_before, shift, direction = aligned_correlations(before, unedited)
    correlations_after, _, _ = aligned_correlations(after, edited, fixed=(shift, direction))
    orientations = confirmation_curves.tuning_curves()[0].orientations
    echo = [TuningCurve(orientations, after[u]).echo_ratio - TuningCurve(orientations, before[u]).echo_ratio
            for u in before]
    figures.add("our tuning before and after the edit", lambda: before_after(  # drawn only for a report
        orientations, before, after, labels=("unedited", "negative weights from mixed3a removed"),
        title=f"{curve_family.layer}: our tuning before and after the edit"),
        caption="Each unit's tuning on the confirmation curves, unedited and with the negative expanded weights "
                "from the early curves removed; the published figure shows echoes 180° from the peak.",
        units=[f"{curve_family.layer}:{u}" for u in before])
    evidence.measure(BEFORE, float(np.median(correlations_before)), ci=bootstrap_ci(correlations_before, np.median),
                     n=len(correlations_before))
    evidence.measure(AFTER, float(np.median(correlations_after)), ci=bootstrap_ci(correlations_after, np.median),
                     n=len(correlations_after))
    evidence.measure(ECHO, float(np.median(echo)), ci=bootstrap_ci(echo, np.median), n=len(echo))
