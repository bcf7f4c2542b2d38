"""Layers point one way: core is the floor every app stands on, so no module of core
imports a domain app — not at the top, not inside a function. What core needs from them
(files, permissions, home panels, menus) the apps register into core's registries."""

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[1]
DOMAIN_APPS = ("org", "content", "campaigns", "complaints", "kpis", "training", "work")
FORBIDDEN = tuple(f"apps.{app}" for app in DOMAIN_APPS)


def is_domain(name: str) -> bool:
    return name in FORBIDDEN or name.startswith(tuple(f"{app}." for app in FORBIDDEN))


def core_modules() -> list[Path]:
    """Every module of core except its tests (and the demo loader, whose job is to call
    each app's demo: it is a command run by hand, not a layer)."""
    skipped = {CORE / "management" / "commands" / "load_demo.py"}
    return sorted(
        path
        for path in CORE.rglob("*.py")
        if "tests" not in path.relative_to(CORE).parts and path not in skipped
    )


def imported_names(tree: ast.AST) -> list[tuple[int, str]]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append((node.lineno, node.module))
            # `from apps import org` names the app in the alias
            if node.module == "apps":
                names += [(node.lineno, f"apps.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "import_module":
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.append((node.lineno, first.value))
    return names


def test_the_scan_sees_core_and_finds_a_forbidden_import():
    # the guard can fail: it finds core's modules and flags an import inside a function
    assert CORE / "files.py" in core_modules()
    assert not is_domain("apps.core.models") and not is_domain("apps.organisation")
    tree = ast.parse("def f():\n    from apps.org.models import Department\n")
    assert any(is_domain(name) for _, name in imported_names(tree))
    tree = ast.parse("import importlib\nimportlib.import_module('apps.kpis.models')\n")
    assert any(is_domain(name) for _, name in imported_names(tree))


@pytest.mark.parametrize("path", core_modules(), ids=lambda p: str(p.relative_to(CORE)))
def test_core_imports_no_domain_app(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    offending = [f"line {line}: {name}" for line, name in imported_names(tree) if is_domain(name)]
    assert offending == [], f"{path.name} imports a domain app: {offending}"
