"""Fixtures of the curve family, for every claim about it (curves, curve circuits): the family from the atlas,
its receptive field, its pre-registered orientations, and its responses to the confirmation stimuli
(probes/stimuli/protocol.py), each computed once per model and session.

`outside_discovery_curves` and `outside_discovery_lines` confirm on parameters OUTSIDE the ranges discovery
screened (probes/discover/curves.py): radii below its smallest and above its largest, spans shorter and longer
than its span, lines shorter and longer than its lines, each by the factor BEYOND, and the confirmation stroke
width and colours, which discovery never used. The ranges are computed from DISCOVERY, never copied.
`READER_DISCOVERY` and `READER_CONFIRMATION` are the circle and square outlines that choose the curve family's
readers and then confirm what they do: other sizes, stroke widths and colours. `curve_readers` is that choice and
the readers' ablations, made once per network for every claim that reads them (use, ablation).
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from probes.activations.measured import FamilyResponses
from probes.activations.receptive_field import receptive_field
from probes.circuits.wiring import ReaderAblations, downstream_layers, reader_ablations, shape_readers
from probes.measures.tuning import centre_responses
from probes.stimuli.protocol import CONFIRMATION, DISCOVERY, curve_style
from probes.stimuli.sets import StimulusSet, corner_set, curve_set, line_set
from zoom_in_claims.data import require_family

READER_ABLATION_DRAWS = 100  # random ablations of as many units of the family's layer, to rank the family's among
BEYOND = 1.25  # how far outside discovery's range confirmation goes: below its least / 1.25, above its most * 1.25
# The length of discovery's straight lines, as a fraction of the field: probes/discover/curves.py draws them at
# 0.6 without naming it in DISCOVERY (read from there when it does).
DISCOVERY_LINE_LENGTH = DISCOVERY.get("line_length_fraction", 0.6)


def beyond(values) -> tuple[float, float]:
    """Two values outside the range of `values`: one below its least, one above its most."""
    values = [float(v) for v in (values if isinstance(values, (list, tuple)) else [values])]
    return min(values) / BEYOND, max(values) * BEYOND


OUTSIDE_DISCOVERY = dict(radius_fractions=beyond(DISCOVERY["radius_fractions"]), spans=beyond(DISCOVERY["span"]),
                         line_length_fractions=beyond(DISCOVERY_LINE_LENGTH),
                         width_fraction=CONFIRMATION["width_fraction"], orientations=CONFIRMATION["orientations"],
                         foreground=CONFIRMATION["foreground"], background=CONFIRMATION["background"])
assert CONFIRMATION["width_fraction"] != DISCOVERY["width_fraction"]
assert CONFIRMATION["foreground"] != DISCOVERY["foreground"] and CONFIRMATION["background"] != DISCOVERY["background"]

# Circle and square outlines for the family's readers, sizes relative to the READER's field: discovery's stroke
# and colours choose them; other radii, the confirmation stroke and colours confirm.
READER_DISCOVERY = dict(radius_fractions=CONFIRMATION["radius_fractions"], width_fraction=DISCOVERY["width_fraction"],
                        foreground=DISCOVERY["foreground"], background=DISCOVERY["background"])
READER_CONFIRMATION = dict(radius_fractions=(0.2, 0.3), width_fraction=CONFIRMATION["width_fraction"],
                           foreground=CONFIRMATION["foreground"], background=CONFIRMATION["background"])


def protocol_ranges(protocol: dict, names) -> dict:
    """The parameters of a protocol as the ledger shows them (colours as text)."""
    return {name: (str(tuple(protocol[name])) if name in ("foreground", "background") else protocol[name])
            for name in names}


# What chooses the readers beside what confirms them, as `evidence.ranges` records it
READER_RANGES = {side: protocol_ranges(protocol, tuple(READER_DISCOVERY))
                 for side, protocol in (("discovery", READER_DISCOVERY), ("confirmation", READER_CONFIRMATION))}


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
    return curve_style(CONFIRMATION, field.size)


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


@pytest.fixture(scope="session")
def outside_discovery_curves(respond, family_field):
    """Curves at radii and spans outside discovery's (every radius with every span), confirmation stroke and
    colours; params: orientation, radius, span."""
    import torch

    sets = [curve_set(family_field.canvas, orientations=OUTSIDE_DISCOVERY["orientations"],
                      radii=[f * family_field.size for f in OUTSIDE_DISCOVERY["radius_fractions"]], span=span,
                      **confirmation_style(family_field)) for span in OUTSIDE_DISCOVERY["spans"]]
    params = {name: torch.cat([s.params[name] for s in sets]) for name in sets[0].params}
    params["span"] = torch.cat([torch.full((len(s),), span) for s, span in zip(sets, OUTSIDE_DISCOVERY["spans"])])
    return respond(StimulusSet(torch.cat([s.images for s in sets]), params))


@pytest.fixture(scope="session")
def outside_discovery_lines(respond, family_field):
    """Straight lines through the centre, shorter and longer than discovery's, confirmation stroke and colours."""
    import torch

    sets = [line_set(family_field.canvas, orientations=OUTSIDE_DISCOVERY["orientations"] // 2,
                     length=f * family_field.size, **confirmation_style(family_field))
            for f in OUTSIDE_DISCOVERY["line_length_fractions"]]
    params = {"orientation": torch.cat([s.params["orientation"] for s in sets])}
    return respond(StimulusSet(torch.cat([s.images for s in sets]), params))


@dataclass
class CurveReaders:
    """The curve family's readers, chosen by their responses to the discovery outlines in the first later layers
    that combine channels (whatever their stride), and their ablations on the confirmation outlines."""

    layers: list[str]
    ablations: ReaderAblations

    @property
    def readers(self) -> list[tuple[str, int]]:
        return self.ablations.readers


@pytest.fixture(scope="session")
def curve_readers(model, curve_family) -> CurveReaders:
    layers = downstream_layers(model, curve_family.layer)
    readers = shape_readers(model, layers, READER_DISCOVERY)
    return CurveReaders(layers, reader_ablations(model, curve_family.layer, curve_family.units, readers,
                                                 READER_CONFIRMATION, draws=READER_ABLATION_DRAWS))
