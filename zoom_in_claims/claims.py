"""Declaring a claim: the `claim` decorator marks a test as a falsifiable statement about a network, with its
predictions fixed in the declaration, before the claim looks at any data."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import pytest

from probes.records.predictions import parse_all

# The kinds of argument a claim can be (the paper's seven for curves, and the circuit, universality and semantic
# ones), shown in the ledger and the report. An extension point: a new kind of argument is added here.
KINDS = ("feature visualization", "dataset examples", "synthetic stimuli", "joint tuning", "tiling",
         "implementation", "use", "handwritten circuit", "circuit", "editing", "universality", "replication",
         "weights", "mirror images", "decoding")
# What a claim's 95% intervals resample: the thing that actually varies between repetitions of the experiment.
EXPECTATIONS = ("holds", "refuted", "vacuous")
RESAMPLED = ("photographs", "units", "stimuli", "random draws", "units and photographs", "unit pairs",
             "exact")  # exact: a deterministic reading (of weights, say); nothing was sampled, no interval


@dataclass(frozen=True)
class Claim:
    id: str
    statement: str
    source: str
    kind: str
    predictions: dict[str, str] = field(default_factory=dict)
    resample: str = "exact"
    models: tuple[str, ...] | None = None
    expect: str = "holds"
    positive: str | None = None
    min_images: int = 0
    near_miss: str | None = None

    @property
    def controls(self) -> dict[str, str]:
        """The constructed controls by role: {"positive": name, "near_miss": name}, those declared."""
        return {role: name for role, name in (("positive", self.positive), ("near_miss", self.near_miss)) if name}

    @property
    def family(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def registered_part(self) -> dict:
        """What the registry holds and a run checks: the predictions, what they resample, the controls."""
        part = {"predictions": dict(self.predictions), "resample": self.resample, "positive": self.positive}
        if self.near_miss:  # absent rather than None: claims without one keep the digest they were registered with
            part["near_miss"] = self.near_miss
        return part

    @property
    def digest(self) -> str:
        text = json.dumps(self.registered_part, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def claim(id: str, statement: str, *, source: str, kind: str, predictions: dict[str, str], resample: str,
          models=None, expect: str = "holds", positive: str | None = None, near_miss: str | None = None,
          min_images: int = 0):
    """Mark a test as a claim.

    `predictions`: {statistic: "<comparator> <threshold>"} (probes.records.predictions), every one of which the claim
    measures with `evidence.measure(statistic, value, ci=...)`; registered in claims/registry.json
    (`python -m zoom_in_claims.register`). `resample`: what the intervals resample (RESAMPLED). `models`: the zoo names
    it is about (None: any model whose atlas has what it needs). `expect="refuted"` keeps a known negative
    result in the suite; `expect="vacuous"` keeps a claim known to hold on the null twins too (its argument, as
    stated, cannot tell a trained network from a random one put through the same screen): the ledger shows it as
    vacuous without failing the run, and as NEWS if its predictions become falsifiable. `positive`: the
    constructed network (probes/constructed) in which the claim is true by construction; under --controls it must
    HOLD there. `near_miss`: the constructed network in which the mechanism is planted wrong in exactly the respect
    the claim asserts and nothing else; under --controls it must be REFUTED there. `min_images`: the fewest
    natural images its statistics rest on; with fewer it is NOT RUN and says how many it needs."""
    if kind not in KINDS:
        raise ValueError(f"claim {id}: unknown kind {kind!r}; one of {', '.join(KINDS)}")
    if expect not in EXPECTATIONS:
        raise ValueError(f"claim {id}: expect must be one of {', '.join(EXPECTATIONS)}")
    if resample not in RESAMPLED:
        raise ValueError(f"claim {id}: resample must be one of {', '.join(RESAMPLED)}, not {resample!r}")
    if not predictions:
        raise ValueError(f"claim {id}: declare at least one prediction")
    parse_all(predictions)  # a prediction that cannot be read fails at import, before anything runs
    declared = Claim(id, statement, source, kind, dict(predictions), resample,
                     tuple(models) if models else None, expect, positive, min_images, near_miss)
    return pytest.mark.claim(declared)


def claim_of(item) -> Claim | None:
    marker = item.get_closest_marker("claim")
    return marker.args[0] if marker else None
