"""Universality, existence: a curve family forms in each network, found by the same screen with the same
thresholds, and it is there again on data the screen never used.

Each model's curve family was discovered independently (`python -m probes.discover curves --model NAME`, the
thresholds of probes/discover/curves.py) on the discovery stimuli and the discovery half of the photographs.
Here the same screen, same thresholds, re-runs on the family's layer with the confirmation stimuli (other radii,
stroke, colours: probes/stimuli/protocol.py) and the confirmation half of the photographs.
Predictions, fixed before lite1 and lite2 were screened (the screen's MIN_FAMILY and MAX_GAP,
written out so that the registered predictions do not move with the screen):
  qualifying units in the family's layer                        >= 5     exact: the screen's count
  largest orientation gap of the qualifying units (degrees)     <= 135   exact (fewer than two units: 360)
  fraction of the atlas's family that qualifies again           >= 0.5   interval: bootstrap over the atlas's
                                                                         family units (resample "units")
The count and gap are judged as exact readings of the screen on these stimuli and photographs (their one
photograph-dependent criterion, the natural drive, is not exposed per photograph, so they carry no interval). The
fraction's units share the photographs, so they are resampled as clusters, not as independent Wilson trials.
Null twin: nothing qualifies on random weights. Positive control: constructed_curves_twin.
"""
import numpy as np

from probes.discover.curves import MIN_FAMILY, screen_layer
from probes.photographs.images import split
from probes.records.evidence import bootstrap_ci
from probes.records.figures import orientation_wheel
from probes.stimuli.protocol import CONFIRMATION
from zoom_in_claims import claim
from zoom_in_claims.data import require_family

PHOTOGRAPHS = 500


@claim("universality.family_exists", "Each network has a curve family that its independent discovery found and "
       "that qualifies again, by the same thresholds, on stimuli and photographs discovery did not use.",
       source="Zoom In, Claim 3 (universality)", kind="universality", positive="constructed_curves_twin",
       near_miss="constructed_curves_twin_straightened",
       min_images=2 * MIN_FAMILY,
       predictions={"qualifying units in the family's layer": ">= 5",
                    "largest orientation gap of the qualifying units (degrees)": "<= 135",
                    "fraction of the atlas's family that qualifies again": ">= 0.5"},
       resample="units")
def test_curve_family_forms_again(model, atlas, images, evidence, figures):
    family = require_family(atlas, "curves")
    held_out = split(images, "confirmation")
    photographs = held_out.pixels[:PHOTOGRAPHS]  # as stored: the network reads them itself, with no float copy
    screen = screen_layer(model, family.layer, photographs, stimuli=CONFIRMATION)
    qualifying = {u.unit for u in screen.family}
    evidence.record("qualifying units in the layer", len(qualifying))
    shown = [u for u in screen.units if u.unit in qualifying or u.unit in family.units]
    figures.add("the screen on confirmation data", lambda: orientation_wheel(  # a lambda: drawn only for a report
        {u.unit: u.preferred_orientation for u in shown}, {u.unit: u.vector_strength for u in shown},
        counted=qualifying, title=f"{family.layer}: units the screen passes again"),
        caption="The units of the family's layer that qualify on the confirmation stimuli and photographs (blue; "
                "spoke length: vector strength; shaded: their largest gap, the claim: <= 135°), and the atlas's "
                "family units that do not (grey, dotted).",
        units=[f"{family.layer}:{u.unit}" for u in shown])
    evidence.measure("qualifying units in the family's layer", len(qualifying))
    evidence.measure("largest orientation gap of the qualifying units (degrees)", screen.largest_gap,
                     n=len(qualifying) or None)
    if not family.units:
        evidence.inconclusive("fraction of the atlas's family that qualifies again", "the atlas's family is empty")
        return
    again = np.array([u in qualifying for u in family.units], dtype=float)
    evidence.measure("fraction of the atlas's family that qualifies again", float(again.mean()),
                     ci=bootstrap_ci(again, np.mean), n=len(again))
