"""High-low frequency detectors, tiling: the family's preferred orientations cover the full turn.

Re-measured on the confirmation boundaries (not the atlas's discovery values). Only units that are orientation
selective there count (vector strength >= 0.5, discovery's own floor for this family). Predictions, as for curves:
at least 5 selective units, and no gap between neighbouring preferred orientations wider than 90 degrees.

Measured on EfficientNet-Lite0 (family of 12 at blocks.5.depthwise, discovered by the screen): REFUTED, all 12
units selective (median vector strength 0.83) but a gap of 105 degrees, between the units preferring fine texture
below-left (263) and right (9); null twin 144 degrees (6 selective), positive control 16 selective, no gap over
24 degrees. As with lite0's curves (gap 93), the family leaves part of the turn thin. Kept as a finding.
"""
import numpy as np

from fixtures import claim

MIN_VECTOR_STRENGTH = 0.5


@claim("high_low.tiling", "The high-low family's preferred orientations cover the full turn with no gap wider than "
       "90 degrees.", source="Early Vision, mixed3a: high-low frequency detectors in several orientations",
       kind="tiling", expect="refuted", positive="constructed_high_low")
def test_family_tiles_orientation(confirmation_boundaries, evidence):
    curves = confirmation_boundaries.tuning_curves()
    selective = sorted(c.preferred_orientation for c in curves if c.vector_strength >= MIN_VECTOR_STRENGTH)
    evidence.record("median vector strength", float(np.median([c.vector_strength for c in curves])), n=len(curves))
    evidence.at_least("orientation-selective units", len(selective), 5, n=len(curves))
    gaps = np.diff(selective + [selective[0] + 360.0]) if selective else np.array([360.0])
    evidence.at_most("largest gap between preferred orientations (degrees)", float(gaps.max()), 90.0,
                     n=len(selective))
