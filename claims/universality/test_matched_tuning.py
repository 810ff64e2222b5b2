"""Universality, matched tuning: a curve unit and its best match in another network are tuned alike.

Each reference family unit's best match (probes/universality.py, as in test_unit_matching.py); their tuning
curves over the 72 confirmation orientations (mean over the two radii, centre responses at each network's own
receptive field) are compared by Pearson correlation.
Prediction, fixed on the controls before the real networks were compared: median correlation >= 0.5.
Null twin: refuted. Positive control: constructed_curves_twin against constructed_curves (identical tuning).
"""
import numpy as np

from fixtures import claim
from probes.evidence import bootstrap_ci
from probes.universality import best_matches

FLOOR = 0.5


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    if a.std() < 1e-12 or b.std() < 1e-12:
        return 0.0  # a unit silent to every curve is tuned like nothing
    return float(np.corrcoef(a, b)[0, 1])


@claim("universality.matched_tuning", "A curve unit and its best-matching unit in another network have "
       "correlated orientation tuning.", source="Zoom In, Claim 3 (universality)", kind="universality",
       positive="constructed_curves_twin", min_images=20)
def test_matched_units_are_tuned_alike(compared, evidence):
    reference, other = compared
    matches = best_matches(reference.profiles, other.profiles, reference.family.units)
    correlations = [_correlation(reference.tuning[:, a], other.tuning[:, int(b)])
                    for a, b in zip(matches.units, matches.best)]
    evidence.at_least("median tuning correlation with the best match", float(np.median(correlations)), FLOOR,
                      ci=bootstrap_ci(correlations, np.median), n=len(correlations))
