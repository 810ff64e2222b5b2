"""Independence of controls from their judges, checked by reading source, never by running it.

A positive control that builds its weights with the code that measures them holds by construction of the
instrument, not of the mechanism. So a constructed network (probes/constructed/) may import only what carries no
measurement: the standard library, torch and numpy, and the modules in `NOT_JUDGES` (atlases, the model zoo,
evidence bookkeeping, the other constructed networks). Every other module of this package, and every module of
the plugin, is a judge. This module finds, for a control's source file:

- judge modules it imports, directly or through the modules it imports;
- functions copied from a judge (the same body, names aside);
- a judge's distinctive constants written out again: a fraction of two significant digits or more (0.14, not
  0.5 or 16) or a tuple of numbers that a judge module defines at top level. Names are not constants: a planted
  atlas labels a concept with its WordNet id as any atlas does; which classes belong to it is the judge's code.

    python -m probes.constructed.independence                 # check every constructed network; exit 1 on a violation
"""
from __future__ import annotations

import ast
import sys
from functools import lru_cache
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the folder holding probes/ and zoom_in_claims/
JUDGE_PACKAGES = ("probes", "zoom_in_claims")
NOT_JUDGES = ("probes", "probes.defaults", "probes.zoo", "probes.addressing", "probes.models", "probes.constructed",
              "probes.records.atlas", "probes.records.evidence",
              "probes.records.predictions", "probes.records.provenance",
              "probes.records.figures",  # and their submodules: they hold data and draw pictures, they measure nothing
              "probes.activations.store", "probes.records.timing")  # they keep and time results, never judge them
JUDGES_AMONG_THEM = ("probes.models.null_model",)  # builds the null twins every claim is judged against
ROUND_NUMBERS = {0.25, 0.75, 1.5, 2.5}  # too common to count as copied from anyone


def is_judge(module: str) -> bool:
    if module.split(".")[0] not in JUDGE_PACKAGES:
        return False
    if module in JUDGES_AMONG_THEM:
        return True
    return not any(module == allowed or module.startswith(allowed + ".") and allowed != "probes"
                   for allowed in NOT_JUDGES)


def module_path(module: str) -> Path | None:
    base = PACKAGE_ROOT.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def module_name(path: Path) -> str:
    """The dotted name of a file of this package; a file elsewhere (a user's control) goes by its stem."""
    path = Path(path).resolve()
    if not path.is_relative_to(PACKAGE_ROOT):
        return path.stem
    relative = path.relative_to(PACKAGE_ROOT).with_suffix("")
    parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
    return ".".join(parts)


@lru_cache(maxsize=None)
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def imported_modules(path: Path) -> set[str]:
    """The modules of this package that a source file imports (`from a.b import c` counts a.b, and a.b.c when
    that is a module)."""
    found = set()
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names
                         if module_path(f"{node.module}.{alias.name}"))
    return {m for m in found if m.split(".")[0] in JUDGE_PACKAGES and module_path(m)}


def import_chain(path: Path) -> dict[str, list[str]]:
    """Every module of this package reached from `path` through imports of non-judge modules, with the chain that
    reaches it. A judge ends its chain: what the judge imports is its own business."""
    start = module_name(path)
    chains, frontier = {start: [start]}, [path]
    while frontier:
        current = frontier.pop()
        for module in sorted(imported_modules(current)):
            if module in chains:
                continue
            chains[module] = [*chains[module_name(current)], module]
            if not is_judge(module):
                frontier.append(module_path(module))
    del chains[start]
    return chains


def _shape(function: ast.FunctionDef) -> str:
    """A function's body with every name erased: two functions with the same shape are copies."""
    body = ast.Module(body=function.body, type_ignores=[])
    dumped = ast.dump(body, annotate_fields=False)
    for node in ast.walk(body):
        for name in (getattr(node, "id", None), getattr(node, "arg", None), getattr(node, "attr", None)):
            if name:
                dumped = dumped.replace(repr(name), "_")
    return dumped


def _functions(path: Path) -> dict[str, str]:
    return {f"{module_name(path)}.{node.name}": _shape(node) for node in ast.walk(_tree(path))
            if isinstance(node, ast.FunctionDef) and len(node.body) >= 2}  # one-liners are not worth a claim


def _numbers(node: ast.AST):
    """The number or tuple of numbers a literal holds, else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        value = _numbers(node.operand)
        return -value if isinstance(value, float) else None
    if isinstance(node, ast.Tuple) and len(node.elts) >= 2:
        values = tuple(_numbers(e) for e in node.elts)
        return values if all(isinstance(v, float) for v in values) else None
    return None


def _distinctive(value) -> bool:
    if isinstance(value, tuple):
        return True
    if not isinstance(value, float) or value in ROUND_NUMBERS or value == int(value):
        return False  # whole numbers (16 directions, 120 degrees) are anyone's
    return len(f"{abs(value):g}".replace(".", "").strip("0")) >= 2  # 0.3 and 120 are anyone's; 0.14 is a choice


def distinctive_constants(path: Path) -> dict[object, str]:
    """{value: name} of the top-level constants of a module that someone else would not write by chance."""
    constants = {}
    for node in _tree(path).body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            value = _numbers(node.value)
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            if names and _distinctive(value):
                constants[value] = f"{module_name(path)}.{names[0]}"
    return constants


def _literals(path: Path) -> set:
    return {value for node in ast.walk(_tree(path)) if (value := _numbers(node)) is not None}


def judge_files() -> list[Path]:
    files = [p for package in JUDGE_PACKAGES for p in (PACKAGE_ROOT / package).rglob("*.py")]
    return sorted(p for p in files if is_judge(module_name(p)))


def violations(path: Path, judges: list[Path] | None = None) -> list[str]:
    """Why the control in `path` is not independent of the judges (every judge module by default)."""
    path = Path(path).resolve()
    judges = judge_files() if judges is None else judges
    problems = [f"imports judge {module} (through {' -> '.join(chain)})"
                for module, chain in import_chain(path).items() if is_judge(module)]
    own_functions, own_literals = _functions(path), _literals(path)
    for judge in judges:
        shapes = {shape: name for name, shape in _functions(judge).items()}
        problems += [f"{name} copies {shapes[shape]}" for name, shape in own_functions.items() if shape in shapes]
        problems += [f"writes out {name} = {value}" for value, name in distinctive_constants(judge).items()
                     if value in own_literals]
    return problems


def control_files() -> list[Path]:
    return sorted(p for p in (PACKAGE_ROOT / "probes" / "constructed").glob("*.py") if p.name != "independence.py")


def main() -> int:
    failed = False
    for path in control_files():
        for problem in violations(path):
            failed = True
            print(f"{path.relative_to(PACKAGE_ROOT)}: {problem}")
    if not failed:
        print("every constructed network is independent of its judges")
    return int(failed)


if __name__ == "__main__":
    sys.exit(main())
