"""The stimulus protocols of the families: what discovery looked at, and what confirmation looks at instead.

Curves. Discovery (`python -m probes.discover curves`) finds the family on black-on-white curves at radii of 0.2,
0.3 and 0.4 receptive fields, stroke 0.04 fields (DISCOVERY). Claims confirm on what discovery did not use
(CONFIRMATION): radii 0.25 and 0.35, stroke 0.06, dark violet on cream, and 72 orientations; the synthetic-stimulus
claims go outside discovery's radii, spans and line lengths (fixtures.curves.OUTSIDE_DISCOVERY, from DISCOVERY).

High-low frequency detectors. Discovery (`python -m probes.discover high_low`) uses boundaries between a fine
plaid of period 0.1 receptive fields and a coarse one of 0.5, contrast 0.8, 36 orientations (HIGH_LOW_DISCOVERY).
Claims confirm at contrast 0.6 and 72 orientations (HIGH_LOW_CONFIRMATION), at the periods the family prefers:
the atlas's `stimulus` field, or measured on discovery stimuli (fixtures.high_low.high_low_periods), never a fixed
fraction of the receptive field.
"""
from probes.discover.curves import DISCOVERY  # noqa: F401  (one place to read both)
from probes.discover.high_low import DISCOVERY as HIGH_LOW_DISCOVERY  # noqa: F401

CONFIRMATION = dict(orientations=72, radius_fractions=(0.25, 0.35), width_fraction=0.06,
                    foreground=(0.2, 0.1, 0.35), background=(0.95, 0.9, 0.8), span=120.0)

HIGH_LOW_CONFIRMATION = dict(orientations=72, contrast=0.6)
