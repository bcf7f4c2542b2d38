"""The rulebook docs (docs/rulebooks/NNN.md) stay true: every "enforced in" name
imports, every named test exists, the summary line counts the table, and the pinned
preset values (posts, appraisal policy, cycle timings, grade bands, review chain,
complaint routing and SLA hours) equal the preset tables in code — not the database,
so a doc and a preset can only change together.

The preset weights per position and the composite sub-measures are pinned by
apps/kpis/tests/test_presets_positions.py, which installs them and parses the same docs."""

import ast
import importlib
import importlib.util
import re
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings

from apps.complaints import presets as complaint_presets
from apps.content import presets as content_presets
from apps.kpis import presets as kpi_presets
from apps.kpis.models import AppraisalPolicy
from apps.kpis.policies import DEFAULT_BANDS
from apps.kpis.schedule import DEFAULT_TIMINGS
from apps.org import presets as org_presets

BASE = Path(settings.BASE_DIR)
DOCS = BASE / "docs" / "rulebooks"
RULEBOOKS = ["000", "001", "002", "003", "004"]
TICKED = re.compile(r"`([^`]+)`")
TEST_REF = re.compile(r"^(apps/[\w/]+\.py|tests/[\w/]+\.py)::(\w+)(\[.*\])?$")
POLICY_FIELDS = (
    "monthly",
    "quarterly",
    "annual",
    "annual_rule",
    "appeal_route",
    "appeal_working_days",
    "excellent_grades",
    "excellence_streak",
    "below_standard_grades",
)


def _load_summary():
    spec = importlib.util.spec_from_file_location("rulebook_summary", DOCS / "summary.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


summary = _load_summary()


def _doc(rulebook) -> Path:
    return DOCS / f"{rulebook}.md"


def _pins(rulebook, kind) -> list[list[str]]:
    """Rows of the doc's pin tables whose first cell is `kind` (without it)."""
    rows = []
    for line in _doc(rulebook).read_text(encoding="utf-8").splitlines():
        cells = summary.cells(line)
        if line.startswith("|") and cells[0] == kind:
            rows.append(cells[1:])
    return rows


def _text(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "—"
    return str(value)


def resolve(dotted: str):
    """Import the longest module prefix of `dotted`, then getattr the rest."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        module_name = ".".join(parts[:cut])
        try:
            obj = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            # Only "this prefix is no module" moves on; a broken import inside fails.
            if error.name and module_name.startswith(error.name):
                continue
            raise
        for attribute in parts[cut:]:
            obj = getattr(obj, attribute)
        return obj
    raise ModuleNotFoundError(dotted)


@cache
def _functions_in(path: str) -> frozenset:
    tree = ast.parse((BASE / path).read_text(encoding="utf-8"))
    return frozenset(
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    )


def test_there_is_a_doc_per_seed_and_nothing_else():
    assert [p.stem for p in summary.docs()] == RULEBOOKS


@pytest.mark.parametrize("rulebook", RULEBOOKS)
def test_rule_rows_are_well_formed(rulebook):
    rows = summary.rules(_doc(rulebook))

    assert len(rows) >= 15, "a seed has more checkable rules than that"
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), "rule ids are unique"
    for row in rows:
        where = f"{rulebook}.md:{row['line']} ({row['id']})"
        assert row["id"].startswith(f"{rulebook}-"), where
        assert row["seed"] and row["rule"], f"{where}: the seed's words and the rule"
        assert re.search(r"[\u4e00-\u9fff]", row["seed"]), f"{where}: quote the seed"
        if row["status"] == "supported":
            assert TICKED.search(row["enforced"]), f"{where}: where is it enforced?"
            assert TICKED.search(row["test"]), f"{where}: which test proves it?"
        elif row["status"] == "partly":
            assert " — " in row["status_text"], f"{where}: say what is missing"
            assert TICKED.search(row["enforced"]), f"{where}: where is the part enforced?"
            assert TICKED.search(row["test"]), f"{where}: which test proves the part?"
        else:
            assert " — " in row["status_text"], f"{where}: say why not"


@pytest.mark.parametrize("rulebook", RULEBOOKS)
def test_every_enforced_in_name_imports_and_resolves(rulebook):
    for row in summary.rules(_doc(rulebook)):
        where = f"{rulebook}.md:{row['line']} ({row['id']})"
        for name in TICKED.findall(row["enforced"]):
            assert re.fullmatch(r"apps(\.\w+)+", name), f"{where}: `{name}` is no dotted path"
            try:
                resolve(name)
            except (ImportError, AttributeError) as error:
                pytest.fail(f"{where}: `{name}` does not resolve: {error}")
        # Names in the preset column are checked too where they are code.
        for name in TICKED.findall(row["preset"]):
            if re.fullmatch(r"apps(\.\w+)+", name):
                resolve(name)


@pytest.mark.parametrize("rulebook", RULEBOOKS)
def test_every_named_test_exists(rulebook):
    for row in summary.rules(_doc(rulebook)):
        where = f"{rulebook}.md:{row['line']} ({row['id']})"
        for ref in TICKED.findall(row["test"]):
            match = TEST_REF.match(ref)
            assert match, f"{where}: `{ref}` is not path::test_name"
            path, name = match.group(1), match.group(2)
            assert (BASE / path).is_file(), f"{where}: no file {path}"
            assert name.startswith("test_"), f"{where}: {name} is no test"
            assert name in _functions_in(path), f"{where}: no {name} in {path}"


@pytest.mark.parametrize("rulebook", RULEBOOKS)
def test_the_summary_line_counts_the_table(rulebook):
    counted = summary.counts(summary.rules(_doc(rulebook)))

    assert summary.stated(_doc(rulebook)) == counted, summary.line_for(counted)


def test_the_summary_script_prints_every_rulebook_and_checks(capsys):
    assert summary.main(["--check"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in out] == [*RULEBOOKS, "all"]
    for rulebook, line in zip(RULEBOOKS, out, strict=False):
        assert line == f"{rulebook}: " + summary.line_for(summary.stated(_doc(rulebook)))


def test_a_bad_status_or_rule_id_is_refused(tmp_path):
    doc = tmp_path / "009.md"
    doc.write_text("| 009-01 | 字 | r | done | `apps.kpis` | — | — |\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown status"):
        summary.rules(doc)
    doc.write_text("| 009-01x | 字 | r | supported | `apps.kpis` | — | — |\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad rule id"):
        summary.rules(doc)


def test_resolve_finds_module_attributes_and_refuses_what_is_not_there():
    assert resolve("apps.kpis.presets.TIMINGS") is kpi_presets.TIMINGS
    assert resolve("apps.kpis.services.appeal_rule").__name__ == "appeal_rule"
    with pytest.raises(AttributeError):
        resolve("apps.kpis.services.appeal_rules")
    with pytest.raises((ImportError, AttributeError)):
        resolve("apps.kpis.no_such_module.thing")


# --- pinned preset values -------------------------------------------------------------


@pytest.mark.parametrize("rulebook", RULEBOOKS)
def test_pinned_posts_are_the_org_presets(rulebook):
    expected = [
        [code, ", ".join(posts)]
        for code, _n, _e, _k, _p, _partner, book, posts, _o in org_presets.DEPARTMENTS
        if book == rulebook
    ]
    assert _pins(rulebook, "post") == expected


def _preset_policy(rulebook) -> dict:
    (policy,) = [p for _d, book, p, _t in kpi_presets.DEPARTMENTS if book == rulebook]
    return policy


@pytest.mark.parametrize("rulebook", RULEBOOKS)
def test_pinned_policy_is_the_preset_then_the_models_defaults(rulebook):
    preset = _preset_policy(rulebook)
    expected = {}
    for name in POLICY_FIELDS:
        if name in preset:
            expected[name] = [_text(preset[name]), "preset"]
        else:
            default = AppraisalPolicy._meta.get_field(name).default
            expected[name] = [_text(default), "product default"]
    documented = {row[0]: row[1:] for row in _pins(rulebook, "policy")}

    assert documented == expected


@pytest.mark.parametrize("rulebook", RULEBOOKS)
def test_pinned_timings_are_the_presets_or_the_default(rulebook):
    preset = _preset_policy(rulebook)
    applies = {
        kind: preset.get(kind, AppraisalPolicy._meta.get_field(kind).default)
        for kind in ("monthly", "quarterly", "annual")
    }
    expected = []
    for kind in ("monthly", "quarterly", "annual"):
        if not applies[kind]:
            continue
        own = kpi_presets.TIMINGS.get(rulebook, {}).get(kind)
        values = (
            own if own else [getattr(DEFAULT_TIMINGS[kind], f) for f in kpi_presets.TIMING_FIELDS]
        )
        expected.append([kind, *map(_text, values), "preset" if own else "product default"])

    assert _pins(rulebook, "timing") == expected


@pytest.mark.parametrize("rulebook", RULEBOOKS)
def test_pinned_grade_bands_and_guide_are_the_defaults(rulebook):
    bands = [[g, str(m), str(c), "product default"] for g, m, c in DEFAULT_BANDS]
    guide = [[g, str(p), "product default"] for g, p in kpi_presets.GUIDE.items()]

    assert _pins(rulebook, "band") == bands
    assert _pins(rulebook, "guide") == guide
    assert sum(Decimal(row[1]) for row in _pins(rulebook, "guide")) == 100


@pytest.mark.parametrize("rulebook", RULEBOOKS)
def test_pinned_review_chain_is_the_content_preset(rulebook):
    chain = content_presets.chain_preset(SimpleNamespace(rulebook=rulebook))
    expected = [
        [
            str(order),
            name,
            kind,
            ", ".join(positions) or "—",
            _text(managerial),
            ", ".join(str(c) for c in checks),
            str(days),
        ]
        for order, (name, _en, kind, positions, managerial, checks, days) in enumerate(
            chain, start=1
        )
    ]
    assert _pins(rulebook, "chain") == expected


def test_the_003_chain_is_self_check_then_the_specialist():
    steps = [(row[2], row[3]) for row in _pins("003", "chain")]

    assert steps == [("self_check", "—"), ("designer_check", "—"), ("review", "ops_specialist")]


@pytest.mark.parametrize("rulebook", RULEBOOKS)
def test_pinned_complaint_routing_and_sla_hours_are_the_presets(rulebook):
    categories = [
        [code, severity]
        for code, _n, _e, severity, book in complaint_presets.CATEGORIES
        if book == rulebook
    ]
    position = complaint_presets.HANDLER_POSITIONS.get(rulebook)
    sla = [[s, str(a), str(r), "product default"] for s, a, r in complaint_presets.SLA]

    assert _pins(rulebook, "category") == categories
    assert _pins(rulebook, "handler") == ([[position]] if position else [])
    assert _pins(rulebook, "sla") == (sla if position else [])
