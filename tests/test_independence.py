"""Positive and near-miss controls are built from the paper's account of a mechanism, never from the code that
judges them (probes/constructed/independence.py): checked on every constructed network, and shown to catch each way a
control can lean on its judge."""
import textwrap

import pytest

from probes.constructed import independence


@pytest.mark.parametrize("path", independence.control_files(), ids=lambda p: p.name)
def test_constructed_networks_share_nothing_with_their_judges(path):
    assert independence.violations(path) == []


def _control(tmp_path, source):
    path = tmp_path / "planted.py"
    path.write_text(textwrap.dedent(source))
    return path


def test_importing_a_judge_is_caught(tmp_path):
    path = _control(tmp_path, """
        from probes.zoo import register
        from probes.stimuli.sets import arc_points
    """)
    assert [p for p in independence.violations(path) if "imports judge probes.stimuli.sets" in p]


def test_importing_a_judge_through_an_allowed_module_is_caught(tmp_path, monkeypatch):
    helper = tmp_path / "probes_helper.py"
    helper.write_text("import probes.measures.spectral\n")
    monkeypatch.setattr(independence, "is_judge", lambda m: m == "probes.measures.spectral")
    monkeypatch.setattr(independence, "imported_modules",
                        lambda p: {"probes.records.atlas"} if p.name == "planted.py" else
                        {"probes.measures.spectral"} if p.name == "atlas.py" else set())
    path = _control(tmp_path, "import probes.records.atlas\n")
    assert independence.violations(path, judges=[]) == [
        "imports judge probes.measures.spectral (through planted -> probes.records.atlas -> probes.measures.spectral)"]


def test_copying_a_judges_function_under_other_names_is_caught(tmp_path):
    judge = tmp_path / "judge.py"
    judge.write_text(textwrap.dedent("""
        def energy(crops, sigma):
            blurred = smooth(crops, sigma)
            return (crops - blurred).pow(2).mean()
    """))
    path = _control(tmp_path, """
        def texture(image, width):
            soft = smooth(image, width)
            return (image - soft).pow(2).mean()
    """)
    assert independence.violations(path, judges=[judge]) == ["planted.texture copies judge.energy"]


def test_writing_out_a_judges_constants_is_caught(tmp_path):
    judge = tmp_path / "judge.py"
    judge.write_text("FINE_PERIOD = 0.14\nRADII = (0.2, 0.3, 0.4)\nDIRECTIONS = 16\nHALF = 0.5\n")
    path = _control(tmp_path, "period = 0.14 * 37\nsizes = (0.2, 0.3, 0.4)\nturns = 16\nhalf = 0.5\n")
    assert sorted(independence.violations(path, judges=[judge])) == [
        "writes out judge.FINE_PERIOD = 0.14", "writes out judge.RADII = (0.2, 0.3, 0.4)"]
