"""The stimulus protocols of the families, in one place: what discovery looks at, and what confirmation looks at
instead. The discovery screens (probes/discover) and the claims' fixtures both import them from here.

Curves. Discovery (`python -m probes.discover curves`) finds the family on black-on-white curves at radii of 0.2,
0.3 and 0.4 receptive fields, stroke 0.04 fields (DISCOVERY). Claims confirm on what discovery did not use
(CONFIRMATION): radii 0.25 and 0.35, stroke 0.06, dark violet on cream, and 72 orientations; the synthetic-stimulus
claims go outside discovery's radii, spans and line lengths (zoom_in_claims.curves.OUTSIDE_DISCOVERY, from DISCOVERY).

High-low frequency detectors. Discovery (`python -m probes.discover high_low`) uses boundaries between a fine
plaid of period 0.1 receptive fields and a coarse one of 0.5, contrast 0.8, 36 orientations (HIGH_LOW_DISCOVERY).
Claims confirm at contrast 0.6 and 72 orientations (HIGH_LOW_CONFIRMATION), at the periods the family prefers:
the atlas's `stimulus` field, or measured on discovery stimuli (zoom_in_claims.high_low.high_low_periods), never a fixed
fraction of the receptive field.

Edges. Discovery (`python -m probes.discover edges`) reads brightness steps at contrast 0.8, 36 orientations
(EDGES_DISCOVERY); the early-vision claims confirm on gratings.

Each protocol is a typed dictionary: sizes are fractions of the screened layer's receptive field, colours RGB in
[0, 1], orientations the number of equally spaced directions over 360 degrees.
"""
from __future__ import annotations

from typing import TypedDict

RGB = tuple[float, float, float]


class CurveStimuli(TypedDict):
    orientations: int
    radius_fractions: tuple[float, ...]
    width_fraction: float
    foreground: RGB
    background: RGB
    span: float  # degrees of arc


class HighLowStimuli(TypedDict, total=False):
    orientations: int
    contrast: float
    high_period_fraction: float  # discovery only: confirmation uses the periods the family prefers
    low_period_fraction: float


class EdgeStimuli(TypedDict):
    orientations: int
    contrast: float


DISCOVERY = CurveStimuli(orientations=36, radius_fractions=(0.2, 0.3, 0.4), width_fraction=0.04,
                         foreground=(0.0, 0.0, 0.0), background=(1.0, 1.0, 1.0), span=120.0)
CONFIRMATION = CurveStimuli(orientations=72, radius_fractions=(0.25, 0.35), width_fraction=0.06,
                            foreground=(0.2, 0.1, 0.35), background=(0.95, 0.9, 0.8), span=120.0)

HIGH_LOW_DISCOVERY = HighLowStimuli(orientations=36, high_period_fraction=0.1, low_period_fraction=0.5, contrast=0.8)
HIGH_LOW_CONFIRMATION = HighLowStimuli(orientations=72, contrast=0.6)

EDGES_DISCOVERY = EdgeStimuli(orientations=36, contrast=0.8)


def curve_style(protocol: CurveStimuli, field_size: float) -> dict:
    """The stroke width and colours of `protocol` at a receptive field of `field_size` pixels, as curve_set,
    line_set and corner_set take them."""
    return dict(width=max(1.0, protocol["width_fraction"] * field_size), foreground=protocol["foreground"],
                background=protocol["background"])
