"""High-low frequency detectors, joint tuning: as a high-low boundary rotates, the most active unit of the
family moves through the family in orientation order.

The statistic of curves.joint_tuning (probes.tuning.joint_tuning), on the confirmation boundaries: responses
normalised per unit by its peak over the sweep; the winner's pre-registered orientation compared with the
boundary's over the stimuli the family answers at all. Predictions: at most half of the sweep leaves the family
silent; among the rest, the winner is within 45 degrees for at least 75% (a random winner: 25%).
"""
import numpy as np

from fixtures import claim
from probes.evidence import wilson_ci
from probes.tuning import joint_tuning


@claim("high_low.joint_tuning", "Rotating a high-low boundary moves the argmax unit through the family in "
       "orientation order.", source="Zoom In, Claim 1, argument 4 (joint tuning), applied to high-low detectors",
       kind="joint tuning", positive="constructed_high_low")
def test_rotation_moves_argmax(high_low_family, high_low_preferred, confirmation_boundaries, evidence):
    orientations = np.array([high_low_preferred[u] for u in high_low_family.units])
    sweep = joint_tuning(confirmation_boundaries.responses,
                         confirmation_boundaries.stimuli.params["orientation"].numpy(), orientations)
    evidence.at_most("fraction of the sweep that leaves the family silent", sweep.silent, 0.5,
                     n=len(confirmation_boundaries.responses))
    responsive = len(sweep.errors)
    if responsive:
        evidence.record("median |stimulus - winner| (degrees)", float(np.median(sweep.errors)), n=responsive)
    hits = int(np.sum(sweep.errors <= 45.0))
    evidence.at_least("fraction of responsive stimuli whose winner is within 45 degrees", sweep.within(45.0), 0.75,
                      ci=wilson_ci(hits, responsive), n=responsive)
