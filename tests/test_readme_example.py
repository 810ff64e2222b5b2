"""The README's notebook example runs as printed: the instruments are usable without pytest's fixtures."""
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def notebook_example() -> str:
    text = (REPO / "README.md").read_text()
    section = text.split("### The instruments in a notebook", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.mark.slow
def test_the_notebook_example_runs(monkeypatch, capsys):
    monkeypatch.chdir(REPO)  # it reads atlases/ as a notebook in the checkout would
    exec(compile(notebook_example(), "README.md", "exec"), {})
    printed = capsys.readouterr().out
    contrast = float(re.search(r"median curve/line contrast (\S+)", printed).group(1))
    assert 0 < contrast <= 1
    assert "(500, 7, 28, 28)" in printed or "photographs x units" in printed
