"""KPI metric sources come from the apps that own the data: kpis keeps the registry and
reads none of their models; each source is registered by the app its code names."""

import ast
import inspect
from pathlib import Path

from apps.kpis import sources

KPIS = Path(sources.__file__).resolve().parent
OTHER_DATA_APPS = ("apps.content", "apps.campaigns", "apps.complaints", "apps.training")


def test_the_registry_module_imports_no_other_apps_data():
    tree = ast.parse((KPIS / "sources.py").read_text(encoding="utf-8"))
    imported = [
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
    ] + [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ]
    assert not [name for name in imported if name.startswith(OTHER_DATA_APPS)]


def test_each_source_is_registered_by_the_app_its_code_names():
    codes = [code for code, _ in sources.choices()]
    # every source the indicators used before the move is still offered
    assert set(codes) >= {
        "content.items_published",
        "content.reads",
        "content.followers_gained",
        "content.shares",
        "content.likes",
        "content.comments",
        "kpis.attendance",
        "campaigns.participants",
        "campaigns.targets_met_pct",
        "complaints.accepted_in_sla_pct",
        "complaints.satisfaction",
        "complaints.department_sla_pct",
    }
    for code in codes:
        app = code.split(".")[0]
        module = inspect.getmodule(sources.get(code).batch).__name__
        assert module.startswith(f"apps.{app}."), (code, module)
