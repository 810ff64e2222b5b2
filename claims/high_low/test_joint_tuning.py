"""High-low frequency detectors, joint tuning: as a high-low boundary rotates, the most active unit of the
family moves through the family in orientation order.

The statistic of curves.joint_tuning (probes.measures.tuning.joint_tuning), on the confirmation boundaries (72
orientations): responses normalised per unit by its peak over the sweep; the winner's pre-registered orientation
compared with the boundary's over the stimuli the family answers at all. Predictions:
  fraction of the sweep that leaves the family silent                <= 0.5
  fraction of responsive stimuli whose winner is within 45 degrees  >= 0.75   (a random winner: 0.25)
Intervals resample the stimuli of the sweep (each stimulus is one trial of the fixed family): the silent fraction
over every stimulus, with each unit's normalisation kept at its peak over the whole sweep; the within-45 fraction
over the responsive stimuli. The boundaries are drawn at the family's preferred periods (zoom_in_claims/high_low.py:
the atlas's, else measured on discovery stimuli); if the whole sweep still leaves the family silent, both
predictions are inconclusive (stimuli the family does not answer cannot refute it).
"""
import numpy as np

from probes.measures.tuning import joint_tuning
from probes.records.evidence import bootstrap_ci, bootstrap_over
from probes.records.figures import joint_tuning_plot
from zoom_in_claims import claim
from zoom_in_claims.high_low import SILENT, record_periods, silent


@claim("high_low.joint_tuning", "Rotating a high-low boundary moves the argmax unit through the family in "
       "orientation order.", source="Zoom In, Claim 1, argument 4 (joint tuning), applied to high-low detectors",
       kind="joint tuning", positive="constructed_high_low",
       near_miss="constructed_high_low_any_edge",
       predictions={"fraction of the sweep that leaves the family silent": "<= 0.5",
                    "fraction of responsive stimuli whose winner is within 45 degrees": ">= 0.75"},
       resample="stimuli")
def test_rotation_moves_argmax(high_low_family, high_low_preferred, high_low_periods, confirmation_boundaries, evidence,
                               figures):
    record_periods(evidence, high_low_periods)
    if silent(confirmation_boundaries):
        for name in ("fraction of the sweep that leaves the family silent",
                     "fraction of responsive stimuli whose winner is within 45 degrees"):
            evidence.inconclusive(name, SILENT)
        return
    orientations = np.array([high_low_preferred[u] for u in high_low_family.units])
    figures.add("joint tuning", lambda: joint_tuning_plot(  # a lambda: drawn only when a report is written
        confirmation_boundaries.tuning_curves()[0].orientations,
        {u: c.responses for u, c in zip(high_low_family.units, confirmation_boundaries.tuning_curves())},
        high_low_preferred, title=f"{high_low_family.layer}: the family over the rotation sweep"),
        caption="Every unit's tuning on the confirmation boundaries (mean over the other parameters), divided by its "
                "peak, in the colour of its pre-registered orientation (dashed); below, the unit that wins each "
                "orientation. The claim: the winner is within 45° of the boundary for at least 75% of the stimuli "
                "the family answers.", units=[f"{high_low_family.layer}:{u}" for u in high_low_family.units])
    responses = confirmation_boundaries.responses
    stimulus_orientation = confirmation_boundaries.stimuli.params["orientation"].numpy()
    scale = responses.max(0)  # each unit's peak over the whole sweep, fixed for every resample
    sweep = joint_tuning(responses, stimulus_orientation, orientations, scale=scale)
    total = len(responses)
    evidence.measure("fraction of the sweep that leaves the family silent", sweep.silent, n=total,
                     ci=bootstrap_over(total, lambda idx: joint_tuning(responses[idx], stimulus_orientation[idx],
                                                                       orientations, scale=scale).silent))
    responsive = len(sweep.errors)
    if not responsive:
        evidence.inconclusive("fraction of responsive stimuli whose winner is within 45 degrees",
                              "the family is silent on every stimulus of the sweep")
        return
    evidence.record("median |stimulus - winner| (degrees)", float(np.median(sweep.errors)), n=responsive)
    hits = (sweep.errors <= 45.0).astype(float)
    evidence.measure("fraction of responsive stimuli whose winner is within 45 degrees", float(hits.mean()),
                     ci=bootstrap_ci(hits, np.mean), n=responsive)
