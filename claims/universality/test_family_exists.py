"""Universality, existence: a curve family forms in each network, found by the same screen with the same
thresholds, and it is there again on data the screen never used.

Each model's curve family was discovered independently (`python -m probes.discover curves --model NAME`, the
thresholds of probes/discover/curves.py) on the discovery stimuli and the discovery half of the photographs.
Here the same screen, same thresholds, re-runs on the family's layer with the confirmation stimuli (other radii,
stroke, colours: probes/protocol.py) and the confirmation half of the photographs.
Predictions, fixed before lite1 and lite2 were screened:
  family      the layer holds a family again: at least MIN_FAMILY (5) qualifying units leaving no orientation
              gap wider than MAX_GAP (135 degrees)
  same units  at least half of the atlas's family units qualify again
Null twin: nothing qualifies on random weights. Positive control: constructed_curves_twin.
"""

from fixtures import claim
from fixtures.data import require_family
from probes.discover.curves import MAX_GAP, MIN_FAMILY, screen_layer
from probes.evidence import wilson_ci
from probes.images import split
from probes.protocol import CONFIRMATION

PHOTOGRAPHS = 500


@claim("universality.family_exists", "Each network has a curve family that its independent discovery found and "
       "that qualifies again, by the same thresholds, on stimuli and photographs discovery did not use.",
       source="Zoom In, Claim 3 (universality)", kind="universality", positive="constructed_curves_twin",
       min_images=2 * MIN_FAMILY)
def test_curve_family_forms_again(model, atlas, images, evidence):
    family = require_family(atlas, "curves")
    held_out = split(images, "confirmation")
    photographs = held_out.images[:PHOTOGRAPHS]
    screen = screen_layer(model, family.layer, photographs, stimuli=CONFIRMATION)
    qualifying = {u.unit for u in screen.family}
    again = len(qualifying & set(family.units))
    evidence.record("qualifying units in the layer", len(qualifying))
    evidence.at_least("qualifying units in the family's layer", len(qualifying), MIN_FAMILY)
    evidence.at_most("largest orientation gap of the qualifying units (degrees)", screen.largest_gap, MAX_GAP,
                     n=len(qualifying))
    evidence.at_least("fraction of the atlas's family that qualifies again", again / len(family.units), 0.5,
                      ci=wilson_ci(again, len(family.units)), n=len(family.units))
