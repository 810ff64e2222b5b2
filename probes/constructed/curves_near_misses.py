"""Near misses of `constructed_curves`: the same circuit planted wrong in exactly one respect, each the negative
control of the claims that assert that respect. A claim must be REFUTED on its near miss: an instrument that
still says "holds" there cannot tell the mechanism the claim names from the rest of the circuit.

Each is `curves.ConstructedCurves(design)` for the positive control's `Design` with ONE field changed
(`curves.variant(...)`); every other weight, bias, kernel, layer and the planted atlas's families (same layers,
same units, same semantics) are the positive control's. Like it, they import no instrument of this suite.

  constructed_curves_radial          alignment 90: each curve unit reads, along its arc, the line detectors
                                     aligned with the RADIUS (the arc's normal) instead of its tangent, with the
                                     same opponent arc (curves.implementation). Its units are silent on drawn
                                     curves, so claims that read their responses (handwritten_circuit) come out
                                     INCONCLUSIVE there, not refuted
  constructed_curves_unopposed       opponent 0: no inhibition along the opposite curve (curve_circuits.echo,
                                     curves.synthetic_stimuli.lines)
  constructed_curves_gapped          orientations 11.25k: the 16 curve units cover only half the turn, 0-169
                                     degrees, leaving 180-360 empty (curves.tiling, curves.joint_tuning and its
                                     .property and .crops forms); the atlas records these true orientations
  constructed_curves_one_radius      every curve unit reads a single arc of radius 7 px instead of radii 6-20
                                     alike, and is inhibited (0.7) by the flatter arc of radius 14 px at the same
                                     orientation: it is tuned to one radius, as a detector of one curvature must
                                     be (reading one arc alone leaves it answering a 12.6 px arc at 0.66 of a 9 px
                                     one, since near the apex all radii share their tangent)
                                     (curves.synthetic_stimuli.radii)
  constructed_curves_blind_readers   the circle readers' weight from the curve family is zero and goes to the
                                     straight-line units tangent to their ring instead (their inhibition by lines
                                     across the ring is the positive's) (curves.use, curve_circuits.ablation)
  constructed_curves_unrotated       each curve unit reads one arc of one of three shapes, dealt in turn (unit k
                                     gets shape k mod 3): a tight hook (radius 4 px, 8 px long), an almost
                                     straight bar (radius 40, 24 px), a deep U (radius 8, 26 px), each symmetric
                                     about its apex on the unit's centre, so still a curve detector at 22.5k
                                     degrees; but a unit's weights are not its neighbour's turned
                                     (curve_circuits.equivariance)
  constructed_curves_unoriented      the first layer's 24 units are unoriented centre-surround box differences
                                     instead of Gabor patches (early_vision.oriented_edges, .gabor_filters)
"""
from __future__ import annotations

from probes.constructed.curves import CURVES, Arc, arc, register_design, variant

# three arc shapes, dealt to the units in turn: a tight hook, an almost straight bar, a deep U (radius, length px)
UNROTATED_SHAPES = (Arc(4.0, 8.0), Arc(40.0, 24.0), Arc(8.0, 26.0))

NEAR_MISSES = (
    variant(name="constructed_curves_radial", alignment=90.0,
            summary="near miss: curve units read line detectors along the radius of their arc, not its tangent",
            description={"curves": "curve units reading radial, not tangent, line detectors along the arc"}),
    variant(name="constructed_curves_unopposed", opponent=0.0,
            summary="near miss: curve units without inhibition along the opposite curve",
            description={"curves": "curve detectors without opponent inhibition"}),
    variant(name="constructed_curves_gapped", orientations=tuple(11.25 * k for k in range(CURVES)),
            summary="near miss: curve units covering only half the turn of orientations",
            description={"curves": "curve detectors, orientation 11.25k: half the turn"}),
    variant(name="constructed_curves_one_radius",
            arcs=tuple((arc(7.0), arc(14.0, weight=-0.7)) for _ in range(CURVES)),
            summary="near miss: curve units tuned to a single radius",
            description={"curves": "curve detectors of one radius (7 px), inhibited by flatter arcs"}),
    variant(name="constructed_curves_blind_readers", circle_input="lines",
            summary="near miss: circle readers read straight-line units, not the curve family",
            description={"circles": "circle readers of the tangent straight-line units (curve family weakly)"}),
    variant(name="constructed_curves_unrotated",
            arcs=tuple((UNROTATED_SHAPES[k % 3],) for k in range(CURVES)),
            summary="near miss: curve units whose weights are not rotated copies of each other",
            description={"curves": "curve detectors, each of its own radius and placement"}),
    variant(name="constructed_curves_unoriented", first_layer="centre_surround",
            summary="near miss: first-layer units that are not oriented (centre-surround)",
            description={"edges": "unoriented centre-surround units (labelled as the positive's edges)"}),
)

for design in NEAR_MISSES:
    register_design(design)
