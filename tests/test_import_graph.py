"""The instruments' import graph has no cycle, so `probes` reads bottom-up: every module can be understood from the
ones it imports. Every import counts, at the top of a module or inside a function (a deferred import is still a
dependency); a module's parent package is not counted as imported by it."""
import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def module_names(package: str) -> dict[str, Path]:
    root = REPO / package
    names = {}
    for path in root.rglob("*.py"):
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """The modules of `known` that the module at `path` imports."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package, up level - 1
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:  # `from package import submodule` imports the submodule, else the module
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return {module for module in found if module in known and module != name}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, components = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def import_graph(*packages: str) -> dict[str, set[str]]:
    names = {name: path for package in packages for name, path in module_names(package).items()}
    return {name: imports_of(path, name, set(names)) for name, path in names.items()}


@pytest.mark.parametrize("packages", [("probes",), ("probes", "zoom_in_claims")])
def test_no_import_cycle(packages):
    assert cycles(import_graph(*packages)) == []


def test_the_detector_sees_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_graph_sees_deferred_and_relative_imports(tmp_path):
    graph = import_graph("probes")
    assert "probes.zoo" in graph["probes.models.catalogue"]
    assert "probes.models.efficientnet_lite" in graph["probes.constructed.concepts"]  # imported inside a function


@pytest.mark.slow  # starts a process of its own
def test_every_module_imports_first():
    """No module needs another to have been imported before it: each is imported first, in turn, with every module
    of probes and the plugin forgotten in between (a cycle through a package's __init__ shows up only this way)."""
    script = """
import importlib, sys
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m.split(".")[0] in ("probes", "zoom_in_claims")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as error:
        failed.append(f"{name}: {error!r}")
print("\\n".join(failed))
"""
    names = sorted(name for name in import_graph("probes", "zoom_in_claims") if not name.endswith("__main__"))
    result = subprocess.run([sys.executable, "-c", script, *names], cwd=REPO, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
