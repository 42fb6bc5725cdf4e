"""The layers stay visible: imports point down only, the core knows no terminal, no cycles."""

from __future__ import annotations

import ast

from .conftest import ROOT

PACKAGE = ROOT / "thidua_cli"
# Each layer may import itself and the layers listed (and the shared leaves).
LEAVES = {"problems", "codes", "numfmt", "files", "__init__"}
ALLOWED: dict[str, set[str]] = {
    "read": set(),
    "checks": {"read"},
    "compute": {"read"},
    "guard": {"read", "checks", "compute"},
    "workspace": {"read", "checks", "compute", "guard"},
    "audit": {"read", "checks", "compute", "guard", "workspace"},
    "present": {"read", "compute", "audit", "workspace"},
    "formats": {"read", "compute", "audit", "present", "workspace"},
    "cli": {"read", "checks", "compute", "guard", "workspace", "audit", "present", "formats"},
}
CORE = ("read", "checks", "compute", "guard", "workspace", "audit", "present")
TERMINAL = ("typer", "rich", "click")


def _layer(module: str) -> str:
    """thidua_cli.read.models -> read; thidua_cli.numfmt -> numfmt."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports() -> dict[str, set[str]]:
    """Module name -> every module it imports (top level and inside functions)."""
    out: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        name = ".".join(rel.parts)
        if name.endswith(".__init__"):
            name = name.removesuffix(".__init__")
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                if node.level:
                    base = name.split(".")[: -node.level]
                    found.add(".".join([*base, node.module]))
                else:
                    found.add(node.module)
                    found.update(f"{node.module}.{a.name}" for a in node.names)
        out[name] = found
    return out


MODULES = _imports()


def test_imports_point_down_only() -> None:
    wrong = []
    for module, imported in MODULES.items():
        layer = _layer(module)
        if layer in LEAVES or layer == "__main__":
            continue
        allowed = ALLOWED[layer] | LEAVES | {layer}
        for target in imported:
            if target.startswith("thidua_cli.") and target not in MODULES:
                continue  # `from thidua_cli.read import models` also lists the name
            if target.startswith("thidua_cli.") and _layer(target) not in allowed:
                wrong.append(f"{module} imports {target}")
    assert wrong == []


def test_leaves_import_nothing_of_the_package_but_leaves() -> None:
    for module, imported in MODULES.items():
        if _layer(module) in LEAVES and module != "thidua_cli":
            targets = {_layer(t) for t in imported if t.startswith("thidua_cli.") and t in MODULES}
            assert targets <= LEAVES, module


def test_the_core_knows_no_terminal() -> None:
    for module, imported in MODULES.items():
        if _layer(module) in CORE:
            assert not [t for t in imported if t.split(".")[0] in TERMINAL], module


def test_compute_knows_no_presentation() -> None:
    for module, imported in MODULES.items():
        if _layer(module) == "compute":
            assert not [t for t in imported if _layer(t) in ("present", "formats")], module


def test_no_import_cycles() -> None:
    graph = {m: {t for t in imported if t in MODULES and t != m} for m, imported in MODULES.items()}
    # a package's __init__ that re-exports its modules is not a cycle of the layering
    graph = {m: {t for t in ts if not m.startswith(t + ".")} for m, ts in graph.items()}
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(node: str, path: list[str]) -> bool:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle.extend([*path, node, nxt])
                return True
            if state.get(nxt) is None and visit(nxt, [*path, node]):
                return True
        state[node] = 2
        return False

    for module in sorted(graph):
        if state.get(module) is None and visit(module, []):
            break
    assert cycle == []


def test_layers_cover_every_package() -> None:
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    modules = {p.stem for p in PACKAGE.glob("*.py")} - LEAVES - {"__main__"}
    assert packages | modules <= set(ALLOWED)
