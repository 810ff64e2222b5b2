"""Dog heads, mutual inhibition: the two facing pathways inhibit each other; each facing unit's partner sends
negative weight into the later unit that continues the unit's own pathway.

For each facing unit A with partner B, its pathway unit A' is the unit of the union layer (the family's union
units excluded) that is facing-selective (facing index >= 0.3) and whose responses correlate most with A's over
the dog photographs and their mirrors, chosen on the DISCOVERY half. Reading the summed expanded weights
(probes/circuits.py) into A': inhibition when w(B -> A') < 0 < w(A -> A'). Control: random ordered pairs (X, Y)
of the facing layer's units into the same A' (how often w(Y -> A') < 0 < w(X -> A') by chance).
Predictions, fixed before the claim ran on any network:
  fraction of facing units whose partner inhibits their pathway        >= 0.75
  that fraction minus the random pairs' fraction                        >= 0.25
Measured (2026-11-25), EXPECTED REFUTED: lite0's one pair (blocks.14.depthwise 23/225, pathway units in
blocks.15.expand) 0 of 2, random pairs 0.27; gaussian null 1 of 2; constructed_facing 2 of 2 (sensitive). One
pair is thin evidence: more pairs need more dog photographs (--images an ImageNet validation folder).
"""
import numpy as np

from fixtures import claim
from probes.circuits import expanded_weights
from probes.evidence import wilson_ci
from probes.mirror import correlation_matrix, facing_index

SOURCE = "Zoom In, 'unioning over cases' (the left and right dog-head pathways inhibit each other)"
POSITIVE = "constructed_facing"
FACING_MIN = 0.3
RANDOM_PAIRS = 200


def pathway_units(facing_family, union_layer: str, exclude, responses) -> dict[int, int | None]:
    """Each facing unit's pathway unit in `union_layer` (None when no unit there is facing-selective)."""
    source = np.concatenate([responses.photos[facing_family.layer], responses.mirrors[facing_family.layer]])
    target = np.concatenate([responses.photos[union_layer], responses.mirrors[union_layer]])
    selective = facing_index(responses.photos[union_layer], responses.mirrors[union_layer]) >= FACING_MIN
    selective[list(exclude)] = False
    if not selective.any():
        return {a: None for a in facing_family.units}
    candidates = np.flatnonzero(selective)
    correlation = correlation_matrix(source[:, facing_family.units], target[:, candidates])
    return {a: int(candidates[correlation[k].argmax()]) for k, a in enumerate(facing_family.units)}


@claim("dog_heads.mutual_inhibition", "Each facing unit's mirror partner inhibits the later unit that continues "
       "the facing unit's pathway.", source=SOURCE, kind="circuit", positive=POSITIVE, expect="refuted")
def test_facing_pathways_inhibit_each_other(model, atlas, facing_family, union_family, discovery_dog_responses,
                                            evidence):
    pathway = pathway_units(facing_family, union_family.layer, union_family.units, discovery_dog_responses)
    found = sorted({p for p in pathway.values() if p is not None})
    evidence.record("facing units with a pathway unit", sum(p is not None for p in pathway.values()),
                    n=len(pathway))
    weights = dict(zip(found, expanded_weights(model, facing_family.layer, union_family.layer, found)
                       .sum((-2, -1)).numpy())) if found else {}
    inhibited = np.array([p is not None and weights[p][facing_family.partners[a]] < 0 < weights[p][a]
                          for a, p in pathway.items()])
    rng = np.random.default_rng(0)
    chance = []
    for p in found:
        pairs = rng.integers(0, len(weights[p]), size=(RANDOM_PAIRS, 2))
        pairs = pairs[pairs[:, 0] != pairs[:, 1]]
        chance.append(np.mean((weights[p][pairs[:, 1]] < 0) & (weights[p][pairs[:, 0]] > 0)))
    chance_rate = float(np.mean(chance)) if chance else 0.0
    evidence.at_least("fraction of facing units whose partner inhibits their pathway", inhibited.mean(), 0.75,
                      ci=wilson_ci(int(inhibited.sum()), len(inhibited)), n=len(inhibited))
    evidence.record("random pairs' fraction", chance_rate, n=RANDOM_PAIRS * len(found))
    evidence.at_least("fraction minus random pairs'", inhibited.mean() - chance_rate, 0.25, n=len(inhibited))
