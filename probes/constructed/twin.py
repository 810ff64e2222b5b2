"""`constructed_curves_twin`: the positive control of universality claims, and its near miss.

Universality says that analogous features form in different networks. Its positive control is therefore a SECOND
network with curve detectors, built on its own from the paper's description of how curves are made (Zoom In;
Curve Detectors; Curve Circuits: a curve unit adds up line detectors whose orientation follows the arc's tangent
along the arc, and is inhibited by the same detectors along the opposing curve), not a copy of
`constructed_curves` (probes/constructed/curves.py) with its units relabelled: linear CKA and profile matching
are blind to a permutation, so a permuted copy would pass them whatever they measure. Nothing here is imported
from, or copied out of, that network or any instrument of the suite (probes.stimuli, probes.measures.tuning, ...).

How this network differs from `constructed_curves` (which the claims compare it with under --model and
--controls: `zoom_in_claims/universality.py` maps this network to that reference):

                         constructed_curves                    this network
  input                  112 px, luminance = mean of RGB       128 px, luminance = Rec. 601 luma
  depth of the curves    2 (edges -> curves)                   3 (bars -> segments -> contours)
  stride of the curves   2, field 36 px                        4, field 42 px
  first layer            7x7: 16 edges, 8 ridge lines          5x5: 12 Gabor bars (every 15 deg), 8 Gabor
                                                               edges (every 45 deg), 2 colour-opponent blobs
  pooling                2x2 average                           2x2 max, then a 3x3 "segments" layer that
                                                               lengthens each bar along its own orientation
  curve family           16 units, every 22.5 deg, at 0-15     36 units, every 10 deg, interleaved with other
                                                               units in a 60-unit layer
  arc weights            blobs splatted along sampled points   an analytic distance field of the arc (parameter-
                                                               ised by its centre and angular extent) per tap
  other units            lines, edges                          12 long straight lines, 8 edges, 2 colours, 2
                                                               isotropic contour-energy units, interleaved

Layers (every one a convolution and a ReLU):

  bars      stride 1, field 5 px
            units 0-11   dark-bar detectors, even Gabor on luma, orientation 15k degrees (mod 180)
            units 12-19  edge detectors, odd Gabor on luma, direction 45k degrees (luminance rises that way)
            units 20-21  colour-opponent blobs (red - green, blue - yellow)
  (2x2 max pool)
  segments  stride 2, field 10 px
            units 0-11   bar k lengthened along 15k degrees (a 3x3 line through the centre)
            units 12-21  edges and colours passed on, slightly blurred
  contours  stride 4, field 42 px, 60 units in blocks of five (5k, ..., 5k + 4), k = 0..11:
            unit 5k      a long straight-line unit, orientation 15k degrees
            units 5k + 1, 5k + 2, 5k + 4
                         THE CURVE FAMILY: curves 3k, 3k + 1, 3k + 2, orientation 10 degrees times that number
            unit 5k + 3  k = 0..7: an edge unit, direction 45k; k = 8, 9: colour units; k = 10, 11: isotropic
                         contour energy (every segment channel in a disc)
            Curve j (orientation 10j) adds the segment channels whose bar orientation matches the arc's
            tangent along arcs of radius 9-23 px and span 140 degrees, and subtracts the same along the opposing
            arc (orientation 10j + 180): a straight line through the centre, tangent to both, cancels. Its bias
            (-0.08) cuts the rest. Orientation is a convention of the paper's figures, restated here, not
            imported: the direction from the circle's centre to the arc's midpoint, degrees counter-clockwise
            from +x, y up; the arc's midpoint is at the unit's centre.

Ground truth (the planted atlas): family "curves" = contours:1, 2, 4, 6, 7, 9, ..., 59 with orientations 0, 10,
..., 350 (`CURVE_UNITS`); "lines" = contours:0, 5, ..., 55; "bars" = bars:0-11 (orientation 15k); "edges" =
bars:12-19 (direction 45k).

The unit count is not the reference's: 36 units every 10 degrees, so that each of the reference's curve units
(every 22.5 degrees) has one within 5 degrees. Both networks' curve units are sharply tuned (half width at half
height about 17 degrees), so matched tuning falls fast with the offset: with 12 units every 30 degrees the
reference's units 15 degrees from the nearest had tuning correlation 0.5 with their match and the median minus
the random twins' largest (universality.matched_tuning, >= 0.2) was 0.21; with 24 every 15 degrees, 0.33 with
the interval [0.19, 0.47] (INCONCLUSIVE); with 36 every 10 degrees the correlations are 0.92-0.99.

Why a judge cannot see the answer through shared code: the claims present curves drawn by probes.stimuli at
the receptive field probes.activations.receptive_field measures and compare both networks' responses; this network's
arcs are an analytic distance field with their own radii (0.2-0.55 of the field), span (140 degrees) and tube
width, read from Gabor bars of another profile at another stride, so the instrument's rendering of an arc, its
radii and its stroke never enter the weights.

`constructed_curves_twin_straightened` (the near miss of every universality claim): the same network, with
every weight, bias, index and the atlas unchanged, except the 36 curve units' weights: each arc is straightened
into the line tangent to it at its midpoint (`straightened_family_weights`), so the units at the curve family's
indices are line detectors (curves j and j + 18 become the same line). Nothing that universality claims holds
there: no curve family forms, no reference curve unit finds a curve unit, matched tuning is no better than in a
random network. Linear CKA of the whole layer (universality.representation_similarity) does not see the
difference: the layer's mean responses over photographs are carried by its lines and edges, which are
unchanged. The atlas still names the family, as a careless discovery would, so the claims run and must
find out by measuring. Run it as `--model constructed_curves --model constructed_curves_twin_straightened`
(the first model is the reference).
"""
from __future__ import annotations

import math

import torch
from torch import nn

from probes.constructed import register_control
from probes.records.atlas import Atlas, Family, Provenance
from probes.zoo import ImageModel, Layer, Model, Preprocessing

NAME = "constructed_curves_twin"
NEAR_MISS = "constructed_curves_twin_straightened"
INPUT_SIZE = 128
LUMA = (0.299, 0.587, 0.114)

BARS, EDGES, COLOURS = 12, 8, 2
FIRST = BARS + EDGES + COLOURS  # 22 channels in bars and in segments
BAR_STEP, EDGE_STEP = 15.0, 45.0
CONTOURS = 60
CURVE_COUNT, CURVE_STEP, CURVE_START = 36, 10.0, 0.0
# interleaved in blocks of five: a straight line, two curves, another unit, a curve
LINE_UNITS = [5 * k for k in range(BARS)]
CURVE_UNITS = [5 * (j // 3) + (1, 2, 4)[j % 3] for j in range(CURVE_COUNT)]
OTHER_UNITS = [5 * k + 3 for k in range(12)]  # 8 edges, 2 colours, 2 contour-energy units

CONTOUR_KERNEL = 17  # taps on the stride-2 grid: 2 px apart, field 10 + 16 * 2 = 42 px
TAP_SPACING = 2.0
ARC_RADII = (9.0, 12.0, 16.0, 23.0)  # px: about 0.2-0.55 of the 42 px field
ARC_SPAN = 140.0  # degrees of the circle each arc covers
TUBE = 1.6  # px: width of the band around the arc that the weights cover
CURVE_GAIN, CURVE_BIAS = 2.5, -0.08


def curve_orientation(k: int) -> float:
    return CURVE_START + CURVE_STEP * k


# ---- first layer: Gabor bars and edges on luma, colour-opponent blobs -------------------------------------------

def _grid(size: int, spacing: float = 1.0) -> tuple[torch.Tensor, torch.Tensor]:
    """(x, y) offsets of a size x size kernel's taps from its centre in input pixels, x right and y UP
    (row 0 is the top of the image, so y falls with the row index)."""
    offsets = (torch.arange(size, dtype=torch.float64) - (size - 1) / 2) * spacing
    rows, columns = torch.meshgrid(offsets, offsets, indexing="ij")
    return columns, -rows


def _rotate(x: torch.Tensor, y: torch.Tensor, degrees: float) -> tuple[torch.Tensor, torch.Tensor]:
    """(along, across) coordinates in a frame turned by `degrees`."""
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return x * c + y * s, -x * s + y * c


def _gabor(orientation: float, phase: str) -> torch.Tensor:
    """5x5 Gabor. 'bar': even, negative centre lobe across a line of `orientation` (a dark bar excites it);
    'edge': odd, positive where luminance rises in `orientation`."""
    x, y = _grid(5)
    if phase == "bar":
        along, across = _rotate(x, y, orientation)
        kernel = -torch.cos(2 * math.pi * across / 4.5) * torch.exp(-across ** 2 / 2.2 - along ** 2 / 5.0)
        kernel = kernel - kernel.mean()
    else:
        along, across = _rotate(x, y, orientation)
        kernel = torch.sin(2 * math.pi * along / 6.0) * torch.exp(-along ** 2 / 3.0 - across ** 2 / 3.0)
    return kernel / kernel.abs().sum()


def _bars_weights() -> torch.Tensor:
    weights = torch.zeros(FIRST, 3, 5, 5, dtype=torch.float64)
    luma = torch.tensor(LUMA, dtype=torch.float64).view(3, 1, 1)
    for k in range(BARS):
        weights[k] = 2.0 * luma * _gabor(BAR_STEP * k, "bar")
    for k in range(EDGES):
        weights[BARS + k] = 1.5 * luma * _gabor(EDGE_STEP * k, "edge")
    x, y = _grid(5)
    blob = torch.exp(-(x ** 2 + y ** 2) / 4.0)
    blob = blob / blob.sum()
    weights[BARS + EDGES] = torch.tensor([1.0, -1.0, 0.0], dtype=torch.float64).view(3, 1, 1) * blob
    weights[BARS + EDGES + 1] = torch.tensor([-0.5, -0.5, 1.0], dtype=torch.float64).view(3, 1, 1) * blob
    return weights


# ---- second layer: each bar lengthened along its own orientation ------------------------------------------------

def _segments_weights() -> torch.Tensor:
    weights = torch.zeros(FIRST, FIRST, 3, 3, dtype=torch.float64)
    x, y = _grid(3, TAP_SPACING)
    for k in range(BARS):
        along, across = _rotate(x, y, BAR_STEP * k)
        line = torch.exp(-across ** 2 / 2.0)  # taps 2 px apart: on the line 1, one tap off it about 0.1
        weights[k, k] = line / line.sum()
    soft = torch.exp(-(x ** 2 + y ** 2) / 6.0)
    for channel in range(BARS, FIRST):
        weights[channel, channel] = soft / soft.sum()
    return weights


# ---- third layer: curves, long lines, edges, colours -------------------------------------------------------------

def _bar_match(tangent: torch.Tensor) -> torch.Tensor:
    """(BARS, *tangent.shape): how well each bar orientation matches a tangent orientation (period 180),
    a raised cosine to the fourth power."""
    bars = torch.arange(BARS, dtype=torch.float64).view(-1, *([1] * tangent.dim())) * BAR_STEP
    return torch.cos(torch.deg2rad(bars - tangent)) ** 8


def _arc_field(orientation: float, radius: float) -> tuple[torch.Tensor, torch.Tensor]:
    """(distance, tangent) at each contour tap: its distance in px from the arc of `radius` whose midpoint is
    at the centre and whose circle's centre lies opposite `orientation`, and the arc's tangent orientation
    at the nearest point of the arc (degrees)."""
    x, y = _grid(CONTOUR_KERNEL, TAP_SPACING)
    theta = math.radians(orientation)
    cx, cy = -radius * math.cos(theta), -radius * math.sin(theta)
    angle = torch.rad2deg(torch.atan2(y - cy, x - cx))
    offset = (angle - orientation + 180.0) % 360.0 - 180.0  # angle round the circle from the midpoint
    limited = offset.clamp(-ARC_SPAN / 2, ARC_SPAN / 2)  # beyond the arc's ends the nearest point is an end
    nearest = torch.deg2rad(orientation + limited)
    px, py = cx + radius * torch.cos(nearest), cy + radius * torch.sin(nearest)
    distance = torch.sqrt((x - px) ** 2 + (y - py) ** 2)
    return distance, torch.rad2deg(nearest) + 90.0


def _arc_template(orientation: float) -> torch.Tensor:
    """(BARS, K, K) weights on the segment channels along arcs of `orientation` over the radii, each radius's
    share normalised to 1."""
    total = torch.zeros(BARS, CONTOUR_KERNEL, CONTOUR_KERNEL, dtype=torch.float64)
    for radius in ARC_RADII:
        distance, tangent = _arc_field(orientation, radius)
        template = torch.exp(-distance ** 2 / (2 * TUBE ** 2)) * _bar_match(tangent)
        total += template / template.sum()
    return total / len(ARC_RADII)


def _straight_template(orientation: float, length: float) -> torch.Tensor:
    """(BARS, K, K) weights on the segment channels along a straight line of `orientation` through the centre."""
    x, y = _grid(CONTOUR_KERNEL, TAP_SPACING)
    along, across = _rotate(x, y, orientation)
    overshoot = (along.abs() - length / 2).clamp(min=0)
    distance = torch.sqrt(across ** 2 + overshoot ** 2)
    template = torch.exp(-distance ** 2 / (2 * TUBE ** 2)) * _bar_match(torch.full_like(x, orientation))
    return template / template.sum()


def curve_family_weights() -> torch.Tensor:
    """(CURVE_COUNT, BARS, K, K): each curve unit excited along its arc, inhibited along the opposing arc."""
    return torch.stack([CURVE_GAIN * (_arc_template(curve_orientation(k)) - _arc_template(curve_orientation(k) + 180))
                        for k in range(CURVE_COUNT)])


def straightened_family_weights() -> torch.Tensor:
    """The near miss: each curve unit with its arcs straightened. The excitation that ran along the arc runs
    along the straight line tangent to it at its midpoint (orientation + 90), as long as the arc; the
    inhibition, which for a straight line would cancel the excitation, comes from the perpendicular bars along
    the same line. Same gain, same total positive and negative weight, same bias: a line detector."""
    length = sum(math.radians(ARC_SPAN) * r for r in ARC_RADII) / len(ARC_RADII)
    return torch.stack([CURVE_GAIN * (_straight_template(curve_orientation(k) + 90, length)
                                      - _straight_template(curve_orientation(k), length))
                        for k in range(CURVE_COUNT)])


def _contours_weights(family: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    weights = torch.zeros(CONTOURS, FIRST, CONTOUR_KERNEL, CONTOUR_KERNEL, dtype=torch.float64)
    bias = torch.full((CONTOURS,), -0.02, dtype=torch.float64)
    for k, unit in enumerate(CURVE_UNITS):
        weights[unit, :BARS] = family[k]
        bias[unit] = CURVE_BIAS
    for k, unit in enumerate(LINE_UNITS):
        weights[unit, :BARS] = 2.0 * _straight_template(BAR_STEP * k, 30.0)
    x, y = _grid(CONTOUR_KERNEL, TAP_SPACING)
    near = torch.exp(-(x ** 2 + y ** 2) / (2 * 3.0 ** 2))
    near = near / near.sum()
    for k, unit in enumerate(OTHER_UNITS[:EDGES + COLOURS]):
        weights[unit, BARS + k] = near
    disc = torch.exp(-(x ** 2 + y ** 2) / (2 * 8.0 ** 2))
    for k, unit in enumerate(OTHER_UNITS[EDGES + COLOURS:]):
        weights[unit, :BARS] = (0.5 + k) * disc / disc.sum() / BARS
    return weights, bias


class CurvesTwin(nn.Module):
    def __init__(self, family: torch.Tensor | None = None):
        super().__init__()
        self.bars = nn.Conv2d(3, FIRST, 5, padding=2)
        self.bars_act = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.segments = nn.Conv2d(FIRST, FIRST, 3, padding=1)
        self.segments_act = nn.ReLU()
        self.contours = nn.Conv2d(FIRST, CONTOURS, CONTOUR_KERNEL, stride=2, padding=CONTOUR_KERNEL // 2)
        self.contours_act = nn.ReLU()
        contours, contour_bias = _contours_weights(curve_family_weights() if family is None else family)
        with torch.no_grad():
            self.bars.weight.copy_(_bars_weights())
            self.bars.bias.fill_(-0.01)
            self.segments.weight.copy_(_segments_weights())
            self.segments.bias.zero_()
            self.contours.weight.copy_(contours)
            self.contours.bias.copy_(contour_bias)

    def forward(self, x):
        x = self.pool(self.bars_act(self.bars(x)))
        x = self.segments_act(self.segments(x))
        return self.contours_act(self.contours(x))


def planted_atlas(name: str = NAME) -> Atlas:
    """The twin's ground truth. The near miss is handed the same atlas: its units at those indices are no
    longer curve detectors, and a judge must find that out by measuring, not by reading the atlas."""
    provenance = Provenance(method="planted by construction (probes/constructed/twin.py)",
                            data="none: hand-set weights", date="2026-11-30", tool="probes.constructed")
    return Atlas(name, {
        "curves": Family("contours", list(CURVE_UNITS), provenance,
                         {unit: curve_orientation(k) for k, unit in enumerate(CURVE_UNITS)},
                         "curve detectors, orientation 10j, interleaved in contours"),
        "lines": Family("contours", list(LINE_UNITS), provenance, {}, "long straight-line units, orientation 15k"),
        "bars": Family("bars", list(range(BARS)), provenance, {}, "Gabor dark-bar detectors, orientation 15k"),
        "edges": Family("bars", list(range(BARS, BARS + EDGES)), provenance,
                        {BARS + k: EDGE_STEP * k for k in range(EDGES)}, "Gabor edge detectors, direction 45k"),
    })


def _model(name: str, network: CurvesTwin) -> Model:
    preprocessing = Preprocessing(size=INPUT_SIZE, resize=round(INPUT_SIZE / 0.875))
    layers = {layer: Layer(layer, getattr(network, layer), getattr(network, f"{layer}_act"))
              for layer in ("bars", "segments", "contours")}
    return Model(name=name, module=ImageModel(network, preprocessing), preprocessing=preprocessing, layers=layers,
                 labels=[], weights="hand-set by construction (probes/constructed/twin.py)")


def load(pretrained: bool = True) -> Model:
    """Hand-set weights either way: there is nothing to train or download."""
    return _model(NAME, CurvesTwin())


def load_straightened(pretrained: bool = True) -> Model:
    return _model(NEAR_MISS, CurvesTwin(straightened_family_weights()))


def network():
    """The twin as a user model: ``--model probes.constructed.twin:network``."""
    return CurvesTwin(), {"input_size": INPUT_SIZE}


register_control(NAME, "positive control of universality: a second curve network (36 curve units every 10 degrees "
                       "at stride 4, depth 3, 128 px), built independently", load, planted_atlas(NAME))
register_control(NEAR_MISS, "near miss of universality: constructed_curves_twin with its curve units straightened "
                            "into line detectors", load_straightened, planted_atlas(NEAR_MISS))
