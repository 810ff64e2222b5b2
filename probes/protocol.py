"""The stimulus protocol of the curve family: what discovery looked at, and what confirmation looks at instead.

Discovery (`python -m probes.discover curves`) finds the family on black-on-white curves at radii of 0.2, 0.3
and 0.4 receptive fields, stroke 0.04 fields (DISCOVERY). Claims confirm on what discovery did not use
(CONFIRMATION): radii 0.25 and 0.35, stroke 0.06, dark violet on cream, and 72 orientations.
"""
from probes.discover.curves import DISCOVERY  # noqa: F401  (one place to read both)

CONFIRMATION = dict(orientations=72, radius_fractions=(0.25, 0.35), width_fraction=0.06,
                    foreground=(0.2, 0.1, 0.35), background=(0.95, 0.9, 0.8), span=120.0)
