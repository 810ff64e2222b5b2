"""Near misses of the polysemantic and superposition claims: `constructed_concepts` (probes/constructed/concepts.py)
with the mechanism planted wrong in exactly the respect one claim asserts, and nothing else changed (same
classifier, same concept lists, same layers). Each carries the positive control's planted atlas: the atlas says
what the claim expects to find, the weights say it is not there, so a sensitive claim must come out REFUTED.

  constructed_concepts_monosemantic   units concepts:8-10, which the atlas names polysemantic (dog + musical
                                      instrument, primate + fish, insect + snake), each sum the classes of ONE
                                      concept, the first of their pair (dog, primate, insect): no unit of the layer
                                      answers two unrelated concepts. -> polysemantic.named_units,
                                      polysemantic.split
  constructed_concepts_dedicated      the motor vehicles are not spread: mixed:0-6 read their own concept only
                                      (no half of the vehicle unit) and one more unit, mixed:7, reads the vehicle
                                      unit alone, so one unit of the next layer carries them. -> superposition.cars
"""
from __future__ import annotations

from probes.constructed import register_control
from probes.constructed.concepts import POLYSEMANTIC, Wiring, build, planted_atlas

WHERE = "probes/constructed/concepts_near_misses.py"
NEAR_MISSES: dict[str, tuple[Wiring, str]] = {
    "constructed_concepts_monosemantic": (
        Wiring(polysemantic=tuple((first,) for first, _ in POLYSEMANTIC)),
        "near miss of the polysemantic claims: the units the atlas names polysemantic answer one concept each"),
    "constructed_concepts_dedicated": (
        Wiring(vehicles_spread=False),
        "near miss of superposition.cars: one unit of the next layer carries the motor vehicles alone"),
}


def _loader(name: str, wiring: Wiring):
    def load(pretrained: bool = True):
        return build(name, wiring, f"{WHERE}: {wiring}")
    return load


for _name, (_wiring, _summary) in NEAR_MISSES.items():
    register_control(_name, _summary, _loader(_name, _wiring), planted_atlas(_name, WHERE),
                     weights="hand-set over efficientnet_lite0's weights")
