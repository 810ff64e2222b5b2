"""A handwritten curve circuit: the paper's seventh argument, a curve detector with hand-set weights.

Nothing is learned and nothing is copied from a model:
  layer 1, oriented edge detectors: derivative-of-Gaussian filters at EDGE_DIRECTIONS directions over
           the full turn, rectified, so each responds to a luminance edge of one polarity and direction;
  layer 2, curve detectors: for each curve orientation, weights laid along the arc that passes through
           the centre (the curve-stimulus convention of `probes.stimuli.sets`), exciting the edge detectors
           whose orientation matches the arc's normal at each point, and inhibiting the same detectors along
           the opposing arc (the curve rotated by 180 degrees), so "∩" and "∪" are told apart.
The response of curve detector θ is read at the centre of a canvas; it serves as a model-independent
instrument for curve content (of dataset crops and feature visualisations) and as the circuit whose tuning
the real family should share.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

EDGE_DIRECTIONS = 16


def _edge_filters(directions: int, sigma: float) -> Tensor:
    radius = math.ceil(3 * sigma)
    coords = torch.arange(-radius, radius + 1, dtype=torch.float32)
    y, x = torch.meshgrid(-coords, coords, indexing="ij")
    gaussian = torch.exp(-(x ** 2 + y ** 2) / (2 * sigma ** 2))
    angles = torch.arange(directions) * 2 * math.pi / directions
    filters = [(x * math.cos(a) + y * math.sin(a)) * gaussian for a in angles]
    stacked = torch.stack(filters)
    return (stacked / stacked.abs().sum((-2, -1), keepdim=True)).unsqueeze(1)


class HandwrittenCurveDetector(nn.Module):
    """Centre responses (N, orientations) of hand-set curve detectors on a (N, 3, canvas, canvas) batch."""

    def __init__(self, canvas: int, orientations: int = 36, radii: tuple[float, ...] = (0.3,),
                 span: float = 120.0, inhibition: float = 1.0, edge_sigma: float = 1.5):
        super().__init__()
        self.canvas = canvas
        self.orientations = torch.arange(orientations) * 360.0 / orientations
        self.edges = nn.Conv2d(1, EDGE_DIRECTIONS, _edge_filters(EDGE_DIRECTIONS, edge_sigma).shape[-1],
                               padding="same", bias=False)
        self.curves = nn.Conv2d(EDGE_DIRECTIONS, orientations, canvas, bias=False)
        with torch.no_grad():
            self.edges.weight.copy_(_edge_filters(EDGE_DIRECTIONS, edge_sigma))
            self.curves.weight.copy_(self._curve_weights(radii, span, inhibition))
        self.requires_grad_(False)

    def _arc_map(self, orientation: float, radius: float, span: float) -> Tensor:
        """(EDGE_DIRECTIONS, canvas, canvas): soft arc positions times orientation match of the edge detectors."""
        coords = torch.arange(self.canvas, dtype=torch.float32) - (self.canvas - 1) / 2
        y, x = torch.meshgrid(-coords, coords, indexing="ij")
        theta = math.radians(orientation)
        centre_x, centre_y = -radius * math.cos(theta), -radius * math.sin(theta)
        directions = torch.arange(EDGE_DIRECTIONS) * 2 * math.pi / EDGE_DIRECTIONS
        phi = torch.linspace(theta - math.radians(span) / 2, theta + math.radians(span) / 2, 48)
        px, py = centre_x + radius * torch.cos(phi), centre_y + radius * torch.sin(phi)
        blobs = torch.exp(-((x - px.view(-1, 1, 1)) ** 2 + (y - py.view(-1, 1, 1)) ** 2) / 2.0)  # (points, H, W)
        # a stroke along the arc has edges whose directions are the arc's normal, either way
        match = torch.cos(directions[None, :] - phi[:, None]) ** 2  # (points, directions)
        total = torch.einsum("pd,phw->dhw", match, blobs)
        return total / total.sum()

    def _curve_weights(self, radii, span, inhibition) -> Tensor:
        weights = []
        for orientation in self.orientations.tolist():
            excite = sum(self._arc_map(orientation, r * self.canvas, span) for r in radii)
            inhibit = sum(self._arc_map(orientation + 180.0, r * self.canvas, span) for r in radii)
            weights.append(excite - inhibition * inhibit)
        return torch.stack(weights)

    def forward(self, images: Tensor) -> Tensor:
        if images.shape[-1] != self.canvas or images.shape[-2] != self.canvas:
            images = F.interpolate(images, size=(self.canvas, self.canvas), mode="bilinear", align_corners=False,
                                   antialias=True)
        luminance = images.mean(1, keepdim=True)
        edges = F.relu(self.edges(luminance))
        return F.relu(self.curves(edges)).flatten(1)

    def preferred_orientation(self, images: Tensor) -> Tensor:
        """Circular mean orientation (degrees) of each image's curve responses."""
        responses = self(images)
        angles = torch.deg2rad(self.orientations)
        resultant = (responses * torch.exp(1j * angles)).sum(1)
        return torch.rad2deg(torch.angle(resultant)) % 360.0
