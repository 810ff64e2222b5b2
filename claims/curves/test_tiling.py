"""Curves, tiling: the family's preferred orientations cover the full turn.

Re-measured on the confirmation curves (not the atlas's discovery values). Only units that are orientation
selective there count (vector strength >= 0.6). Predictions, exact statements about this family (no
resampling: drawing units with replacement can only widen gaps): at least 5 selective units, and no gap between
neighbouring preferred orientations wider than 90 degrees (a quarter turn).
"""
import numpy as np

from probes.records.figures import orientation_wheel
from zoom_in_claims import claim

MIN_VECTOR_STRENGTH = 0.6
SELECTIVE = "orientation-selective units"
GAP = "largest gap between preferred orientations (degrees)"


@claim("curves.tiling", "The family's preferred orientations cover the full turn with no gap wider than 90 degrees.",
       source="Zoom In, Claim 1 (curve detectors tile orientation); Curve Detectors, 'a family of features'",
       kind="tiling", expect="refuted", positive="constructed_curves", near_miss="constructed_curves_gapped",
       predictions={SELECTIVE: ">= 5", GAP: "<= 90"},
       resample="exact")
def test_family_tiles_orientation(confirmation_curves, evidence, figures, curve_family):
    curves = confirmation_curves.tuning_curves()
    figures.add("preferred orientations", lambda: orientation_wheel(  # a lambda: drawn only for a report
        {u: c.preferred_orientation for u, c in zip(curve_family.units, curves)},
        {u: c.vector_strength for u, c in zip(curve_family.units, curves)},
        counted=[u for u, c in zip(curve_family.units, curves) if c.vector_strength >= MIN_VECTOR_STRENGTH],
        title=f"{curve_family.layer}: preferred orientations"),
        caption="Each unit's preferred orientation on the confirmation curves, spoke length its vector strength; "
                f"grey dotted: not selective (vector strength < {MIN_VECTOR_STRENGTH}); shaded: the largest gap "
                "between selective units (the claim: at most 90°).",
        units=[f"{curve_family.layer}:{u}" for u in curve_family.units])
    selective = sorted(c.preferred_orientation for c in curves if c.vector_strength >= MIN_VECTOR_STRENGTH)
    evidence.record("median vector strength", float(np.median([c.vector_strength for c in curves])), n=len(curves))
    evidence.measure(SELECTIVE, len(selective), n=len(curves))
    if not selective:
        evidence.inconclusive(GAP, "no unit is orientation selective on the confirmation curves")
        return
    gaps = np.diff(selective + [selective[0] + 360.0])
    evidence.measure(GAP, float(gaps.max()), n=len(selective))
