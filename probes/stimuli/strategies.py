"""Hypothesis strategies for stimuli: draw a parameter record, render it at any canvas size.

    @given(curve=curves(radius=(10, 20)))
    def test_...(curve):
        image = curve.render(size)

Each record is a small frozen dataclass, so a falsifying example prints as readable parameters and
Hypothesis shrinks it towards the simplest stimulus (orientation 0, the smallest radius and width).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from hypothesis import strategies as st

from probes.stimuli.sets import arcs, corners, high_low, outlines, segments


@dataclass(frozen=True)
class Curve:
    orientation: float
    radius: float
    width: float
    span: float = 120.0
    foreground: tuple[float, float, float] = (0.0, 0.0, 0.0)
    background: tuple[float, float, float] = (1.0, 1.0, 1.0)

    def render(self, size: int) -> torch.Tensor:
        one = lambda value: torch.tensor([float(value)])  # noqa: E731
        return arcs(size, one(self.orientation), one(self.radius), one(self.span), one(self.width),
                    self.foreground, self.background)


@dataclass(frozen=True)
class Line:
    orientation: float
    length: float
    width: float
    foreground: tuple[float, float, float] = (0.0, 0.0, 0.0)
    background: tuple[float, float, float] = (1.0, 1.0, 1.0)

    def render(self, size: int) -> torch.Tensor:
        one = lambda value: torch.tensor([float(value)])  # noqa: E731
        return segments(size, one(self.orientation), one(self.length), one(self.width), self.foreground,
                        self.background)


def _between(bounds: tuple[float, float]):
    low, high = bounds
    return st.floats(min_value=low, max_value=high, allow_nan=False, allow_infinity=False)


@st.composite
def curves(draw, radius=(10.0, 30.0), width=(1.0, 4.0), orientation=(0.0, 360.0), span=(90.0, 150.0),
           foreground=(0.0, 0.0, 0.0), background=(1.0, 1.0, 1.0)) -> Curve:
    return Curve(draw(_between(orientation)) % 360.0, draw(_between(radius)), draw(_between(width)),
                 draw(_between(span)), foreground, background)


@st.composite
def lines(draw, length=(10.0, 40.0), width=(1.0, 4.0), orientation=(0.0, 180.0),
          foreground=(0.0, 0.0, 0.0), background=(1.0, 1.0, 1.0)) -> Line:
    return Line(draw(_between(orientation)) % 180.0, draw(_between(length)), draw(_between(width)), foreground,
                background)


@dataclass(frozen=True)
class Angle:
    orientation: float
    opening: float
    length: float
    width: float

    def render(self, size: int) -> torch.Tensor:
        one = lambda value: torch.tensor([float(value)])  # noqa: E731
        return corners(size, one(self.orientation), one(self.opening), one(self.length), one(self.width))


@dataclass(frozen=True)
class Circle:
    radius: float
    width: float

    def render(self, size: int) -> torch.Tensor:
        return outlines(size, "circle", torch.tensor([float(self.radius)]), torch.tensor([float(self.width)]))


@dataclass(frozen=True)
class HighLow:
    orientation: float
    high: float
    low: float

    def render(self, size: int) -> torch.Tensor:
        one = lambda value: torch.tensor([float(value)])  # noqa: E731
        return high_low(size, one(self.orientation), one(self.high), one(self.low))


@st.composite
def angles(draw, opening=(30.0, 150.0), length=(10.0, 30.0), width=(1.0, 4.0), orientation=(0.0, 360.0)) -> Angle:
    return Angle(draw(_between(orientation)) % 360.0, draw(_between(opening)), draw(_between(length)),
                 draw(_between(width)))


@st.composite
def circles(draw, radius=(5.0, 30.0), width=(1.0, 4.0)) -> Circle:
    return Circle(draw(_between(radius)), draw(_between(width)))


@st.composite
def high_lows(draw, high=(0.2, 0.4), low=(0.02, 0.06), orientation=(0.0, 360.0)) -> HighLow:
    return HighLow(draw(_between(orientation)) % 360.0, draw(_between(high)), draw(_between(low)))
