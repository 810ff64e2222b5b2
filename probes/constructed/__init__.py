"""Constructed networks: small networks with hand-set weights in which a family's claims are true by
construction. They are the positive controls of `--controls`: an instrument that cannot see a truth planted
here has no business calling a trained network's claim refuted.

Each one is a zoo model (``--model constructed_curves``) and carries its planted atlas: the ground truth of
which units form which family, with which preferred orientation.
"""
from __future__ import annotations

from probes.atlas import Atlas

PLANTED: dict[str, Atlas] = {}


def planted_atlas(model_name: str) -> Atlas | None:
    """The ground-truth atlas of a constructed network, or None for any other model."""
    from probes.models import catalogue  # noqa: F401  (registers the constructed networks)

    return PLANTED.get(model_name)
