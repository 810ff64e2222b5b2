"""Dog heads, mirror partners: each facing unit has a partner that answers the mirror image as the unit answers
the photograph, far more often than random units of the layer have one.

Unit A and its atlas partner B are partners when, over dog photographs, A's responses to the mirrors correlate
with B's responses to the photographs (mirror correlation) at least PARTNER_MIN, and at least ADVANTAGE_MIN more
than A's and B's plain correlation (so two units that merely ignore facing together do not count). Random units:
RANDOM units of the layer, each given its best partner on the DISCOVERY half (probes.photographs.mirror.best_partners),
then judged like the family on the confirmation half.
Predictions, fixed before the claim ran on any network:
  fraction of family units with a qualifying partner                   >= 0.75
  family fraction minus random units'                                  >= 0.3
Intervals (95%, RESAMPLES bootstrap resamples) resample the confirmation dog photographs, each with its mirror,
recomputing the correlations; the margin also resamples the random units when they are a sample of the layer
(not when they are all of its other units, as in constructed_facing's four-unit layer).
History: the facing index of the family (probes.photographs.mirror: median over photographs of
|r - r_mirror| / (r + r_mirror)) was first its own prediction ("facing units answer a photograph and its mirror
differently, index >= 0.3") and was vacuous: it held on the gaussian null twin too (lite0 0.34, null 0.5), plausibly
through the asymmetric "SAME" padding, which a flip does not commute with. Superseded by the partner structure; still
measured (`FACING_INDEX`, same resampling) and shown, not counted.
Measured before the interval verdicts (2026-11-25): HOLDS on lite0's one pair (blocks.14.depthwise 23 and 225),
2 of 2, random units 0 of 50; gaussian null 0 of 2; constructed_facing 2 of 2.
"""
import numpy as np

from probes.measures.baselines import is_sample, other_units, random_units
from probes.photographs.mirror import (
    best_partners,
    correlation_matrix,
    facing_index,
    mirror_correlation,
)
from probes.records.figures import scatter_panels
from zoom_in_claims import claim

SOURCE = "Zoom In, 'unioning over cases' (left- and right-facing dog heads, each the other's mirror image)"
POSITIVE = "constructed_facing"
PARTNER_MIN, ADVANTAGE_MIN = 0.5, 0.3
RANDOM = 50
RESAMPLES = 200

FAMILY = "fraction of family units with a qualifying partner"
MARGIN = "family fraction minus random units'"
FACING_INDEX = "median facing index of the family"  # superseded ">= 0.3": vacuous on the null twin


def qualifies(photos, mirrors, pairs) -> np.ndarray:
    units = sorted({u for pair in pairs for u in pair})
    column = {u: k for k, u in enumerate(units)}
    mirror = mirror_correlation(photos[:, units], mirrors[:, units])
    plain = correlation_matrix(photos[:, units], photos[:, units])
    return np.array([mirror[column[a], column[b]] >= PARTNER_MIN
                     and mirror[column[a], column[b]] - plain[column[a], column[b]] >= ADVANTAGE_MIN
                     for a, b in pairs], dtype=bool)


def bootstrap(statistic, photographs: int, units: int | None = None, *, resamples: int = RESAMPLES, seed: int = 0):
    """Per component of statistic(photograph indices, unit indices): its 95% percentile interval over resamples of
    the photographs, and jointly of `units` random units when given (None: the statistic keeps all of them);
    None for a component that is undefined (NaN) on any resample, which then has no interval."""
    rng = np.random.default_rng(seed)
    values = np.array([np.atleast_1d(statistic(rng.integers(0, photographs, photographs),
                                               rng.integers(0, units, units) if units else None))
                       for _ in range(resamples)], dtype=float)
    return [(float(np.quantile(v, 0.025)), float(np.quantile(v, 0.975))) if np.isfinite(v).all() else None
            for v in values.T]


def judge(evidence, name: str, value: float, ci, n: int, undefined: str) -> None:
    """Measure a declared prediction, or call it inconclusive when its value or interval is undefined."""
    if ci is None or not np.isfinite(value):
        evidence.inconclusive(name, undefined)
    else:
        evidence.measure(name, value, ci=ci, n=n)


@claim("dog_heads.mirror_partners", "Each facing unit has a mirror partner that answers the mirror image as it "
       "answers the photograph, far more often than random units have one.", source=SOURCE, kind="mirror images",
       positive=POSITIVE, near_miss="constructed_facing_not_mirror", predictions={FAMILY: ">= 0.75", MARGIN: ">= 0.3"},
       resample="units and photographs")
def test_facing_units_have_mirror_partners(facing_family, dog_responses, discovery_dog_responses, evidence, figures):
    layer = facing_family.layer
    photos, mirrors = dog_responses.photos[layer], dog_responses.mirrors[layer]
    n = len(photos)
    family_pairs = [(a, facing_family.partners[a]) for a in facing_family.units]
    others = other_units(photos.shape[1], facing_family.units)
    chosen = random_units(others, RANDOM)
    partners = best_partners(discovery_dog_responses.photos[layer], discovery_dog_responses.mirrors[layer])
    random_pairs = [(int(a), int(partners[a])) for a in chosen]
    sampled = len(chosen) if is_sample(chosen, others) else None  # all other units: nothing to resample

    def fractions(idx, picked):
        family = qualifies(photos[idx], mirrors[idx], family_pairs).mean()
        if not random_pairs:
            return family, np.nan, np.nan
        random_ = qualifies(photos[idx], mirrors[idx], random_pairs)
        random_ = random_[picked] if picked is not None else random_
        return family, random_.mean(), family - random_.mean()

    def index(idx):
        units = facing_family.units
        return np.median(facing_index(photos[idx][:, units], mirrors[idx][:, units], count_silent=True))

    figures.add("partners on photographs and mirrors", lambda: scatter_panels(  # drawn only for a report
        {f"{a} and its partner {b}": {f"{a} on the mirror vs {b} on the photograph": (mirrors[:, a], photos[:, b]),
                                      f"{a} vs {b}, both on the photograph": (photos[:, a], photos[:, b])}
         for a, b in family_pairs}, xlabel="unit's peak response", ylabel="partner's peak response",
        title=f"{layer}: facing units and their mirror partners"),
        caption=f"Each point a confirmation dog photograph ({n}). Blue: the unit's response to the mirror image "
                "against its partner's to the photograph, which partners share (correlation >= 0.5); red: both on "
                "the photograph, which they should share less (by >= 0.3).",
        units=[f"{layer}:{u}" for u in facing_family.units])
    family, random_, margin = fractions(np.arange(n), None)
    family_ci, random_ci, margin_ci = bootstrap(fractions, n, sampled)
    evidence.record("facing units", len(family_pairs))
    evidence.measure(FACING_INDEX, index(np.arange(n)), ci=bootstrap(lambda idx, _: index(idx), n)[0], n=n)
    judge(evidence, FAMILY, family, family_ci, n, "undefined on a resample of the photographs")
    if random_ci is not None and np.isfinite(random_):
        evidence.record("fraction of random units with a qualifying partner", random_, ci=random_ci, n=len(chosen))
    judge(evidence, MARGIN, margin, margin_ci, n,
          "the facing layer has no unit outside the family to draw" if not random_pairs
          else "undefined on a resample of the photographs")
