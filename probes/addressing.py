"""One string form for a layer and a unit: ``layer:unit``, e.g. ``mixed3b:379``.

Every part of the suite (command line, atlases, claims, ledger) parses addresses here.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable


class UnknownNameError(LookupError):
    """A model, layer or unit name that does not exist; the message lists what does."""

    def __init__(self, kind: str, name: str, known: Iterable[str]):
        known = list(known)
        close = difflib.get_close_matches(str(name), known, n=5, cutoff=0.5)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        shown = ", ".join(known[:40]) + (" ..." if len(known) > 40 else "")
        super().__init__(f"unknown {kind} {name!r}.{hint} Known: {shown}")
        self.kind, self.name, self.close_matches = kind, name, close


@dataclass(frozen=True, order=True)
class Address:
    """A unit (channel) of a layer. ``unit`` is None for the whole layer."""

    layer: str
    unit: int | None = None

    def __str__(self) -> str:
        return self.layer if self.unit is None else f"{self.layer}:{self.unit}"


def parse_address(text: str) -> Address:
    """Parse ``"mixed3b:379"`` or ``"blocks.5.expand"`` (a whole layer)."""
    text = text.strip()
    if not text:
        raise ValueError("empty address; expected 'layer' or 'layer:unit', e.g. 'mixed3b:379'")
    layer, sep, unit = text.rpartition(":")
    if not sep:
        return Address(text)
    if not layer:
        raise ValueError(f"address {text!r} has no layer; expected 'layer:unit'")
    try:
        index = int(unit)
    except ValueError:
        raise ValueError(f"address {text!r}: unit {unit!r} is not a channel index") from None
    if index < 0:
        raise ValueError(f"address {text!r}: unit index must be >= 0")
    return Address(layer, index)
