"""The plugin as a researcher gets it: this project's wheel installed into a fresh virtual environment, and a
claims folder in a repository of their own, outside this one, run against their own network (`module:factory`)
with its controls and a ledger.

The fresh environment takes torch and the other dependencies from this one (a .pth line; downloading torch is
out of reach offline); everything of this project comes from the wheel, which the test checks.
"""
import json
import shutil
import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import PIL
import pytest
import torch
from PIL import Image

REPO = Path(__file__).resolve().parents[1]

NETS = '''
import torch
from torch import nn


def build():
    """A user's network whose first filters are smooth blobs, as training makes them; its null twins' are not."""
    network = nn.Sequential(nn.Conv2d(3, 8, 7, padding=3), nn.ReLU(), nn.Conv2d(8, 8, 3, padding=1), nn.ReLU())
    grid = torch.linspace(-1, 1, 7)
    blob = torch.exp(-(grid.view(-1, 1) ** 2 + grid.view(1, -1) ** 2) / 0.5)
    with torch.no_grad():
        signs = torch.tensor([1.0, -1.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0])
        network[0].weight.copy_(signs.view(8, 1, 1, 1) * blob.expand(8, 3, 7, 7))
    return network, {"input_size": 32}
'''

CLAIMS = '''
import numpy as np

from probes.records.evidence import bootstrap_ci
from zoom_in_claims import claim


@claim("mine.smooth_filters", "The first convolution's filters are spatially smooth.", source="my lab notebook",
       kind="weights", predictions={"neighbouring weights' correlation": ">= 0.5"}, resample="units")
def test_first_filters_are_smooth(model, evidence):
    weights = model.layer("0").module.weight.detach().numpy()
    per_filter = np.array([np.corrcoef(w[:, :, :-1].ravel(), w[:, :, 1:].ravel())[0, 1] for w in weights])
    evidence.measure("neighbouring weights' correlation", float(per_filter.mean()),
                     ci=bootstrap_ci(per_filter, np.mean), n=len(per_filter))
'''


def run(*command, cwd=None):
    result = subprocess.run([str(part) for part in command], cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@pytest.mark.slow
def test_a_claims_folder_outside_the_repo_runs_with_the_installed_plugin(tmp_path):
    source = tmp_path / "source"  # a copy: building in the checkout would leave build/ behind in it
    for package in ("probes", "zoom_in_claims"):
        shutil.copytree(REPO / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    for file in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / file, source / file)
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--wheel-dir",
        tmp_path / "wheel", source)
    wheel = next((tmp_path / "wheel").glob("zoom_in_claims-*.whl"))
    environment = tmp_path / "env"
    venv.EnvBuilder(with_pip=False).create(environment)
    python = environment / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    dependencies = dict.fromkeys(str(Path(module.__file__).parents[1]) for module in (torch, pytest, PIL))
    (site / "dependencies.pth").write_text("\n".join(dependencies) + "\n")
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", wheel)

    repository = tmp_path / "my_repository"
    (repository / "mypkg").mkdir(parents=True)
    (repository / "mypkg" / "__init__.py").write_text("")
    (repository / "mypkg" / "nets.py").write_text(textwrap.dedent(NETS))
    (repository / "my_claims").mkdir()
    (repository / "my_claims" / "test_smooth.py").write_text(textwrap.dedent(CLAIMS))
    photos = repository / "photos"  # the null twins recalibrate their batch norms on photographs
    photos.mkdir()
    for i in range(8):
        Image.new("RGB", (40, 40), (30 * i, 90, 250 - 30 * i)).save(photos / f"photo{i}.png")

    where = run(python, "-c", "import probes, zoom_in_claims; print(probes.__file__, zoom_in_claims.__file__)",
                cwd=repository).stdout
    assert str(REPO) not in where and str(site) in where  # the wheel's copies, not this checkout's
    result = subprocess.run([python, "-m", "pytest", "my_claims", "--model", "mypkg.nets:build", "--controls",
                             "--null-seeds", "2", "--images", "photos", "--ledger", "out", "-p", "no:cacheprovider"],
                            cwd=repository, capture_output=True, text=True,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(repository), "HOME": str(tmp_path),
                                 "ZOOM_IN_CACHE": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stdout + result.stderr
    entries = json.loads((repository / "out" / "ledger.json").read_text())["entries"]
    [entry] = [e for e in entries if e["id"] == "mine.smooth_filters"]
    assert entry["verdict"] == "HOLDS" and entry["falsifiable"] == "yes"  # both null twins refute it
    assert (repository / "out" / "ledger.md").is_file()


@pytest.mark.slow  # starts a process of its own
def test_the_entry_point_loads_the_plugin_without_being_named(pytester):
    """No conftest and no -p: the pytest11 entry point alone gives a run the suite's options."""
    result = pytester.runpytest_subprocess("--help")
    for option in ("--model", "--controls", "--null-seeds", "--ledger", "--report", "--registry", "--atlas"):
        result.stdout.fnmatch_lines([f"*{option}*"])
    assert "claims about features and circuits" in result.stdout.str()
