"""Curves, argument 5 (implementation): reading the weights shows how the family is built — at each position
along a unit's preferred arc, excitation from earlier orientation-selective units aligned with the arc there,
and inhibition from the same kind of input along the opposing arc.

The source is the last layer before the family's with a smaller receptive field (for lite0, blocks.4.expand).
Its units are characterised with confirmation-style lines and curves at their own field
(probes/circuits/arc_reading.py): line-like (180-degree period) or curve-like (360), selective when vector
strength >= 0.5. The family units' expanded weights from the selective sources are standardised per source map
and sampled, never summed, along the preferred arc and the opposing arc at 0.3 of the family's field. Predictions:
  sources      at least 3 orientation-selective source units (otherwise there is nothing to read; exact count)
  tangent      median over family units of the correlation between weight and alignment along the preferred
               arc >= 0.2
  opponent     median over family units of (mean aligned weight on the preferred arc - on the opposing arc)
               >= 0.5 standard deviations of the unit's weight map
The medians' intervals resample the family's units.

What changed, and why (issue "Positive controls"): the old reading kept only sources with 360-degree curve tuning,
so line and edge inputs, from which the paper says curves are built, were never read, and it summed expanded
weights over positions, which cancels the tangent alignment. On constructed_curves (curves built from line
detectors) it found 0 selective sources. Statistics and thresholds above were fixed on that positive control
(tangent 0.63, opponent 6.1) and the null twin (tangent about 0, opponent about -0.1) before lite0 was read.
Old result on lite0: r(summed weight, cos orientation difference) = -0.12 [-0.24, 0.01], REFUTED.
"""
import numpy as np

from probes.circuits.arc_reading import MIN_SELECTIVITY, read_arcs, source_tuning
from probes.circuits.wiring import upstream_layer
from probes.records.evidence import bootstrap_ci
from probes.records.figures import scatter_panels
from probes.stimuli.protocol import CONFIRMATION
from zoom_in_claims import claim

SOURCES = "orientation-selective source units"
TANGENT = "median correlation of weight with tangent alignment along the arc"
OPPONENT = "median aligned weight, preferred minus opposing arc (sd)"


@claim("curves.implementation", "Along each curve unit's preferred arc, its weights excite earlier orientation-"
       "selective units aligned with the arc and, along the opposing arc, inhibit them.",
       source="Zoom In, Claim 1, argument 5 (implementation); Curve Circuits", kind="implementation",
       expect="refuted", positive="constructed_curves", near_miss="constructed_curves_radial",
       predictions={SOURCES: ">= 3", TANGENT: ">= 0.2", OPPONENT: ">= 0.5"}, resample="units")
def test_weights_follow_the_arc(model, curve_family, preferred, evidence, figures):
    source = upstream_layer(model, curve_family.layer)
    tuned = source_tuning(model, source, CONFIRMATION)
    selective = [s for s in tuned if s.selectivity >= MIN_SELECTIVITY]
    evidence.record("line-like selective sources", sum(s.period == 180.0 for s in selective), n=len(tuned))
    evidence.measure(SOURCES, len(selective), n=len(tuned))
    if not selective:
        for name in (TANGENT, OPPONENT):
            evidence.inconclusive(name, f"no orientation-selective source unit in {source} to read")
        return
    readings = read_arcs(model, source, curve_family.layer, {u: preferred[u] for u in curve_family.units}, selective,
                         span=CONFIRMATION["span"])
    figures.add("weights along the arcs", lambda: scatter_panels(  # a lambda: drawn only for a report
        {f"unit {u} ({preferred[u]:.0f}°): r = {r.tangent_correlation:.2f}": {
            "preferred arc": (r.preferred_alignment, r.preferred_weights),
            "opposing arc": (r.opposing_alignment, r.opposing_weights)} for u, r in readings.items()},
        xlabel="alignment of the source with the arc", ylabel="standardised weight (sd)",
        title=f"{curve_family.layer} from {source}: weights along each unit's arcs"),
        caption=f"Each point: one of the {len(selective)} orientation-selective source units of {source} at one of "
                "the points sampled along the unit's preferred arc (blue) or the opposing arc (red). The claim: "
                "along the preferred arc, weight rises with alignment (r >= 0.2); aligned inputs weigh more there "
                "than on the opposing arc (>= 0.5 sd).",
        units=[f"{curve_family.layer}:{u}" for u in curve_family.units])
    tangent = [r.tangent_correlation for r in readings.values()]
    opponent = [r.opponent_contrast() for r in readings.values()]
    evidence.measure(TANGENT, np.median(tangent), ci=bootstrap_ci(tangent, np.median), n=len(tangent))
    evidence.measure(OPPONENT, np.median(opponent), ci=bootstrap_ci(opponent, np.median), n=len(opponent))
