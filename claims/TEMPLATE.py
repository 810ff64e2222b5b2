"""<Family>, <argument>: one sentence saying what is claimed, as the paper says it.

Copy this file to claims/<family>/test_<argument>.py (files named TEMPLATE.py are not collected).
State here, BEFORE running it, the predictions and thresholds (the same as in `predictions=` below), what the
intervals resample, and which data it confirms on (never the stimuli or images the family was discovered with).
Then register it: `python -m zoom_in_claims.register claims` (claims/registry.json; a later change is an amendment).
When the honest result is a refutation, keep the claim and add expect="refuted".
"""
import numpy as np

from probes.records.evidence import bootstrap_ci
from zoom_in_claims import claim
from zoom_in_claims.data import require_family

RATIO = "median <quantity>"  # a constant name: the registry keys on it


@claim("family.argument",                         # id: <family>.<argument>, the ledger groups by <family>
       "The claim in one sentence.",
       source="Zoom In, Claim 1, argument N",      # paper and section
       kind="synthetic stimuli",                  # see zoom_in_claims/claims.py KINDS
       predictions={RATIO: ">= 0.333"},            # fixed before looking at the data: ">= t", "<= t", "in [a, b]"
       resample="units",                          # what the 95% intervals resample (zoom_in_claims/claims.py RESAMPLED)
       models=None,                               # or ("inceptionv1",) when it is about specific units
       positive="constructed_curves")             # the constructed network where it holds by construction
def test_the_prediction(model, atlas, evidence):
    family = require_family(atlas, "curves")     # NOT RUN when this model's atlas lacks the family
    per_unit = np.ones(len(family.units))        # measure something per unit with probes/ instruments
    # judged on its interval: HOLDS only when the whole interval clears the threshold, else REFUTED/INCONCLUSIVE
    evidence.measure(RATIO, np.median(per_unit), ci=bootstrap_ci(per_unit, np.median), n=len(per_unit))
