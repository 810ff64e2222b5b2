"""A bad option is one usage error (exit code 4) that names what exists, not one traceback per test.

Inner pytest runs (pytester) as in tests/test_plugin.py; the tiny user network stands in wherever a model is needed.
"""
import pytest

MODEL = "--model=tests.example_user_model:tiny_convnet"

# Three tests that share the model: before the options were checked up front, a bad option failed each of them
# with the same traceback.
INNER = '''
def test_one(model):
    pass

def test_two(model):
    pass

def test_three(model):
    pass
'''


@pytest.fixture
def inner(pytester):
    pytester.makepyfile(test_inner_options=INNER)
    return pytester


def usage_error(result, message: str) -> str:
    """Check that the run stopped with a usage error that says `message` once; return everything it printed."""
    printed = "\n".join(result.outlines + result.errlines)
    assert result.ret == pytest.ExitCode.USAGE_ERROR, printed
    assert printed.count(message) == 1, printed
    return printed


def test_unknown_zoo_model_names_the_close_matches_and_the_zoo(inner):
    result = inner.runpytest_inprocess("--model", "efficientnet_lite9")
    printed = usage_error(result, "unknown model 'efficientnet_lite9'")
    assert "Did you mean: efficientnet_lite2, efficientnet_lite1, efficientnet_lite0?" in printed
    assert ("Known: efficientnet_lite0" in printed
            and "inception_v3, constructed_concepts, constructed_concepts_dedicated" in printed)
    assert "package.module:factory" in printed


def test_every_bad_option_is_reported_in_the_one_error(inner):
    result = inner.runpytest_inprocess("--model", "no_such_model", MODEL,
                                       "--model", "efficientnet_lite9", "--atlas", "nowhere.json")
    printed = usage_error(result, "unknown model 'no_such_model'")
    assert printed.count("unknown model 'efficientnet_lite9'") == 1
    assert printed.count("nowhere.json: no such atlas file") == 1
    assert "tiny_convnet" not in printed  # the good model is not complained about


def test_user_model_whose_module_does_not_import(inner):
    result = inner.runpytest_inprocess("--model", "no_such_package.nets:build")
    printed = usage_error(result, "could not import 'no_such_package.nets'")
    assert "PYTHONPATH" in printed


def test_user_model_whose_factory_does_not_exist_names_the_callables_there(inner):
    result = inner.runpytest_inprocess("--model", "tests.example_user_model:tiny_convnt")
    printed = usage_error(result, "unknown factory in tests.example_user_model 'tiny_convnt'")
    assert "Did you mean: tiny_convnet?" in printed


def test_missing_image_folder_says_how_to_point_at_one(inner):
    result = inner.runpytest_inprocess(MODEL, "--images", "nowhere")
    printed = usage_error(result, "image folder 'nowhere' does not exist")
    assert "--images DIR" in printed and "ZOOM_IN_IMAGES" in printed


def test_image_folder_without_images_from_the_environment(inner, monkeypatch):
    (inner.path / "empty").mkdir()
    monkeypatch.setenv("ZOOM_IN_IMAGES", str(inner.path / "empty"))
    result = inner.runpytest_inprocess(MODEL)
    printed = usage_error(result, "holds no images")
    assert "$ZOOM_IN_IMAGES" in printed and "--images DIR" in printed


def test_no_image_folder_chosen_is_left_to_the_tests_that_need_one(inner, monkeypatch):
    # The default folder may be absent on a machine without the photographs: only `images` users fail then.
    monkeypatch.delenv("ZOOM_IN_IMAGES", raising=False)
    monkeypatch.setattr("probes.defaults.PROJECT", inner.path)  # so the default folder is missing here
    inner.makepyfile(test_inner_images="def test_needs_images(images):\n    pass\n")
    result = inner.runpytest_inprocess(MODEL)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=3, errors=1)
    result.stdout.fnmatch_lines(["*--images DIR*ZOOM_IN_IMAGES*"])


@pytest.mark.parametrize("text, problem", [
    ('{"schema": 1, "model": "tiny"', "not valid JSON"),
    ('{"schema": 1, "model": "tiny", "families": {"curves": {"units": [1]}}}', "families.curves.layer"),
])
def test_malformed_atlas_file_is_named_with_the_problem(inner, text, problem):
    (inner.path / "bad.json").write_text(text)
    result = inner.runpytest_inprocess(MODEL, "--atlas", "bad.json")
    usage_error(result, f"bad.json: {problem}")


def test_unknown_control_kind_names_the_kinds(inner):
    result = inner.runpytest_inprocess(MODEL, "--controls", "gausian")
    printed = usage_error(result, "invalid choice: 'gausian'")
    assert "'init', 'shuffle'" in printed


def test_good_options_run_as_before(inner):
    # The folder is checked, not loaded: decoding photos imports torchvision inside the inner run, pytester then
    # forgets that import, and torch refuses the second import that a later inner run would make.
    (inner.path / "photos").mkdir()
    (inner.path / "photos" / "n01440764_one.png").write_bytes(_tiny_png())
    result = inner.runpytest_inprocess(MODEL, "--images", "photos", "--controls", "shuffle")
    result.assert_outcomes(passed=3)  # plain tests, not claims: no null twins
    assert "ERROR" not in result.stderr.str()


def _tiny_png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()
