"""Evidence: the measured quantities behind a claim, each with its threshold, recorded as it is tested.

Recording and asserting are one call, so the ledger reports exactly what was tested. A failed prediction does
not stop the claim: every prediction is measured and recorded, and `check()` (which the pytest plugin calls
when the claim returns) raises `ClaimRefuted` naming each one that failed. Anything else a claim raises is an
instrument error, never a refutation.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np


class ClaimRefuted(AssertionError):
    """A prediction recorded through `Evidence` failed."""


@dataclass(frozen=True)
class Measurement:
    name: str
    value: float
    threshold: float | tuple[float, float] | None = None
    direction: str | None = None  # ">=", "<=", "within", or None for a recorded (untested) quantity
    ci: tuple[float, float] | None = None
    n: int | None = None
    passed: bool | None = None

    def __str__(self) -> str:
        ci = f" [{self.ci[0]:.3g}, {self.ci[1]:.3g}]" if self.ci else ""
        n = f" (n={self.n})" if self.n else ""
        if self.direction is None:
            return f"{self.name} = {self.value:.3g}{ci}{n}"
        bound = (f"in [{self.threshold[0]:.3g}, {self.threshold[1]:.3g}]" if self.direction == "within"
                 else f"{self.direction} {self.threshold:.3g}")
        verdict = "" if self.passed else " FAILED"
        return f"{self.name} = {self.value:.3g}{ci} {bound}{n}{verdict}"

    def to_dict(self) -> dict:
        return {key: value for key, value in asdict(self).items()}


@dataclass
class Evidence:
    measurements: list[Measurement] = field(default_factory=list)

    def _test(self, measurement: Measurement) -> float:
        self.measurements.append(measurement)
        return measurement.value

    @property
    def failed(self) -> list[Measurement]:
        return [m for m in self.measurements if m.passed is False]

    def check(self) -> None:
        """Raise `ClaimRefuted` if any recorded prediction failed (all of them are named)."""
        if self.failed:
            raise ClaimRefuted("; ".join(map(str, self.failed)))

    def at_least(self, name: str, value: float, threshold: float, *, ci=None, n=None) -> float:
        value = float(value)
        return self._test(Measurement(name, value, threshold, ">=", _ci(ci), n, bool(value >= threshold)))

    def at_most(self, name: str, value: float, threshold: float, *, ci=None, n=None) -> float:
        value = float(value)
        return self._test(Measurement(name, value, threshold, "<=", _ci(ci), n, bool(value <= threshold)))

    def within(self, name: str, value: float, low: float, high: float, *, ci=None, n=None) -> float:
        value = float(value)
        return self._test(Measurement(name, value, (low, high), "within", _ci(ci), n, bool(low <= value <= high)))

    def record(self, name: str, value: float, *, ci=None, n=None) -> float:
        """A quantity worth reporting that the claim does not test (context for the reader)."""
        self.measurements.append(Measurement(name, float(value), ci=_ci(ci), n=n))
        return float(value)

    @property
    def key(self) -> Measurement | None:
        """The measurement the ledger shows first: the failed one, else the first tested one."""
        tested = [m for m in self.measurements if m.direction]
        failed = [m for m in tested if m.passed is False]
        return (failed or tested or self.measurements or [None])[0]


def _ci(ci) -> tuple[float, float] | None:
    return None if ci is None else (float(ci[0]), float(ci[1]))


def bootstrap_ci(samples: Sequence[float] | np.ndarray, statistic: Callable = np.mean, *,
                 confidence: float = 0.95, resamples: int = 2000, seed: int = 0) -> tuple[float, float]:
    """Percentile-bootstrap confidence interval of `statistic` over `samples` (SciPy), repeatable by seed."""
    from scipy.stats import bootstrap

    samples = np.asarray(samples, dtype=float)
    if len(samples) < 2 or np.all(samples == samples[0]):
        value = float(statistic(samples))
        return value, value
    result = bootstrap((samples,), statistic, confidence_level=confidence, n_resamples=resamples,
                       method="percentile", random_state=np.random.default_rng(seed), vectorized=False)
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def wilson_ci(successes: int, total: int, confidence: float = 0.95) -> tuple[float, float]:
    """Confidence interval of a proportion (Wilson score), for "fraction of units that ..." measurements."""
    from scipy.stats import binomtest

    if total == 0:
        return 0.0, 1.0
    interval = binomtest(successes, total).proportion_ci(confidence_level=confidence, method="wilson")
    return float(interval.low), float(interval.high)


def bootstrap_over(n: int, statistic: Callable[[np.ndarray], float], *, resamples: int = 500,
                   seed: int = 0) -> tuple[float, float]:
    """Bootstrap interval of `statistic(indices)` when the samples are n photographs (or stimuli) that several
    arrays share: resample the indices, let the statistic index its arrays."""
    return bootstrap_ci(np.arange(n), lambda idx: statistic(idx.astype(int)), resamples=resamples, seed=seed)
