"""Near misses of the dog-head claims: `constructed_facing` (probes/constructed/facing.py) with the mechanism planted
wrong in exactly the respect one claim asserts, and nothing else changed. Each carries the positive control's
planted atlas (same layers, same units, same partners): the atlas says what the claim expects to find, the
weights say it is not there, so a sensitive claim must come out REFUTED.

  constructed_facing_not_mirror     facing unit 1, the atlas's mirror partner of unit 0, answers a brighter TOP
                                    half (the right-facing darkness step turned a quarter) instead of a brighter
                                    right half: a flip leaves it alone, so it is no mirror partner.
                                    -> dog_heads.mirror_partners
  constructed_facing_one_sided      the union unit (union:0) reads the left-facing unit only; its weight from the
                                    right-facing unit is 0 instead of 1. -> dog_heads.union.both_facings,
                                    dog_heads.union.reads_both
  constructed_facing_linear_union   the union unit reads both facings as in the positive control and also the
                                    overall luminance (facing:2, weight 4, a facing unit's full response): what a
                                    photograph, its mirror and the two blended share, so it answers both facings at
                                    once as a linear unit does (the blend about half of photograph + mirror)
                                    instead of cancelling them. -> dog_heads.union.xor
  constructed_facing_uninhibited    the pathway units (union:1 and union:2) each read their own facing unit and
                                    get weight 0 from the other instead of -1: no mutual inhibition.
                                    -> dog_heads.mutual_inhibition
"""
from __future__ import annotations

from probes.constructed import register_control
from probes.constructed.facing import GAIN, Wiring, build, planted_atlas

NEAR_MISSES: dict[str, tuple[Wiring, str]] = {
    "constructed_facing_not_mirror": (
        Wiring(partner="top-brighter"),
        "near miss of dog_heads.mirror_partners: the left-facing unit's atlas partner answers a brighter top half, "
        "not the mirror case"),
    "constructed_facing_one_sided": (
        Wiring(union_reads=((0, 1.0),)),
        "near miss of dog_heads.union: the union unit reads the left-facing unit only"),
    "constructed_facing_linear_union": (
        Wiring(union_reads=((0, 1.0), (1, 1.0), (2, GAIN))),
        "near miss of dog_heads.union.xor: the union unit also reads the overall luminance, so it answers both "
        "facings at once as a linear unit does"),
    "constructed_facing_uninhibited": (
        Wiring(inhibition=0.0),
        "near miss of dog_heads.mutual_inhibition: the pathway units get no weight from the other facing"),
}


def _loader(name: str, wiring: Wiring):
    def load(pretrained: bool = True):
        """Hand-set weights either way: there is nothing to train or download."""
        return build(name, wiring, f"hand-set by construction (probes/constructed/facing_near_misses.py: {wiring})")
    return load


for _name, (_wiring, _summary) in NEAR_MISSES.items():
    register_control(_name, _summary, _loader(_name, _wiring),
                     planted_atlas(_name, "probes/constructed/facing_near_misses.py"))
