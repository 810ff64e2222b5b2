"""Evidence: the measured quantities behind a claim, each judged against the prediction the claim declared
before it ran (probes.records.predictions), recorded as it is measured.

A claim declares its predictions by statistic name; `measure(name, value, ci=...)` judges a declared one on its
95% interval (HOLDS / REFUTED / INCONCLUSIVE), judges a superseded one (an amendment kept it measured and
visible) without counting it, and records anything else as context. A failed prediction does not stop the
claim: every prediction is measured, and `check()` (which the pytest plugin calls when the claim returns) raises
`ClaimRefuted` when any prediction is refuted, else `ClaimInconclusive` when any straddles its threshold.
A value that is NaN, infinite or rests on an empty sample raises `MeasurementError`: an instrument ERROR that
names the measurement, never a refutation. So does a declared prediction the claim never measured.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from probes.records.predictions import HOLDS, INCONCLUSIVE, REFUTED, finite, parse_all


class ClaimRefuted(AssertionError):
    """A declared prediction's interval lies wholly on the wrong side of its threshold."""


class ClaimInconclusive(Exception):
    """No prediction is refuted, but at least one interval straddles its threshold."""


class MeasurementError(RuntimeError):
    """A measurement is undefined (NaN, infinite, empty sample) or a declared prediction was never measured."""


@dataclass(frozen=True)
class Measurement:
    name: str
    value: float
    prediction: str | None = None  # ">= 2", "<= 0.5", "in [a, b]"; None for a recorded (untested) quantity
    ci: tuple[float, float] | None = None
    n: int | None = None
    outcome: str | None = None  # holds / refuted / inconclusive, for a prediction
    superseded: bool = False  # an amended prediction: measured and shown, not counted
    note: str = ""

    @property
    def tested(self) -> bool:
        return self.prediction is not None and not self.superseded

    def __str__(self) -> str:
        ci = f" [{self.ci[0]:.3g}, {self.ci[1]:.3g}]" if self.ci else ""
        n = f" (n={self.n})" if self.n else ""
        if self.prediction is None:
            return f"{self.name} = {self.value:.3g}{ci}{n}"
        status = {HOLDS: "", REFUTED: " REFUTED", INCONCLUSIVE: " INCONCLUSIVE"}.get(self.outcome, "")
        old = "superseded: " if self.superseded else ""
        note = f" ({self.note})" if self.note else ""
        return f"{old}{self.name} = {self.value:.3g}{ci} {self.prediction}{n}{status}{note}"

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Evidence:
    """`predictions` and `superseded`: {statistic: "<= 0.5"}, as the claim and the registry declare them."""

    predictions: dict[str, str] = field(default_factory=dict)
    superseded: dict[str, str] = field(default_factory=dict)
    measurements: list[Measurement] = field(default_factory=list)
    # stimulus -> {"discovery": {parameter: [values]}, "confirmation": {...}}: shown side by side in the ledger
    stimulus_ranges: dict[str, dict] = field(default_factory=dict)

    def __post_init__(self):
        self._declared = parse_all(self.predictions)
        self._old = parse_all(self.superseded)

    def measure(self, name: str, value: float, *, ci=None, n: int | None = None, note: str = "") -> float:
        """Measure a statistic: judged when a prediction (current or superseded) names it, else recorded.
        `note`: what the reader should know about this value (e.g. the counterexample it was measured on)."""
        value, ci = _checked(name, value, ci, n)
        judged = [(p, p is self._old.get(name)) for p in (self._declared.get(name), self._old.get(name)) if p]
        for prediction, old in judged:  # an amended threshold on the same statistic is judged both ways
            self.measurements.append(Measurement(name, value, prediction.text, ci, n, prediction.judge(value, ci),
                                                 superseded=old, note=note))
        if not judged:
            self.measurements.append(Measurement(name, value, ci=ci, n=n, note=note))
        return value

    record = measure  # context for the reader: a name no prediction declares is recorded, not tested

    def inconclusive(self, name: str, reason: str) -> None:
        """A declared prediction that cannot be measured here (e.g. the family is silent on every stimulus)."""
        prediction = self._declared.get(name) or self._old.get(name)
        if prediction is None:  # a superseded statistic of a run without a registry: shown, never judged
            self.measurements.append(Measurement(name, float("nan"), note=reason))
            return
        self.measurements.append(Measurement(name, float("nan"), prediction.text, outcome=INCONCLUSIVE,
                                             superseded=name not in self._declared, note=reason))

    def ranges(self, stimulus: str, *, discovery: dict, confirmation: dict) -> None:
        """Record the parameter values a stimulus took at discovery and at confirmation ({"radius": [0.2, 0.4]},
        say), so a reader sees whether confirmation went outside what discovery used."""
        self.stimulus_ranges[stimulus] = {"discovery": _plain_values(discovery),
                                          "confirmation": _plain_values(confirmation)}

    @property
    def tested(self) -> list[Measurement]:
        return [m for m in self.measurements if m.tested]

    def check(self) -> None:
        """Raise for the claim's verdict: ClaimRefuted, ClaimInconclusive, or MeasurementError when a declared
        prediction (current or superseded) was never measured."""
        measured = {m.name for m in self.measurements if m.prediction is not None}
        missing = [name for name in [*self._declared, *self._old] if name not in measured]
        if missing:
            raise MeasurementError(f"declared prediction never measured: {', '.join(map(repr, missing))}")
        refuted = [m for m in self.tested if m.outcome == REFUTED]
        if refuted:
            raise ClaimRefuted("; ".join(map(str, refuted)))
        undecided = [m for m in self.tested if m.outcome == INCONCLUSIVE]
        if undecided:
            raise ClaimInconclusive("; ".join(map(str, undecided)))

    @property
    def key(self) -> Measurement | None:
        """The measurement the ledger shows first: a refuted one, an inconclusive one, else the first tested."""
        tested = self.tested
        for outcome in (REFUTED, INCONCLUSIVE):
            chosen = [m for m in tested if m.outcome == outcome]
            if chosen:
                return chosen[0]
        return (tested or self.measurements or [None])[0]


def _plain_values(parameters: dict) -> dict:
    """Parameter values as sorted, rounded plain numbers (or strings), for the ledger."""
    plain = {}
    for name, values in parameters.items():
        values = list(np.atleast_1d(np.asarray(values, dtype=object)))
        numbers = all(isinstance(v, (int, float, np.number)) for v in values)
        plain[name] = sorted({round(float(v), 4) for v in values}) if numbers else sorted({str(v) for v in values})
    return plain


def _checked(name: str, value, ci, n) -> tuple[float, tuple[float, float] | None]:
    if n is not None and n <= 0:
        raise MeasurementError(f"{name!r} rests on an empty sample (n={n})")
    if not finite(value):
        raise MeasurementError(f"{name!r} is undefined: {value!r}")
    if ci is not None:
        if not (finite(ci[0]) and finite(ci[1])):
            raise MeasurementError(f"{name!r} has an undefined interval: {ci!r}")
        ci = (float(ci[0]), float(ci[1]))
    return float(value), ci


def bootstrap_ci(samples: Sequence[float] | np.ndarray, statistic: Callable = np.mean, *,
                 confidence: float = 0.95, resamples: int = 2000, seed: int = 0) -> tuple[float, float]:
    """Percentile-bootstrap confidence interval of `statistic` over `samples` (SciPy), repeatable by seed."""
    from scipy.stats import bootstrap

    samples = np.asarray(samples, dtype=float)
    if len(samples) == 0:
        raise MeasurementError("bootstrap over an empty sample")
    if len(samples) < 2 or np.all(samples == samples[0]):
        value = float(statistic(samples))
        return value, value
    result = bootstrap((samples,), statistic, confidence_level=confidence, n_resamples=resamples,
                       method="percentile", random_state=np.random.default_rng(seed), vectorized=False)
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def wilson_ci(successes: int, total: int, confidence: float = 0.95) -> tuple[float, float]:
    """Confidence interval of a proportion of independent trials (Wilson score). Only for trials that share
    nothing: units judged on the same photographs are not independent; resample the photographs instead."""
    from scipy.stats import binomtest

    if total == 0:
        raise MeasurementError("a proportion of zero trials")
    interval = binomtest(successes, total).proportion_ci(confidence_level=confidence, method="wilson")
    return float(interval.low), float(interval.high)


def bootstrap_over(n: int, statistic: Callable[[np.ndarray], float], *, resamples: int = 500,
                   seed: int = 0) -> tuple[float, float]:
    """Bootstrap interval of `statistic(indices)` when the samples are n photographs (or stimuli, or units) that
    several arrays share: resample the indices, let the statistic index its arrays."""
    return bootstrap_ci(np.arange(n), lambda idx: statistic(idx.astype(int)), resamples=resamples, seed=seed)


def rank_against(observed: float, draws: Sequence[float]) -> float:
    """Where `observed` falls among equal-size random draws: the fraction of draws it exceeds (ties count half).
    No cap and no division: a comparison with random draws is a rank, defined whatever their scale."""
    draws = np.asarray(draws, dtype=float)
    if len(draws) == 0:
        raise MeasurementError("a rank among zero random draws")
    return float((np.sum(observed > draws) + 0.5 * np.sum(observed == draws)) / len(draws))


def rank_interval(observed: float, draws: Sequence[float], confidence: float = 0.95) -> tuple[float, float]:
    """The rank's interval from the number of draws: with k draws, a rank is only resolved to about 1/k. A draw
    equal to `observed` could fall either side of it: the lower bound counts every tie as beating `observed`, the
    upper bound as beaten by it, so the interval holds the rank (where ties count half)."""
    draws = np.asarray(draws, dtype=float)
    exceeded, tied = int(np.sum(observed > draws)), int(np.sum(observed == draws))
    return wilson_ci(exceeded, len(draws), confidence)[0], wilson_ci(exceeded + tied, len(draws), confidence)[1]


def z_against(observed: float, draws: Sequence[float], *, resamples: int = 1000, seed: int = 0
              ) -> tuple[float, tuple[float, float]]:
    """How many standard deviations of equal-size random draws `observed` lies above their mean, with an interval
    that resamples the draws. Undefined (MeasurementError) when the draws do not vary: use `rank_against` then."""
    draws = np.asarray(draws, dtype=float)
    if len(draws) < 2 or draws.std() == 0:
        raise MeasurementError("a z-score against random draws that do not vary")
    rng = np.random.default_rng(seed)
    picks = draws[rng.integers(0, len(draws), (resamples, len(draws)))]
    spread = picks.std(1)
    zs = (observed - picks.mean(1))[spread > 0] / spread[spread > 0]
    return float((observed - draws.mean()) / draws.std()), (float(np.quantile(zs, 0.025)),
                                                            float(np.quantile(zs, 0.975)))
