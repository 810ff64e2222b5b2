"""Dog heads, union units: units after the facing pairs answer both facings, read positively from both members
of a pair, and answer both facings at once less than the sum of each (XOR-like).

"Unioning over cases": the pose-invariant dog-head unit is built by adding the left-facing and the right-facing
detector, and the two pathways inhibit each other, so the union behaves like an XOR. Union units were chosen by
discovery from responses only (dog-selective, facing index <= 0.15, correlated with a pair's summed response,
on the discovery half); these claims test their weights, and their responses on the confirmation half.
Reading the weights: the expanded weights (probes/circuits/wiring.py) from each facing unit into the union unit, summed
over positions, in units of the standard deviation of the weights from every unit of the facing layer; a unit
reads a pair by the smaller of the two. Controls for each: RANDOM units of the union layer, seeded.
Predictions, fixed before the claims ran on any network:
  both facings   median over union units of the correlation of their responses with a pair's summed response,
                 over photographs and mirrors, >= 0.5 (the discovery criterion; added after the first run, in which
                 the gaussian null twin's saturated units held the balance at 1.0), and median over union units of
                 the median over photographs of min(r, r_mirror) / max(r, r_mirror) >= 0.5 (a bounded ratio, not
                 capped; photographs silent both ways left out). Dog selectivity (contrast of the mean response to
                 dog photographs and to the other photographs) is recorded only: the positive control has no dogs
                 to be selective for.
                 Resampled: the confirmation dog photographs, each with its mirror (RESAMPLES resamples).
  reads both     median over union units of the pair it reads most (smaller weight, in s.d.)  >= 1.0, and at
                 least 0.5 above random units' median.
                 Resampled: the union units, and the random units when they are a sample of the layer (weights are
                 read exactly).
  XOR            median over union units of the median over photographs of the contrast
                 (r(blend) - (r + r_mirror)) / (r(blend) + r + r_mirror) <= -0.429, the exact transform of the
                 earlier ratio r(blend) / (r + r_mirror) <= 0.4 (a linear unit gives ratio 0.5, contrast -1/3);
                 photographs silent to all three left out, and units silent on every photograph. And random units
                 that answer dog photographs at all: their median contrast at least 0.1 above the family's. On the
                 contrast scale the gap between a linear unit (-1/3) and the XOR threshold (-0.429) is 0.095, the gap
                 the earlier ratio margin of 0.1 spanned (0.5 - 0.4), so 0.1 asks no less.
                 Resampled: the confirmation dog photographs, and jointly the random units when they are a sample of
                 the layer (not when they are all of its other answering units, as in constructed_facing).
Measured before the interval verdicts (2026-11-25) on lite0 (union units blocks.15.expand 80 and 331, 59
confirmation dog photographs):
  both facings   EXPECTED REFUTED, borderline: balance 0.882 holds, but the correlation with the pair's summed
                 response is 0.498 (threshold 0.5); null 0, positive 1.0
  reads both     EXPECTED REFUTED: -0.35 s.d. (random units -0.29); null -0.57; positive 2.0
  XOR            HOLDS: ratio 0.324, 0.104 below random units; null 0.5; positive 0
So lite0's union units answer both facings and sum them sub-linearly, but the linear reading of the weights
does not show them built from the pair (through a ReLU6 block, as curve_circuits.edit_prediction found too).
"""
import numpy as np

from probes.circuits.wiring import expanded_weights
from probes.measures.baselines import is_sample, other_units, random_units
from probes.photographs.mirror import correlation_matrix
from probes.records.evidence import bootstrap_ci
from probes.records.figures import against_draws, scatter_panels
from zoom_in_claims import claim

SOURCE = "Zoom In, 'unioning over cases' (InceptionV1 pose-invariant dog head, mixed4b-4c)"
POSITIVE = "constructed_facing"
ONE_SIDED = "constructed_facing_one_sided"  # the near miss: a union that reads one partner
RANDOM = 30
RESAMPLES = 200

CORRELATION = "median correlation with a pair's summed response"
BALANCE = "median balance between a photograph and its mirror"
READING = "median reading of the pair (s.d.)"
READING_MARGIN = "family minus random units"
XOR = "median contrast of blend against photograph + mirror"
XOR_MARGIN = "random units' median contrast minus the family's"


def sorted_random_units(candidates) -> tuple[np.ndarray, bool]:
    """RANDOM of the candidate units in order, and whether they are a sample of them (False: all of them)."""
    chosen = np.sort(random_units(candidates, RANDOM))
    return chosen, is_sample(chosen, candidates)


def pairs_of(facing_family) -> list[tuple[int, int]]:
    return sorted({tuple(sorted(pair)) for pair in facing_family.partners.items()})


def percentiles(values: np.ndarray) -> list[tuple[float, float] | None]:
    """Per column of (resamples, statistics): its 95% percentile interval, None if undefined on any resample."""
    return [(float(np.quantile(v, 0.025)), float(np.quantile(v, 0.975))) if np.isfinite(v).all() else None
            for v in np.atleast_2d(values.T)]


def judge(evidence, name: str, value: float, ci, n: int, undefined: str) -> None:
    """Measure a declared prediction, or call it inconclusive when its value or interval is undefined."""
    if ci is None or not np.isfinite(value):
        evidence.inconclusive(name, undefined)
    else:
        evidence.measure(name, value, ci=ci, n=n)


def median_of_unit_medians(values: np.ndarray) -> float:
    """Median over units of each unit's median over its defined (non-NaN) photographs; units with none are left
    out; NaN when no unit has any."""
    defined = ~np.isnan(values).all(0)
    if not defined.any():
        return np.nan
    return float(np.median(np.nanmedian(values[:, defined], axis=0)))


@claim("dog_heads.union.both_facings", "Union units follow what their facing pair answers, and answer a dog "
       "photograph and its mirror image alike.",
       source=SOURCE, kind="mirror images", positive=POSITIVE, near_miss=ONE_SIDED, expect="refuted",
       predictions={CORRELATION: ">= 0.5", BALANCE: ">= 0.5"}, resample="photographs")
def test_union_units_answer_both_facings(facing_family, union_family, dog_responses, evidence, figures):
    photos = dog_responses.photos[union_family.layer][:, union_family.units]
    mirrors = dog_responses.mirrors[union_family.layer][:, union_family.units]
    source_photos = dog_responses.photos[facing_family.layer]
    source_mirrors = dog_responses.mirrors[facing_family.layer]
    pairs = pairs_of(facing_family)
    n = len(photos)

    others = dog_responses.others[union_family.layer][:, union_family.units].mean(0)
    dogs = photos.mean(0)
    answered = dogs + others > 0
    if answered.any():
        selectivity = (dogs[answered] - others[answered]) / (dogs[answered] + others[answered])
        evidence.record("median dog / other photographs contrast (d-o)/(d+o)", np.median(selectivity),
                        n=int(answered.sum()))

    def statistics(idx, _=None) -> tuple[float, float]:
        both = np.concatenate([photos[idx], mirrors[idx]])
        source = np.concatenate([source_photos[idx], source_mirrors[idx]])
        summed = np.stack([source[:, a] + source[:, b] for a, b in pairs], 1)
        reading = correlation_matrix(both, summed).max(1)
        larger = np.maximum(photos[idx], mirrors[idx])
        balance = np.where(larger > 0, np.minimum(photos[idx], mirrors[idx]) / np.where(larger > 0, larger, 1.0),
                           np.nan)
        return float(np.median(reading)), median_of_unit_medians(balance)

    tags = [f"{union_family.layer}:{u}" for u in union_family.units]
    figures.add("photograph vs mirror", lambda: scatter_panels(  # lambdas: drawn only when a report is written
        {f"{union_family.layer}:{u}": {"dog photographs": (photos[:, k], mirrors[:, k])}
         for k, u in enumerate(union_family.units)}, identity=True, xlabel="response to the photograph",
        ylabel="response to its mirror", title="union units answer both facings"),
        caption=f"Each point one of {n} confirmation dog photographs: the union unit's peak response to it and to "
                "its mirror image. A union unit lies near the diagonal (balance min/max >= 0.5).", units=tags)

    def pair_figure():  # each union unit against the facing pair whose summed response it follows best
        both = np.concatenate([photos, mirrors])
        source = np.concatenate([source_photos, source_mirrors])
        summed = np.stack([source[:, a] + source[:, b] for a, b in pairs], 1)
        best = correlation_matrix(both, summed).argmax(1)
        return scatter_panels(
            {f"{union_family.layer}:{u} vs pair {pairs[best[k]]}": {"photographs and mirrors": (
                summed[:, best[k]], both[:, k])} for k, u in enumerate(union_family.units)},
            xlabel="facing pair's summed response", ylabel="union unit's response",
            title="union units follow their facing pair")

    figures.add("union vs facing pair", pair_figure,
                caption="Each point a confirmation dog photograph or its mirror: the union unit's response against "
                        "the summed response of the facing pair it follows best (the claim: median correlation "
                        ">= 0.5).", units=tags + [f"{facing_family.layer}:{u}" for u in facing_family.units])
    rng = np.random.default_rng(0)
    correlation, balance = statistics(np.arange(n))
    correlation_ci, balance_ci = percentiles(np.array([statistics(rng.integers(0, n, n))
                                                       for _ in range(RESAMPLES)]))
    judge(evidence, CORRELATION, correlation, correlation_ci, n, "undefined on a resample of the photographs")
    silent = int(((photos == 0) & (mirrors == 0)).all(0).sum())
    evidence.record("union units silent on every photograph and mirror", silent, n=len(union_family.units) or None)
    judge(evidence, BALANCE, balance, balance_ci, n,
          "every union unit is silent on every photograph and its mirror" if not np.isfinite(balance)
          else "a resample of the photographs leaves every union unit silent")


def pair_reading(model, facing_family, layer: str, units) -> np.ndarray:
    """(len(units),): for each unit, the pair it reads most: the smaller summed expanded weight from the pair's
    two members, over the s.d. of the summed weights from every unit of the facing layer."""
    weights = expanded_weights(model, facing_family.layer, layer, [int(u) for u in units]).sum((-2, -1)).numpy()
    scale = weights.std(1, keepdims=True)
    weights = weights / np.where(scale > 0, scale, 1.0)
    return np.array([max(min(row[a], row[b]) for a, b in pairs_of(facing_family)) for row in weights])


@claim("dog_heads.union.reads_both", "Union units read positively from both members of a facing pair, more than "
       "random units of their layer do.", source=SOURCE, kind="circuit", positive=POSITIVE, near_miss=ONE_SIDED,
       expect="refuted", predictions={READING: ">= 1.0", READING_MARGIN: ">= 0.5"}, resample="units")
def test_union_units_read_both_facings(model, facing_family, union_family, dog_responses, evidence, figures):
    family = pair_reading(model, facing_family, union_family.layer, union_family.units)
    width = dog_responses.photos[union_family.layer].shape[1]
    chosen, sampled = sorted_random_units(other_units(width, union_family.units))
    evidence.measure(READING, np.median(family), ci=bootstrap_ci(family, np.median), n=len(family))
    if not len(chosen):
        evidence.inconclusive(READING_MARGIN, "the union layer has no unit outside the family to draw")
        return
    random_ = pair_reading(model, facing_family, union_family.layer, chosen)
    figures.add("pair readings vs random units", lambda: against_draws(  # a lambda: drawn only for a report
        random_, {"union units": family}, threshold=1.0, draws_label=f"random units of {union_family.layer}",
        xlabel="reading of the facing pair (s.d. of the weights)", title="union units read both facings"),
        caption="For each unit, the smaller of the summed expanded weights from the two members of the facing pair "
                "it reads most, in s.d. of the weights from every unit of the facing layer: the union units "
                "(lines) against random units of their layer; dotted: the registered 1.0.",
        units=[f"{union_family.layer}:{u}" for u in union_family.units])
    evidence.record("random units' median reading (s.d.)", np.median(random_),
                    ci=bootstrap_ci(random_, np.median) if sampled else None, n=len(random_))
    rng = np.random.default_rng(0)
    margins = [np.median(rng.choice(family, len(family)))
               - np.median(rng.choice(random_, len(random_)) if sampled else random_) for _ in range(RESAMPLES)]
    evidence.measure(READING_MARGIN, np.median(family) - np.median(random_), ci=percentiles(np.array(margins))[0],
                     n=len(family) + len(random_))


def blend_contrast(responses, units) -> np.ndarray:
    """(photographs, units): (r(blend) - (r + r_mirror)) / (r(blend) + r + r_mirror); NaN where all three are 0."""
    layer_photos, layer_mirrors, layer_blends = responses
    total = layer_photos[:, units] + layer_mirrors[:, units]
    blend = layer_blends[:, units]
    whole = blend + total
    return np.where(whole > 0, (blend - total) / np.where(whole > 0, whole, 1.0), np.nan)


@claim("dog_heads.union.xor", "Union units answer both facings at once (a photograph blended with its mirror) less "
       "than the sum of each, more so than random units of their layer.", source=SOURCE, kind="mirror images",
       positive=POSITIVE, near_miss="constructed_facing_linear_union",
       predictions={XOR: "<= -0.429", XOR_MARGIN: ">= 0.1"},
       resample="units and photographs")
def test_union_units_are_xor_like(union_family, dog_responses, evidence, figures):
    layer = union_family.layer
    responses = (dog_responses.photos[layer], dog_responses.mirrors[layer], dog_responses.blends[layer])
    photos = responses[0]
    answering = np.flatnonzero(photos.mean(0) > 0)
    chosen, sampled = sorted_random_units(np.setdiff1d(answering, union_family.units))
    family, random_ = blend_contrast(responses, union_family.units), blend_contrast(responses, chosen)
    n = len(family)
    figures.add("blend vs photograph + mirror", lambda: scatter_panels(  # a lambda: drawn only for a report
        {**{f"{layer}:{u}": {"dog photographs": (responses[0][:, u] + responses[1][:, u], responses[2][:, u])}
            for u in union_family.units},
         **({f"{len(chosen)} random units of {layer}": {"dog photographs": (
             (responses[0][:, chosen] + responses[1][:, chosen]), responses[2][:, chosen])}} if len(chosen) else {})},
        slopes={"a linear unit: half the sum": 0.5, "the claim's bound: 0.4 of the sum": 0.4},
        xlabel="response to photograph + response to mirror", ylabel="response to the two blended",
        title="union units answer both facings at once less than each"),
        caption="Each point a confirmation dog photograph: the unit's response to the photograph blended with its "
                "mirror against the sum of its responses to each. XOR-like: below 0.4 of the sum (the last panel: "
                "random units of the layer that answer dogs, pooled).",
        units=[f"{layer}:{u}" for u in union_family.units])

    def statistics(idx, picked=None) -> tuple[float, float, float]:
        ours = median_of_unit_medians(family[idx])
        theirs = median_of_unit_medians(random_[idx][:, picked] if picked is not None else random_[idx]) \
            if len(chosen) else np.nan
        return ours, theirs, theirs - ours

    rng = np.random.default_rng(0)
    value, baseline, margin = statistics(np.arange(n))
    draws = np.array([statistics(rng.integers(0, n, n), rng.integers(0, len(chosen), len(chosen)) if sampled
                                 else None) for _ in range(RESAMPLES)])
    value_ci, baseline_ci, margin_ci = percentiles(draws)
    evidence.record("union units silent on every photograph", int(np.isnan(family).all(0).sum()),
                    n=len(union_family.units) or None)
    judge(evidence, XOR, value, value_ci, n,
          "every union unit is silent on every photograph, mirror and blend" if not np.isfinite(value)
          else "a resample of the photographs leaves every union unit silent")
    if np.isfinite(baseline):
        evidence.record("random units' median contrast", baseline, ci=baseline_ci, n=len(chosen))
    judge(evidence, XOR_MARGIN, margin, margin_ci, n,
          "no answering unit outside the family to draw" if not len(chosen)
          else "undefined: the family or the random units are silent (on the photographs or on a resample)")
