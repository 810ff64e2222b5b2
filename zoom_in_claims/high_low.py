"""Fixtures of the high-low frequency family, for every claim about it: the family from the atlas, its receptive
field, its pre-registered orientations and periods, and its responses to the confirmation stimuli, each computed
once per model and session.

The confirmation stimuli are drawn at the periods the family PREFERS (`high_low_periods`): the atlas's
`stimulus` field ({"high_period": px, "low_period": px}, written by discovery or set by hand), or, where the atlas
has none (atlases written before discovery recorded it, null twins), measured now on discovery-style stimuli
(probes.discover.high_low.preferred_periods), never on the confirmation set. The rest of the confirmation protocol
is probes/stimuli/protocol.py's: contrast 0.6 and 72 orientations (discovery: 0.8 and 36). A fixed fraction of the
receptive field would leave a family tuned to 3 px texture silent on every confirmation stimulus.
"""
from __future__ import annotations

import pytest
import torch

from probes.activations.measured import FamilyResponses
from probes.activations.receptive_field import receptive_field
from probes.discover.high_low import GREY, periods, preferred_periods
from probes.measures.tuning import centre_responses
from probes.stimuli.protocol import HIGH_LOW_CONFIRMATION, HIGH_LOW_DISCOVERY
from probes.stimuli.sets import StimulusSet, high_low, high_low_set, luminance_edge
from zoom_in_claims.data import require_family


@pytest.fixture(scope="session")
def high_low_family(atlas):
    return require_family(atlas, "high_low")


@pytest.fixture(scope="session")
def high_low_field(model, high_low_family):
    return receptive_field(model, high_low_family.layer)


@pytest.fixture(scope="session")
def high_low_preferred(high_low_family, high_low_respond, high_low_field) -> dict[int, float]:
    """Each unit's pre-registered preferred orientation (the side of its fine texture): the atlas's, or, where the
    atlas records none (the paper's catalogue lists units only), measured on the DISCOVERY boundaries, never on
    the confirmation set."""
    if set(high_low_family.units) <= set(high_low_family.preferred_orientation):
        return dict(high_low_family.preferred_orientation)
    fine, coarse = periods(high_low_field.size, HIGH_LOW_DISCOVERY)
    stimuli = high_low_set(high_low_field.canvas, orientations=HIGH_LOW_DISCOVERY["orientations"], high_period=fine,
                           low_period=coarse, contrast=HIGH_LOW_DISCOVERY["contrast"])
    curves = high_low_respond(stimuli).tuning_curves()
    return {unit: curve.preferred_orientation for unit, curve in zip(high_low_family.units, curves)}


@pytest.fixture(scope="session")
def high_low_respond(model, high_low_family):
    """high_low_respond(stimulus_set) -> FamilyResponses on a grey canvas, relative to a blank grey canvas."""

    def measure(stimuli: StimulusSet) -> FamilyResponses:
        return FamilyResponses(stimuli, centre_responses(model, high_low_family.layer, stimuli.images,
                                                         background=GREY, units=high_low_family.units))

    return measure


@pytest.fixture(scope="session")
def high_low_periods(model, high_low_family, high_low_preferred) -> dict[str, float]:
    """{"high_period": px, "low_period": px, "source": ...}: the fine and coarse periods the family prefers, from
    the atlas, else measured on discovery-style stimuli at each unit's pre-registered orientation."""
    stored = high_low_family.stimulus
    if {"high_period", "low_period"} <= set(stored):
        return {"high_period": stored["high_period"], "low_period": stored["low_period"], "source": "atlas"}
    measured = preferred_periods(model, high_low_family.layer, high_low_family.units, high_low_preferred)
    return {**measured, "source": "measured on discovery stimuli (the atlas records none)"}


def confirmation_periods(periods: dict) -> tuple[float, float]:
    return periods["high_period"], periods["low_period"]


def silent(responses: FamilyResponses) -> bool:
    """True when no unit of the family answers any stimulus of the set: its claims are inconclusive there."""
    return not (responses.responses > 0).any()


@pytest.fixture(scope="session")
def confirmation_boundaries(high_low_respond, high_low_field, high_low_periods) -> FamilyResponses:
    """The family's responses to high-low boundaries at 72 orientations, at the family's preferred periods."""
    fine, coarse = confirmation_periods(high_low_periods)
    return high_low_respond(high_low_set(high_low_field.canvas, orientations=HIGH_LOW_CONFIRMATION["orientations"],
                                         high_period=fine, low_period=coarse,
                                         contrast=HIGH_LOW_CONFIRMATION["contrast"]))


@pytest.fixture(scope="session")
def confirmation_textures(high_low_respond, high_low_field, high_low_periods) -> FamilyResponses:
    """Responses to the fine texture everywhere (row 0) and the coarse texture everywhere (row 1)."""
    fine, coarse = confirmation_periods(high_low_periods)
    rates = torch.tensor([1 / fine, 1 / coarse])
    images = high_low(high_low_field.canvas, torch.zeros(2), rates, rates, HIGH_LOW_CONFIRMATION["contrast"])
    return high_low_respond(StimulusSet(images, {"period": torch.tensor([fine, coarse])}))


@pytest.fixture(scope="session")
def confirmation_steps(high_low_respond, high_low_field) -> FamilyResponses:
    """Responses to plain brightness steps (no texture) at 72 orientations: brighter on the side each points to."""
    orientation = torch.arange(HIGH_LOW_CONFIRMATION["orientations"]) * 360.0 / HIGH_LOW_CONFIRMATION["orientations"]
    images = luminance_edge(high_low_field.canvas, orientation, HIGH_LOW_CONFIRMATION["contrast"])
    return high_low_respond(StimulusSet(images, {"orientation": orientation}))


def record_periods(evidence, periods: dict) -> None:
    """Show in the ledger which periods the confirmation stimuli were drawn at, and where they came from."""
    evidence.record("confirmation fine period (px)", periods["high_period"], note=periods["source"])
    evidence.record("confirmation coarse period (px)", periods["low_period"], note=periods["source"])


SILENT = "the family is silent on every confirmation boundary (drawn at its preferred periods): nothing to judge"
