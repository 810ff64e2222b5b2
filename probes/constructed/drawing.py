"""Drawing weights by hand: kernels for oriented filters, and weight maps painted along paths.

Coordinates follow `probes.stimuli`: pixels relative to the kernel's centre, x to the right, y UP, angles in
degrees counter-clockwise from +x. Kernel row i holds y = -(i - centre), column j holds x = j - centre.
"""
from __future__ import annotations

import math

import torch
from torch import Tensor


def kernel_grid(size: int, spacing: float = 1.0) -> tuple[Tensor, Tensor]:
    """(x, y) input-pixel offsets of a size x size kernel whose taps are `spacing` input pixels apart."""
    coords = (torch.arange(size, dtype=torch.float32) - (size - 1) / 2) * spacing
    y, x = torch.meshgrid(-coords, coords, indexing="ij")
    return x, y


def edge_kernel(size: int, direction: float, sigma: float) -> Tensor:
    """First derivative of a Gaussian along `direction`: positive where luminance rises that way."""
    x, y = kernel_grid(size)
    theta = math.radians(direction)
    along = x * math.cos(theta) + y * math.sin(theta)
    kernel = along * torch.exp(-(x ** 2 + y ** 2) / (2 * sigma ** 2))
    return kernel / kernel.abs().sum() * 2


def dark_line_kernel(size: int, orientation: float, sigma_across: float, sigma_along: float) -> Tensor:
    """Zero-mean ridge filter: positive on a dark line of `orientation` through the centre (luminance dips
    across it), negative on a bright one."""
    x, y = kernel_grid(size)
    theta = math.radians(orientation)
    along = x * math.cos(theta) + y * math.sin(theta)
    across = -x * math.sin(theta) + y * math.cos(theta)
    profile = (across ** 2 / sigma_across ** 2 - 1) * torch.exp(-across ** 2 / (2 * sigma_across ** 2))
    kernel = profile * torch.exp(-along ** 2 / (2 * sigma_along ** 2))
    kernel = kernel - kernel.mean()
    return kernel / kernel.abs().sum() * 2


def orientation_match(preferred: Tensor | float, actual: Tensor | float, period: float, sharpness: float) -> Tensor:
    """von Mises match of two orientations with the given period (180 for lines, 360 for curves): 1 when
    equal, falling with the angle between them."""
    difference = torch.deg2rad(torch.as_tensor(preferred, dtype=torch.float32) - actual) * 360.0 / period
    return torch.exp(sharpness * (torch.cos(difference) - 1))


def splat(points_x: Tensor, points_y: Tensor, size: int, spacing: float, blur: float) -> Tensor:
    """(points, size, size): a Gaussian blob of width `blur` input pixels at each point on the kernel grid."""
    x, y = kernel_grid(size, spacing)
    return torch.exp(-((x - points_x.view(-1, 1, 1)) ** 2 + (y - points_y.view(-1, 1, 1)) ** 2) / (2 * blur ** 2))
