"""Shared instruments of the curve claims: the family from the atlas, and the confirmation stimuli.

Discovery (`python -m probes.discover curves`) found the family on black-on-white curves at radii of
0.2, 0.3 and 0.4 receptive fields, stroke 0.04 fields. Confirmation uses what discovery did not: radii
0.25 and 0.35, stroke 0.06, dark violet on cream, and 72 orientations.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from fixtures.data import require_family
from probes.discover.curves import DISCOVERY
from probes.receptive_field import receptive_field
from probes.tuning import centre_responses, tuning_curves
from probes.stimuli.sets import StimulusSet, corner_set, curve_set, line_set

CONFIRMATION = dict(orientations=72, radius_fractions=(0.25, 0.35), width_fraction=0.06,
                    foreground=(0.2, 0.1, 0.35), background=(0.95, 0.9, 0.8), span=120.0)


@dataclass
class FamilyResponses:
    """Baseline-subtracted, rectified centre responses (stimuli, units) of the family to a stimulus set."""

    stimuli: StimulusSet
    responses: np.ndarray

    def tuning_curves(self):
        return tuning_curves(self.responses, self.stimuli.params["orientation"].numpy())


@pytest.fixture(scope="session")
def curve_family(atlas):
    return require_family(atlas, "curves")


@pytest.fixture(scope="session")
def family_field(model, curve_family):
    return receptive_field(model, curve_family.layer)


@pytest.fixture(scope="session")
def respond(model, curve_family, family_field):
    """respond(stimulus_set) -> FamilyResponses, relative to the response to a blank canvas."""

    def measure(stimuli: StimulusSet, background=CONFIRMATION["background"]) -> FamilyResponses:
        return FamilyResponses(stimuli, centre_responses(model, curve_family.layer, stimuli.images,
                                                         background=background, units=curve_family.units))

    return measure


@pytest.fixture(scope="session")
def preferred(curve_family, respond, family_field) -> dict[int, float]:
    """Each unit's pre-registered preferred orientation: the atlas's, or, where the atlas records none (the
    paper's catalogue lists units only), measured on the DISCOVERY stimuli, never on the confirmation set."""
    if set(curve_family.units) <= set(curve_family.preferred_orientation):
        return dict(curve_family.preferred_orientation)
    stimuli = curve_set(family_field.canvas, orientations=DISCOVERY["orientations"],
                        radii=[f * family_field.size for f in DISCOVERY["radius_fractions"]],
                        width=max(1.0, DISCOVERY["width_fraction"] * family_field.size), span=DISCOVERY["span"],
                        foreground=DISCOVERY["foreground"], background=DISCOVERY["background"])
    curves = respond(stimuli, background=DISCOVERY["background"]).tuning_curves()
    return {unit: curve.preferred_orientation for unit, curve in zip(curve_family.units, curves)}


def confirmation_style(field) -> dict:
    return dict(width=max(1.0, CONFIRMATION["width_fraction"] * field.size),
                foreground=CONFIRMATION["foreground"], background=CONFIRMATION["background"])


@pytest.fixture(scope="session")
def confirmation_curves(respond, family_field):
    stimuli = curve_set(family_field.canvas, orientations=CONFIRMATION["orientations"],
                        radii=[f * family_field.size for f in CONFIRMATION["radius_fractions"]],
                        span=CONFIRMATION["span"], **confirmation_style(family_field))
    return respond(stimuli)


@pytest.fixture(scope="session")
def confirmation_lines(respond, family_field):
    return respond(line_set(family_field.canvas, orientations=36, length=0.6 * family_field.size,
                            **confirmation_style(family_field)))


@pytest.fixture(scope="session")
def confirmation_corners(respond, family_field):
    return respond(corner_set(family_field.canvas, orientations=72, opening=90.0, length=0.3 * family_field.size,
                              **confirmation_style(family_field)))
