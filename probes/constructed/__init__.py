"""Constructed networks: small networks with hand-set weights in which a family's claims are true by
construction. They are the positive controls of `--controls`: an instrument that cannot see a truth planted
here has no business calling a trained network's claim refuted. Their near misses are the same networks with the
mechanism planted wrong in exactly one respect: there a claim must be refuted.

Each one is a zoo model (``--model constructed_curves``) and carries its planted atlas: the ground truth of
which units form which family, with which preferred orientation. `register_control` makes one of both.
"""
from __future__ import annotations

from typing import Callable

from probes.records.atlas import Atlas
from probes.zoo import ZooEntry, register


def register_control(name: str, summary: str, load: Callable, atlas: Atlas, *,
                     weights: str = "hand-set (no file)") -> None:
    """Make a constructed network a zoo model (``--model NAME``) carrying its planted atlas
    (``probes.models.planted_atlas(NAME)``)."""
    register(ZooEntry(name=name, summary=summary, load=load, weights_status=lambda: weights, planted=atlas))
