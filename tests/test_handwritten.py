
from probes.circuits.handwritten import HandwrittenCurveDetector
from probes.measures.tuning import circular_correlation
from probes.stimuli.sets import curve_set, line_set

CANVAS = 61


def test_handwritten_detector_tracks_curve_orientation():
    detector = HandwrittenCurveDetector(CANVAS, orientations=36)
    curves = curve_set(CANVAS, orientations=24, radii=[15, 20], width=3)
    read = detector.preferred_orientation(curves.images).numpy()
    assert circular_correlation(curves.params["orientation"].numpy(), read) > 0.95


def test_prefers_curves_to_lines_and_rejects_the_opposite_curve():
    detector = HandwrittenCurveDetector(CANVAS, orientations=36)
    curves = curve_set(CANVAS, orientations=36, radii=[18], width=3)
    responses = detector(curves.images)
    assert responses.max() > 10 * detector(line_set(CANVAS, orientations=18, length=40, width=3).images).max()
    upward = 9  # orientation 90: channel 9 of 36; the opposite curve is channel 27
    assert responses[upward, 9] > 0 and responses[upward, 27] == 0


def test_weights_are_hand_set_not_learned():
    detector = HandwrittenCurveDetector(CANVAS)
    assert not any(p.requires_grad for p in detector.parameters())
