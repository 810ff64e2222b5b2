"""Predictions: what a claim says it will measure, fixed before it looks at the data, and how a measurement with
its 95% interval is judged against it.

A prediction is written as text, so a registry can hold it and a reader can check it at a glance:

    ">= 2"          the statistic is at least 2
    "<= 0.5"        at most 0.5
    "in [0.2, 0.8]" between the two bounds

Judged on the interval, never on the point alone: a prediction HOLDS when the whole interval clears the
threshold, is REFUTED when the whole interval lies on the wrong side, and is INCONCLUSIVE when it straddles it.
A measurement without an interval (an exact quantity: nothing was sampled) is judged on its value.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

HOLDS, REFUTED, INCONCLUSIVE = "holds", "refuted", "inconclusive"
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_BOUND = re.compile(rf"^\s*(>=|<=)\s*({_NUMBER})\s*$")
_RANGE = re.compile(rf"^\s*in\s*\[\s*({_NUMBER})\s*,\s*({_NUMBER})\s*\]\s*$")


class PredictionError(ValueError):
    """A prediction that cannot be read (the message shows the accepted forms)."""


@dataclass(frozen=True)
class Prediction:
    statistic: str
    comparator: str  # ">=", "<=" or "in"
    threshold: float | tuple[float, float]

    @classmethod
    def parse(cls, statistic: str, text: str) -> Prediction:
        if match := _BOUND.match(text):
            return cls(statistic, match[1], float(match[2]))
        if match := _RANGE.match(text):
            low, high = float(match[1]), float(match[2])
            if low > high:
                raise PredictionError(f"{statistic!r}: {text!r} has its bounds the wrong way round")
            return cls(statistic, "in", (low, high))
        raise PredictionError(f"{statistic!r}: cannot read {text!r}; write '>= 2', '<= 0.5' or 'in [0.2, 0.8]'")

    @property
    def text(self) -> str:
        if self.comparator == "in":
            return f"in [{self.threshold[0]:g}, {self.threshold[1]:g}]"
        return f"{self.comparator} {self.threshold:g}"

    def judge(self, value: float, ci: tuple[float, float] | None = None) -> str:
        """HOLDS, REFUTED or INCONCLUSIVE for a measured value and its interval (None: an exact value)."""
        low, high = ci if ci is not None else (value, value)
        if self.comparator == ">=":
            return HOLDS if low >= self.threshold else REFUTED if high < self.threshold else INCONCLUSIVE
        if self.comparator == "<=":
            return HOLDS if high <= self.threshold else REFUTED if low > self.threshold else INCONCLUSIVE
        bottom, top = self.threshold
        if bottom <= low and high <= top:
            return HOLDS
        return REFUTED if high < bottom or low > top else INCONCLUSIVE


def parse_all(declared: dict[str, str]) -> dict[str, Prediction]:
    return {statistic: Prediction.parse(statistic, text) for statistic, text in declared.items()}


def finite(value) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
