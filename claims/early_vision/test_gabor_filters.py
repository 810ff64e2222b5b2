"""Early vision: the first convolution of a trained network holds oriented edge detectors.

Measured on the kernels themselves, nothing rendered. Each kernel is averaged over colour channels
(luminance) and its mean removed; the share of its energy in the span of the oriented first-derivative
(odd-symmetric, Gabor-like) templates says how well an oriented edge detector explains it. Every
orientation's derivative is a combination of the x and y derivatives, so that span is two-dimensional:
a random zero-mean k x k kernel puts about 2 / (k*k - 1) of its energy there (0.25 for 3 x 3).

Prediction, fixed before looking: at least 40% of the kernels have >= 60% of their energy in the edge
span (a random kernel does so with probability ~5%).

Result on EfficientNet-Lite0 (kept as a known negative result): REFUTED, 9.4% of the 32 stem kernels
[Wilson 95% CI 3.2%, 24%], null twin 3.1%. Its 3 x 3, stride-2 stem is too small to hold the Gabor filters
that InceptionV1's 7 x 7 conv2d0 shows; oriented edges appear only after the depthwise layers.
"""
import torch
from torch import nn

from fixtures import claim
from probes.evidence import wilson_ci

MIN_EDGE_ENERGY = 0.6
MIN_FRACTION = 0.4


def first_convolution(model) -> nn.Conv2d:
    return next(m for m in model.module.modules() if isinstance(m, nn.Conv2d))


def edge_energy_share(kernels: torch.Tensor) -> torch.Tensor:
    """Share of each zero-mean luminance kernel's energy in the span of smoothed x/y derivatives."""
    luminance = kernels.sum(1)
    luminance = luminance - luminance.mean((-2, -1), keepdim=True)
    size = luminance.shape[-1]
    coords = torch.linspace(-1, 1, size)
    smooth = torch.exp(-coords ** 2)
    dx = smooth[:, None] * coords[None, :]
    basis = torch.stack([dx.flatten(), dx.T.flatten()])
    basis = torch.linalg.qr(basis.T).Q.T  # orthonormal span of the oriented odd-symmetric templates
    flat = luminance.flatten(1)
    return (flat @ basis.T).pow(2).sum(1) / flat.pow(2).sum(1).clamp_min(1e-12)


@claim("early_vision.gabor_filters",
       "The first convolution contains oriented, Gabor-like edge filters.",
       source="Zoom In, 'Universality' (Gabor filters form in the first layer); Early Vision overview, conv2d0",
       kind="weights", expect="refuted")
def test_first_convolution_has_oriented_edge_filters(model, evidence):
    kernels = first_convolution(model).weight.detach().float().cpu()
    share = edge_energy_share(kernels)
    edge_like = int((share >= MIN_EDGE_ENERGY).sum())
    evidence.record("median edge-energy share", share.median().item(), n=len(share))
    evidence.at_least(f"fraction of kernels with edge energy >= {MIN_EDGE_ENERGY}", edge_like / len(share),
                      MIN_FRACTION, ci=wilson_ci(edge_like, len(share)), n=len(share))
