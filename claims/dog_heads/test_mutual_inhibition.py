"""Dog heads, mutual inhibition: the two facing pathways inhibit each other; each facing unit's partner sends
negative weight into the later unit that continues the unit's own pathway.

For each facing unit A with partner B, its pathway unit A' is the unit of the union layer (the family's union
units excluded) that is facing-selective (facing index >= 0.3) and whose responses correlate most with A's over
the dog photographs and their mirrors, chosen on the DISCOVERY half. Reading the summed expanded weights
(probes/circuits/wiring.py) into A': inhibition when w(B -> A') < 0 < w(A -> A'); a facing unit without a pathway unit
counts as not inhibited. Chance: how often w(Y -> A') < 0 < w(X -> A') for an ordered pair (X, Y) of distinct
units of the facing layer drawn at random, counted exactly over all such pairs (it used to be estimated from 200
random pairs), averaged over the pathway units found.
Predictions, fixed before the claim ran on any network:
  fraction of facing units whose partner inhibits their pathway        >= 0.75
  that fraction minus the chance rate                                   >= 0.25
Intervals (95%, RESAMPLES bootstrap resamples) resample the discovery dog photographs (each with its mirror) that
choose the pathway units, choosing them again on each resample; the weights are read exactly. The margin is
inconclusive when no pathway unit is found (on the photographs or on a resample): it has no chance rate then.
Measured before the interval verdicts (2026-11-25), EXPECTED REFUTED: lite0's one pair (blocks.14.depthwise
23/225, pathway units in blocks.15.expand) 0 of 2, random pairs 0.27; gaussian null 1 of 2; constructed_facing 2 of
2 (sensitive). One pair is thin evidence: more pairs need more dog photographs (--images an ImageNet validation
folder).
"""
import numpy as np

from probes.circuits.wiring import expanded_weights
from probes.photographs.mirror import correlation_matrix, facing_index
from probes.records.figures import grouped_bars
from zoom_in_claims import claim

SOURCE = "Zoom In, 'unioning over cases' (the left and right dog-head pathways inhibit each other)"
POSITIVE = "constructed_facing"
FACING_MIN = 0.3
RESAMPLES = 200

FRACTION = "fraction of facing units whose partner inhibits their pathway"
MARGIN = "fraction minus the chance rate over ordered pairs"


def pathway_units(units, source_photos, source_mirrors, target_photos, target_mirrors,
                  exclude) -> dict[int, int | None]:
    """Each facing unit's pathway unit among the target layer's columns (None when none is facing-selective)."""
    source = np.concatenate([source_photos, source_mirrors])
    target = np.concatenate([target_photos, target_mirrors])
    selective = facing_index(target_photos, target_mirrors) >= FACING_MIN
    selective[list(exclude)] = False
    if not selective.any():
        return {a: None for a in units}
    candidates = np.flatnonzero(selective)
    correlation = correlation_matrix(source[:, units], target[:, candidates])
    return {a: int(candidates[correlation[k].argmax()]) for k, a in enumerate(units)}


def chance_rate(weights: np.ndarray) -> float:
    """P(w[Y] < 0 < w[X]) over the ordered pairs of distinct source units X, Y: exact, no draws."""
    count = len(weights)
    return float(np.sum(weights > 0) * np.sum(weights < 0) / (count * (count - 1))) if count > 1 else np.nan


@claim("dog_heads.mutual_inhibition", "Each facing unit's mirror partner inhibits the later unit that continues "
       "the facing unit's pathway.", source=SOURCE, kind="circuit", positive=POSITIVE, expect="refuted",
       near_miss="constructed_facing_uninhibited",
       predictions={FRACTION: ">= 0.75", MARGIN: ">= 0.25"}, resample="photographs")
def test_facing_pathways_inhibit_each_other(model, atlas, facing_family, union_family, discovery_dog_responses,
                                            evidence, figures):
    facing, union = facing_family.layer, union_family.layer
    responses = discovery_dog_responses
    n = len(responses)

    def pathway(idx):
        return pathway_units(facing_family.units, responses.photos[facing][idx], responses.mirrors[facing][idx],
                             responses.photos[union][idx], responses.mirrors[union][idx], union_family.units)

    rng = np.random.default_rng(0)
    chosen = pathway(np.arange(n))
    resampled = [pathway(rng.integers(0, n, n)) for _ in range(RESAMPLES)]
    found = sorted({p for choice in [chosen, *resampled] for p in choice.values() if p is not None})
    weights = dict(zip(found, expanded_weights(model, facing, union, found).sum((-2, -1)).numpy())) if found else {}

    def statistics(choice) -> tuple[float, float, float]:
        """The inhibited fraction, the chance rate (NaN without a pathway unit) and the margin between them."""
        inhibited = np.mean([p is not None and weights[p][facing_family.partners[a]] < 0 < weights[p][a]
                             for a, p in choice.items()])
        pathways = sorted({p for p in choice.values() if p is not None})
        chance = np.mean([chance_rate(weights[p]) for p in pathways]) if pathways else np.nan
        return float(inhibited), float(chance), float(inhibited - chance)

    (fraction, chance, margin), values = statistics(chosen), np.array([statistics(c) for c in resampled])
    shown = [(a, p) for a, p in chosen.items() if p is not None]
    if shown:
        def scaled(a, p, source):  # the weight from `source` into a's pathway unit p, in s.d. of all weights into p
            return weights[p][source] / max(float(np.std(weights[p])), 1e-12)

        figures.add("weights into the pathway units", lambda: grouped_bars(  # drawn only for a report
            [f"{a} -> {union}:{p}" for a, p in shown],
            {"from the facing unit": [scaled(a, p, a) for a, p in shown],
             "from its mirror partner": [scaled(a, p, facing_family.partners[a]) for a, p in shown]},
            ylabel="summed expanded weight (s.d.)", title=f"{facing} -> {union}: the pathways"),
            caption="For each facing unit with a pathway unit (chosen on the discovery photographs), the summed "
                    "expanded weight into it from the unit itself and from its mirror partner, in s.d. of the weights "
                    "from every unit of the facing layer. Inhibition: partner below zero, unit above.",
            units=list(dict.fromkeys([f"{facing}:{a}" for a, _ in shown] + [f"{union}:{p}" for _, p in shown])))
    intervals = [(float(np.quantile(v, 0.025)), float(np.quantile(v, 0.975))) if np.isfinite(v).all() else None
                 for v in values.T]
    evidence.record("facing units with a pathway unit", sum(p is not None for p in chosen.values()), n=len(chosen))
    if intervals[0] is None or not np.isfinite(fraction):
        evidence.inconclusive(FRACTION, "the facing family has no units")
    else:
        evidence.measure(FRACTION, fraction, ci=intervals[0], n=n)
    if np.isfinite(chance):
        evidence.record("chance rate over ordered pairs", chance, ci=intervals[1], n=n)
    if intervals[2] is None or not np.isfinite(margin):
        unfound = int(np.sum(~np.isfinite(values[:, 2])))
        evidence.inconclusive(MARGIN, "no facing-selective unit in the union layer" if not np.isfinite(margin)
                              else f"no pathway unit on {unfound} of {RESAMPLES} resamples of the photographs")
    else:
        evidence.measure(MARGIN, margin, ci=intervals[2], n=n)
