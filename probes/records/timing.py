"""Where a run's time goes: named stages (model loads, activations, receptive fields, stimuli, screens, ...),
timed per network, so a slow run says what to make faster.

    with stage("activations", network="efficientnet_lite0", detail="blocks.5.expand"):
        ...

Stages nest, and each second is counted once, in the innermost stage running: a stimulus response measured
inside a rescreen counts as "stimulus responses", and the rescreen keeps the rest. `mark()` and `since(mark)`
give the seconds per stage between two moments (the plugin takes them around each claim); `totals()` gives
everything since the process started. Timing is in-process and never decides anything: it is read by people
and benchmarks, never by tests.
"""
from __future__ import annotations

import contextlib
import functools
import time
from collections import defaultdict
from typing import Iterator

Key = tuple[str, str, str]  # (stage, network, detail); "" where not given

clock = time.perf_counter  # replaced by tests, which check the counting, never a machine's speed
_seconds: dict[Key, float] = defaultdict(float)
_calls: dict[Key, int] = defaultdict(int)
_open: list[list] = []  # per running stage: [key, start, seconds spent in the stages nested in it]


def network_of(model) -> str:
    """How a network is named in timings: its zoo name, and which null twin it is."""
    if model is None:
        return ""
    seed = getattr(model, "extra", {}).get("null_seed")
    return f"{model.name} null{seed}" if getattr(model, "null", None) else model.name


@contextlib.contextmanager
def stage(name: str, network: str = "", detail: str = "") -> Iterator[None]:
    key = (name, network, detail)
    frame = [key, clock(), 0.0]
    _open.append(frame)
    try:
        yield
    finally:
        _open.pop()
        elapsed = clock() - frame[1]
        _seconds[key] += elapsed - frame[2]
        _calls[key] += 1
        if _open:
            _open[-1][2] += elapsed


def timed(name: str, *, model_argument: int | None = 0):
    """Decorate an instrument so each call is timed as stage `name`, on the network passed as positional
    argument `model_argument` (None: no network)."""
    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            model = args[model_argument] if model_argument is not None and len(args) > model_argument else None
            with stage(name, network_of(model) if hasattr(model, "name") else ""):
                return function(*args, **kwargs)
        return wrapper
    return decorate


def mark() -> dict[Key, float]:
    """The totals now, to subtract later (`since`)."""
    return dict(_seconds)


def since(earlier: dict[Key, float]) -> dict[Key, float]:
    """Seconds per stage spent after `earlier` was taken (stages still running are not counted yet)."""
    return {key: seconds - earlier.get(key, 0.0) for key, seconds in _seconds.items()
            if seconds - earlier.get(key, 0.0) > 0.0005}


def totals() -> dict[Key, float]:
    return dict(_seconds)


def calls() -> dict[Key, int]:
    return dict(_calls)


def to_rows(seconds: dict[Key, float]) -> list[dict]:
    """JSON rows {stage, network, detail, seconds}, largest first (for ledgers and benchmarks)."""
    return [{"stage": key[0], "network": key[1], "detail": key[2], "seconds": round(value, 3)}
            for key, value in sorted(seconds.items(), key=lambda item: -item[1])]


def by(rows: list[dict], field: str) -> dict[str, float]:
    """Seconds summed over every other field: by "stage", "network" or "detail", largest first."""
    summed: dict[str, float] = defaultdict(float)
    for row in rows:
        summed[row[field]] += row["seconds"]
    return dict(sorted(summed.items(), key=lambda item: -item[1]))
