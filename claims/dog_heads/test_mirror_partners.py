"""Dog heads, mirror partners: each facing unit has a partner that answers the mirror image as the unit answers
the photograph, far more often than random units of the layer have one.

Unit A and its atlas partner B are partners when, over dog photographs, A's responses to the mirrors correlate
with B's responses to the photographs (mirror correlation) at least PARTNER_MIN, and at least ADVANTAGE_MIN more
than A's and B's plain correlation (so two units that merely ignore facing together do not count). Random units:
RANDOM units of the layer, each given its best partner on the DISCOVERY half (probes.mirror.best_partners), then
judged like the family on the confirmation half.
The facing index of the family (probes.mirror: median over photographs of |r - r_mirror| / (r + r_mirror)) is
recorded, not tested: as a claim of its own ("facing units answer a photograph and its mirror differently,
index >= 0.3") it was vacuous, holding on the gaussian null twin too (lite0 0.34 [0.27, 0.48], null 0.5): a
random network's late units also answer a photograph and its mirror differently, plausibly through the
asymmetric "SAME" padding, which a flip does not commute with. Only the partner structure tells facing apart.
Predictions, fixed before the claim ran on any network:
  fraction of family units whose partner qualifies                     >= 0.75
  family fraction minus random units' fraction                          >= 0.3
Measured (2026-11-25), HOLDS on lite0's one pair (blocks.14.depthwise 23 and 225): 2 of 2 [0.34, 1], random
units 0 of 50; gaussian null 0 of 2; constructed_facing 2 of 2.
"""
import numpy as np

from fixtures import claim
from probes.evidence import wilson_ci
from probes.mirror import (
    best_partners,
    correlation_matrix,
    facing_index,
    mirror_correlation,
)

SOURCE = "Zoom In, 'unioning over cases' (left- and right-facing dog heads, each the other's mirror image)"
POSITIVE = "constructed_facing"
PARTNER_MIN, ADVANTAGE_MIN = 0.5, 0.3
RANDOM = 50


def qualifies(photos, mirrors, pairs) -> np.ndarray:
    units = sorted({u for pair in pairs for u in pair})
    column = {u: k for k, u in enumerate(units)}
    mirror = mirror_correlation(photos[:, units], mirrors[:, units])
    plain = correlation_matrix(photos[:, units], photos[:, units])
    return np.array([mirror[column[a], column[b]] >= PARTNER_MIN
                     and mirror[column[a], column[b]] - plain[column[a], column[b]] >= ADVANTAGE_MIN
                     for a, b in pairs])


@claim("dog_heads.mirror_partners", "Each facing unit has a mirror partner that answers the mirror image as it "
       "answers the photograph, far more often than random units have one.", source=SOURCE, kind="mirror images",
       positive=POSITIVE)
def test_facing_units_have_mirror_partners(facing_family, dog_responses, discovery_dog_responses, evidence):
    layer = facing_family.layer
    photos, mirrors = dog_responses.photos[layer], dog_responses.mirrors[layer]
    family = qualifies(photos, mirrors, [(a, facing_family.partners[a]) for a in facing_family.units])

    others = np.setdiff1d(np.arange(photos.shape[1]), facing_family.units)
    chosen = np.random.default_rng(0).choice(others, size=min(RANDOM, len(others)), replace=False)
    partners = best_partners(discovery_dog_responses.photos[layer], discovery_dog_responses.mirrors[layer])
    random_ = qualifies(photos, mirrors, [(int(a), int(partners[a])) for a in chosen])

    evidence.record("median facing index of the family", np.median(facing_index(
        photos[:, facing_family.units], mirrors[:, facing_family.units], count_silent=True)), n=len(photos))
    evidence.at_least("fraction of family units with a qualifying partner", family.mean(), 0.75,
                      ci=wilson_ci(int(family.sum()), len(family)), n=len(family))
    evidence.record("fraction of random units with a qualifying partner", random_.mean(),
                    ci=wilson_ci(int(random_.sum()), len(random_)), n=len(random_))
    evidence.at_least("family fraction minus random units'", family.mean() - random_.mean(), 0.3, n=len(random_))
