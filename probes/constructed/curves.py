"""`constructed_curves`: a curve-detector circuit with hand-set weights, the positive control of the curve claims.

Built from the paper's account of how InceptionV1 builds curves (Zoom In; Curve Detectors; Curve Circuits),
not from any instrument of this suite. RGB in [0, 1] at 112 px; every layer is a convolution and a ReLU.

  edges   stride 1, field 7 px
          units 0-15   oriented edge detectors, first derivative of a Gaussian, one every 22.5 degrees over the
                       full turn (the Gabor-like filters of a first layer)
          units 16-23  dark-line detectors, a ridge filter every 22.5 degrees over half a turn, thresholded
  (2x2 average pool)
  curves  stride 2, field 36 px
          units 0-15   THE CURVE FAMILY: unit k prefers curves of orientation 22.5k degrees (the direction from
                       the circle's centre to the arc's midpoint, as in probes.stimuli). Each excites the line
                       detectors whose orientation matches its arc's tangent at each position along the arc
                       (radii 0.2-0.8 of its field, a 120-degree span) and inhibits the same detectors along the
                       opposing arc (the curve turned by 180 degrees), so a straight line, tangent to both,
                       cancels and the curve's own orientation wins.
          units 16-23  straight-line units, one every 22.5 degrees, reading line detectors along a segment
          units 24-39  edge units, each reading one edge direction near its centre
  (2x2 average pool)
  shapes  stride 4, field 94 px
          units 0-2    circle readers: at each angle around a ring (radius 0.2, 0.25 or 0.3 of the field) the
                       curve unit whose orientation points outward there, and weakly the straight-line unit
                       tangent to the ring there
          units 3-5    square readers: straight-line units along the four sides of a square of those sizes

Ground truth (the planted atlas): family "curves" = curves:0-15 with orientations 22.5k; "circles" =
shapes:0-2; "squares" = shapes:3-5; "edges" = edges:0-15 (direction 22.5k); "lines" = edges:16-23.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from probes.atlas import Atlas, Family, Provenance
from probes.constructed import PLANTED
from probes.constructed.drawing import dark_line_kernel, edge_kernel, orientation_match, splat
from probes.models.zoo import ImageModel, Layer, Model, Preprocessing, ZooEntry, register
from probes.stimuli.sets import arc_points

NAME = "constructed_curves"
INPUT_SIZE = 112
CURVES, LINES, EDGES = 16, 8, 16
MIDDLE = CURVES + LINES + EDGES  # units of the curves layer: curves, straight lines, edges
CURVE_FIELD, SHAPE_FIELD = 36, 94  # px; what receptive_field measures for the two upper layers
CURVE_RADII = (0.2, 0.3, 0.4, 0.5, 0.65, 0.8)  # of the curve field: circles seen by the readers are large
SPAN = 120.0
READER_RADII = (0.2, 0.25, 0.3)  # of the shape field
LINE_SHARE = 1.0  # circle readers' weight on tangent straight-line units, against 40 on the curve units


class ConstructedCurves(nn.Module):
    def __init__(self):
        super().__init__()
        self.edges = nn.Conv2d(3, EDGES + LINES, 7, padding=3)
        self.edges_act = nn.ReLU()
        self.pool1 = nn.AvgPool2d(2)
        self.curves = nn.Conv2d(EDGES + LINES, MIDDLE, 15, padding=7)
        self.curves_act = nn.ReLU()
        self.pool2 = nn.AvgPool2d(2)
        self.shapes = nn.Conv2d(MIDDLE, 6, 15, padding=7)
        self.shapes_act = nn.ReLU()
        with torch.no_grad():
            self.edges.weight.copy_(_edge_weights())
            self.edges.bias.copy_(torch.cat([torch.full((EDGES,), -0.02), torch.full((LINES,), -0.05)]))
            self.curves.weight.copy_(_curve_layer_weights())
            # the curve units' threshold cuts the broad base that partial matches (corners, flat arcs) leave
            self.curves.bias.copy_(torch.cat([torch.full((CURVES,), -0.07), torch.full((MIDDLE - CURVES,), -0.01)]))
            self.shapes.weight.copy_(_shape_weights())
            self.shapes.bias.zero_()

    def forward(self, x):
        x = self.pool1(self.edges_act(self.edges(x)))
        x = self.pool2(self.curves_act(self.curves(x)))
        return self.shapes_act(self.shapes(x))


def _edge_weights() -> torch.Tensor:
    kernels = [edge_kernel(7, 22.5 * d, sigma=1.2) for d in range(EDGES)]
    kernels += [dark_line_kernel(7, 22.5 * a, sigma_across=0.9, sigma_along=2.0) for a in range(LINES)]
    # the same kernel on each colour channel: a filter on luminance, the mean of R, G and B
    return torch.stack(kernels).unsqueeze(1).expand(-1, 3, -1, -1) / 3


def _line_channels(tangent: torch.Tensor) -> torch.Tensor:
    """(points, LINES): how well each line detector's orientation matches the tangent at each point."""
    line_orientations = torch.arange(LINES) * 22.5
    return orientation_match(line_orientations[None, :], tangent[:, None], period=180.0, sharpness=3.0)


def _arc_map(orientation: float) -> torch.Tensor:
    """(LINES, 15, 15) excitation of the line detectors along an arc of `orientation`, summed over radii."""
    total = torch.zeros(LINES, 15, 15)
    for fraction in CURVE_RADII:
        x, y, normal = arc_points(orientation, fraction * CURVE_FIELD, SPAN, 48)
        blobs = splat(x, y, 15, spacing=2.0, blur=1.5)  # (points, 15, 15)
        match = _line_channels(normal + 90.0)  # the tangent is perpendicular to the normal
        layer = torch.einsum("pl,phw->lhw", match, blobs)
        total += layer / layer.sum()
    return total / len(CURVE_RADII)


def _curve_layer_weights() -> torch.Tensor:
    weights = torch.zeros(MIDDLE, EDGES + LINES, 15, 15)
    for k in range(CURVES):
        orientation = 22.5 * k
        weights[k, EDGES:] = 3.0 * (_arc_map(orientation) - _arc_map(orientation + 180.0))
    along = torch.linspace(-12, 12, 25)
    for k in range(LINES):
        theta = math.radians(22.5 * k)
        blobs = splat(along * math.cos(theta), along * math.sin(theta), 15, spacing=2.0, blur=1.5)
        match = _line_channels(torch.full((len(along),), 22.5 * k))
        segment = torch.einsum("pl,phw->lhw", match, blobs)
        weights[CURVES + k, EDGES:] = 3.0 * segment / segment.sum()
    centre = splat(torch.zeros(1), torch.zeros(1), 15, spacing=2.0, blur=2.0)[0]
    for k in range(EDGES):
        weights[CURVES + LINES + k, k] = centre / centre.sum()
    return weights


def _shape_weights() -> torch.Tensor:
    weights = torch.zeros(6, MIDDLE, 15, 15)
    curve_orientations = torch.arange(CURVES) * 22.5
    for r, fraction in enumerate(READER_RADII):
        radius = fraction * SHAPE_FIELD
        around = torch.arange(72) * 5.0
        phi = torch.deg2rad(around)
        blobs = splat(radius * torch.cos(phi), radius * torch.sin(phi), 15, spacing=4.0, blur=3.0)
        match = orientation_match(curve_orientations[None, :], around[:, None], period=360.0, sharpness=4.0)
        ring = torch.einsum("pc,phw->chw", match, blobs)
        weights[r, :CURVES] = 40.0 * ring / ring.sum()  # curve units answer weakly to large circles
        # ... and, weakly, the straight-line units tangent to the ring: a circle is also short straight pieces
        tangent = orientation_match(torch.arange(LINES)[None, :] * 22.5, around[:, None] + 90.0, period=180.0,
                                    sharpness=4.0)
        pieces = torch.einsum("pl,phw->lhw", tangent, blobs)
        weights[r, CURVES:CURVES + LINES] = LINE_SHARE * pieces / pieces.sum()
        side = torch.linspace(-radius, radius, 24)
        edge = torch.full_like(side, radius)
        horizontal = splat(torch.cat([side, side]), torch.cat([edge, -edge]), 15, spacing=4.0, blur=3.0).sum(0)
        vertical = splat(torch.cat([edge, -edge]), torch.cat([side, side]), 15, spacing=4.0, blur=3.0).sum(0)
        square = torch.zeros(MIDDLE, 15, 15)
        square[CURVES + 0] = horizontal  # the 0-degree straight-line unit
        square[CURVES + 4] = vertical  # the 90-degree straight-line unit
        weights[3 + r] = 4.0 * square / square.sum()
    return weights


def planted_atlas() -> Atlas:
    provenance = Provenance(method="planted by construction (probes/constructed/curves.py)",
                            data="none: hand-set weights", date="2026-11-24", tool="probes.constructed")

    def family(layer, units, description, orientations=None):
        return Family(layer, list(units), provenance, orientations or {}, description)

    return Atlas(NAME, {
        "curves": family("curves", range(CURVES), "curve detectors, orientation 22.5k",
                         {k: 22.5 * k for k in range(CURVES)}),
        "circles": family("shapes", range(3), "circle readers of the curve family"),
        "squares": family("shapes", range(3, 6), "square readers of the straight-line units"),
        "edges": family("edges", range(EDGES), "oriented edge detectors, direction 22.5k",
                        {k: 22.5 * k for k in range(EDGES)}),
        "lines": family("edges", range(EDGES, EDGES + LINES), "dark-line detectors, orientation 22.5k"),
    })


def network():
    """The same network as a user model: ``--model probes.constructed.curves:network``."""
    return ConstructedCurves(), {"input_size": INPUT_SIZE}


def load(pretrained: bool = True) -> Model:
    """Hand-set weights either way: there is nothing to train or download."""
    network = ConstructedCurves()
    preprocessing = Preprocessing(size=INPUT_SIZE, resize=round(INPUT_SIZE / 0.875))
    layers = {name: Layer(name, getattr(network, name), getattr(network, f"{name}_act"))
              for name in ("edges", "curves", "shapes")}
    return Model(name=NAME, module=ImageModel(network, preprocessing), preprocessing=preprocessing, layers=layers,
                 labels=[], weights="hand-set by construction (probes/constructed/curves.py)")


PLANTED[NAME] = planted_atlas()
register(ZooEntry(name=NAME, summary="positive control: hand-set curve detectors at stride 2, circle and square "
                                     "readers at stride 4 (112 px)",
                  load=load, weights_status=lambda: "hand-set (no file)"))
