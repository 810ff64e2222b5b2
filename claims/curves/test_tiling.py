"""Curves, tiling: the family's preferred orientations cover the full turn.

Re-measured on the confirmation curves (not the atlas's discovery values). Only units that are orientation
selective there count (vector strength >= 0.6). Predictions, exact statements about this family (no
resampling: drawing units with replacement can only widen gaps): at least 5 selective units, and no gap between
neighbouring preferred orientations wider than 90 degrees (a quarter turn).
"""
import numpy as np

from fixtures import claim

MIN_VECTOR_STRENGTH = 0.6
SELECTIVE = "orientation-selective units"
GAP = "largest gap between preferred orientations (degrees)"


@claim("curves.tiling", "The family's preferred orientations cover the full turn with no gap wider than 90 degrees.",
       source="Zoom In, Claim 1 (curve detectors tile orientation); Curve Detectors, 'a family of features'",
       kind="tiling", expect="refuted", positive="constructed_curves", predictions={SELECTIVE: ">= 5", GAP: "<= 90"},
       resample="exact")
def test_family_tiles_orientation(confirmation_curves, evidence):
    curves = confirmation_curves.tuning_curves()
    selective = sorted(c.preferred_orientation for c in curves if c.vector_strength >= MIN_VECTOR_STRENGTH)
    evidence.record("median vector strength", float(np.median([c.vector_strength for c in curves])), n=len(curves))
    evidence.measure(SELECTIVE, len(selective), n=len(curves))
    if not selective:
        evidence.inconclusive(GAP, "no unit is orientation selective on the confirmation curves")
        return
    gaps = np.diff(selective + [selective[0] + 360.0])
    evidence.measure(GAP, float(gaps.max()), n=len(selective))
