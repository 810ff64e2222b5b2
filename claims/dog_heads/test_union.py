"""Dog heads, union units: units after the facing pairs answer both facings, read positively from both members
of a pair, and answer both facings at once less than the sum of each (XOR-like).

"Unioning over cases": the pose-invariant dog-head unit is built by adding the left-facing and the right-facing
detector, and the two pathways inhibit each other, so the union behaves like an XOR. Union units were chosen by
discovery from responses only (dog-selective, facing index <= 0.15, correlated with a pair's summed response,
on the discovery half); these claims test their weights, and their responses on the confirmation half.
Reading the weights: the expanded weights (probes/circuits.py) from each facing unit into the union unit, summed
over positions, in units of the standard deviation of the weights from every unit of the facing layer; a unit
reads a pair by the smaller of the two. Controls for each: RANDOM units of the union layer, seeded.
Predictions, fixed before the claims ran on any network:
  both facings   median over union units of the median over photographs of min(r, r_mirror) / max(r, r_mirror)
                 >= 0.5, and median over union units of the correlation of their responses with a pair's
                 summed response, over photographs and mirrors, >= 0.5 (the discovery criterion; added after
                 the first run, in which the gaussian null twin's saturated units held the balance at 1.0). Dog
                 selectivity (mean response to dog photographs / to the other photographs) is recorded only:
                 the positive control has no dogs to be selective for.
  reads both     median over union units of the pair it reads most (smaller weight, in s.d.)  >= 1.0, and at
                 least 0.5 above random units' median
  XOR            median over union units of the median over photographs of r(blend) / (r + r_mirror) <= 0.4
                 (a linear unit gives 0.5 for the equal-weight blend), and at least 0.1 below random units that
                 answer dog photographs at all
Measured (2026-11-25) on lite0 (union units blocks.15.expand 80 and 331, 59 confirmation dog photographs):
  both facings   EXPECTED REFUTED, borderline: balance 0.882 [0.822, 0.9] holds, but the correlation with the
                 pair's summed response is 0.498 [0.444, 0.551] (threshold 0.5); null 0, positive 1.0
  reads both     EXPECTED REFUTED: -0.35 s.d. [-0.76, 0.06] (random units -0.29); null -0.57; positive 2.0
  XOR            HOLDS: 0.324 [0.236, 0.38], 0.104 [0.051, 0.187] below random units; null 0.5; positive 0
So lite0's union units answer both facings and sum them sub-linearly, but the linear reading of the weights
does not show them built from the pair (through a ReLU6 block, as curve_circuits.edit_prediction found too).
"""
import numpy as np

from fixtures import claim
from probes.circuits import expanded_weights
from probes.evidence import bootstrap_ci, bootstrap_over
from probes.mirror import correlation_matrix, selectivity

SOURCE = "Zoom In, 'unioning over cases' (InceptionV1 pose-invariant dog head, mixed4b-4c)"
POSITIVE = "constructed_facing"
RANDOM = 30


def random_units(layer_width: int, exclude, count: int = RANDOM) -> np.ndarray:
    others = np.setdiff1d(np.arange(layer_width), exclude)
    return np.sort(np.random.default_rng(0).choice(others, size=min(count, len(others)), replace=False))


def pairs_of(facing_family) -> list[tuple[int, int]]:
    return sorted({tuple(sorted(pair)) for pair in facing_family.partners.items()})


def median_of_unit_medians(values: np.ndarray) -> float:
    return float(np.median(np.nanmedian(values, axis=0)))


@claim("dog_heads.union.both_facings", "Union units follow what their facing pair answers, and answer a dog "
       "photograph and its mirror image alike.",
       source=SOURCE, kind="mirror images", positive=POSITIVE, expect="refuted")
def test_union_units_answer_both_facings(facing_family, union_family, dog_responses, evidence):
    photos = dog_responses.photos[union_family.layer][:, union_family.units]
    mirrors = dog_responses.mirrors[union_family.layer][:, union_family.units]
    larger = np.maximum(photos, mirrors)
    balance = np.where(larger > 0, np.minimum(photos, mirrors) / np.where(larger > 0, larger, 1.0), np.nan)
    n = len(balance)
    dog_ratio = selectivity(np.concatenate([photos, dog_responses.others[union_family.layer][:, union_family.units]]),
                            np.arange(n + len(dog_responses.others[union_family.layer])) < n)
    evidence.record("median dog / other photographs response ratio", np.median(dog_ratio), n=len(dog_ratio))
    both = np.concatenate([photos, mirrors])
    source = np.concatenate([dog_responses.photos[facing_family.layer], dog_responses.mirrors[facing_family.layer]])
    summed = np.stack([source[:, a] + source[:, b] for a, b in pairs_of(facing_family)], 1)
    reading = correlation_matrix(both, summed).max(1)
    evidence.at_least("median correlation with a pair's summed response", np.median(reading), 0.5,
                      ci=bootstrap_ci(reading, np.median), n=len(reading))
    evidence.at_least("median balance between a photograph and its mirror", median_of_unit_medians(balance), 0.5,
                      ci=bootstrap_over(n, lambda idx: median_of_unit_medians(balance[idx])), n=n)


def pair_reading(model, facing_family, layer: str, units) -> np.ndarray:
    """(len(units),): for each unit, the pair it reads most: the smaller summed expanded weight from the pair's
    two members, over the s.d. of the summed weights from every unit of the facing layer."""
    weights = expanded_weights(model, facing_family.layer, layer, [int(u) for u in units]).sum((-2, -1)).numpy()
    scale = weights.std(1, keepdims=True)
    weights = weights / np.where(scale > 0, scale, 1.0)
    return np.array([max(min(row[a], row[b]) for a, b in pairs_of(facing_family)) for row in weights])


@claim("dog_heads.union.reads_both", "Union units read positively from both members of a facing pair, more than "
       "random units of their layer do.", source=SOURCE, kind="circuit", positive=POSITIVE,
       expect="refuted")
def test_union_units_read_both_facings(model, facing_family, union_family, dog_responses, evidence):
    family = pair_reading(model, facing_family, union_family.layer, union_family.units)
    width = dog_responses.photos[union_family.layer].shape[1]
    random_ = pair_reading(model, facing_family, union_family.layer, random_units(width, union_family.units))
    evidence.at_least("median reading of the pair (s.d.)", np.median(family), 1.0,
                      ci=bootstrap_ci(family, np.median), n=len(family))
    evidence.record("random units' median reading (s.d.)", np.median(random_),
                    ci=bootstrap_ci(random_, np.median), n=len(random_))
    evidence.at_least("family minus random units", np.median(family) - np.median(random_), 0.5, n=len(random_))


@claim("dog_heads.union.xor", "Union units answer both facings at once (a photograph blended with its mirror) less "
       "than the sum of each, more so than random units of their layer.", source=SOURCE, kind="mirror images",
       positive=POSITIVE)
def test_union_units_are_xor_like(union_family, dog_responses, evidence):
    layer = union_family.layer
    photos = dog_responses.photos[layer]
    answering = np.flatnonzero(photos.mean(0) > 0)
    chosen = random_units(photos.shape[1], np.setdiff1d(np.arange(photos.shape[1]), answering).tolist()
                          + list(union_family.units))

    def ratio(units):
        total = photos[:, units] + dog_responses.mirrors[layer][:, units]
        return np.where(total > 0, dog_responses.blends[layer][:, units] / np.where(total > 0, total, 1.0), np.nan)

    family, random_ = ratio(union_family.units), ratio(chosen)
    n = len(family)
    evidence.at_most("median blend / (photograph + mirror)", median_of_unit_medians(family), 0.4,
                     ci=bootstrap_over(n, lambda idx: median_of_unit_medians(family[idx])), n=n)
    evidence.record("random units' median", median_of_unit_medians(random_),
                    ci=bootstrap_over(n, lambda idx: median_of_unit_medians(random_[idx])), n=len(chosen))
    evidence.at_least("random units' median minus the family's",
                      median_of_unit_medians(random_) - median_of_unit_medians(family), 0.1,
                      ci=bootstrap_over(n, lambda idx: median_of_unit_medians(random_[idx])
                                        - median_of_unit_medians(family[idx])), n=n)
