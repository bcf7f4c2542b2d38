"""Layers of apps.kpis point one way: no import cycle among its modules (imports inside
functions count too: a lazy import only hides a cycle), selectors do not reach into the
batch jobs, and the sheet export does not reach into the Celery tasks."""

import ast
from pathlib import Path

import pytest

KPIS = Path(__file__).resolve().parents[1]
PACKAGE = "apps.kpis"


def _modules() -> dict[str, Path]:
    """{dotted name: path} of every kpis module outside tests and migrations."""
    modules = {}
    for path in KPIS.rglob("*.py"):
        parts = path.relative_to(KPIS).with_suffix("").parts
        if parts[0] in ("tests", "migrations"):
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join((PACKAGE, *parts))] = path
    return modules


def _targets(node: ast.ImportFrom, module: str, path: Path, modules) -> set[str]:
    """The kpis modules one `from … import …` statement loads."""
    if node.level:
        base = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        source = ".".join(base + ([node.module] if node.module else []))
    else:
        source = node.module or ""
    found = set()
    for alias in node.names:
        submodule = f"{source}.{alias.name}"
        found.add(submodule if submodule in modules else source)
    return found


def import_graph() -> dict[str, set[str]]:
    """{module: kpis modules it imports}, at any depth of the module's code."""
    modules = _modules()
    graph = {}
    for module, path in modules.items():
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                edges |= _targets(node, module, path, modules)
            elif isinstance(node, ast.Import):
                edges |= {alias.name for alias in node.names}
        graph[module] = {target for target in edges if target in modules and target != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_cycle_through_three_modules():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_top_level_function_level_and_package_imports():
    graph = import_graph()
    assert "apps.kpis.jobs" in graph["apps.kpis.tasks"]  # top level
    assert "apps.kpis.export" in graph["apps.kpis.tasks"]  # inside a task function
    assert "apps.kpis.services" in graph["apps.kpis.presets"]  # inside a function
    assert "apps.kpis.services.common" in graph["apps.kpis.services.appeal_flow"]
    assert "apps.kpis.appeals" in graph["apps.kpis.services.appeal_flow"]  # from .. import


def test_no_import_cycle_among_kpis_modules():
    assert cycles(import_graph()) == []


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [("apps.kpis.selectors", "apps.kpis.jobs"), ("apps.kpis.export", "apps.kpis.tasks")],
)
def test_reads_and_exports_stay_below_jobs_and_tasks(module, forbidden):
    assert forbidden not in import_graph()[module]
