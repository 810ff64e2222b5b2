"""Image parameterisation: a Fourier-space image with 1/f scaling and decorrelated colour.

Optimising pixels directly favours high frequencies the network is sensitive to but people don't see;
scaling each frequency by 1/f equalises the spectrum's energy, and optimising in a decorrelated colour
basis (the square root of ImageNet's colour correlation) avoids over-saturated colour noise.
"""
from __future__ import annotations

import torch
from torch import Tensor, nn

# Square root of ImageNet's RGB colour correlation (its SVD factors), as measured for Lucid.
COLOUR_CORRELATION_SQRT = torch.tensor([[0.26, 0.09, 0.02],
                                        [0.27, 0.00, -0.05],
                                        [0.27, -0.09, 0.03]])
MAX_NORM = COLOUR_CORRELATION_SQRT.norm(dim=0).max()


class FourierImage(nn.Module):
    """`batch` images of `size` x `size`, returned in [0, 1] RGB by `forward()`."""

    def __init__(self, batch: int, size: int, *, decay: float = 1.0, scale: float = 0.01,
                 generator: torch.Generator | None = None):
        super().__init__()
        fy = torch.fft.fftfreq(size)[:, None]
        fx = torch.fft.rfftfreq(size)[None, :]
        frequency = torch.sqrt(fx ** 2 + fy ** 2).clamp(min=1.0 / size)
        self.register_buffer("spectrum_scale", (1.0 / frequency ** decay) * size)
        shape = (batch, 3, size, size // 2 + 1, 2)
        self.spectrum = nn.Parameter(torch.randn(shape, generator=generator) * scale)
        self.size = size

    def forward(self) -> Tensor:
        coefficients = torch.view_as_complex(self.spectrum) * self.spectrum_scale
        image = torch.fft.irfft2(coefficients, s=(self.size, self.size), norm="ortho") / 4.0
        colour = (COLOUR_CORRELATION_SQRT / MAX_NORM).to(image.device)
        image = torch.einsum("bchw,dc->bdhw", image, colour)
        return torch.sigmoid(image)
