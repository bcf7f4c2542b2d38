"""The rule of issue 11: no page view catches ApplicationError by hand; they go through
apps.core.actions so every refusal gets the same answer."""

import ast
from pathlib import Path

APPS = Path(__file__).resolve().parents[2]
# apps.core.errors (and the import refusal built on them): what services raise and
# core.actions answers.
DOMAIN_ERRORS = {
    "ApplicationError",
    "PermissionDenied",
    "NotFound",
    "ConflictError",
    "ImportRejected",
    "RateLimited",
}


def _catches_application_error(handler: ast.ExceptHandler) -> bool:
    names = []
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    for kind in kinds:
        if isinstance(kind, ast.Name):
            names.append(kind.id)
        elif isinstance(kind, ast.Attribute):
            names.append(kind.attr)
    return bool(DOMAIN_ERRORS & set(names))


def _offenders(source: str) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ExceptHandler) and node.type and _catches_application_error(node)
    ]


def test_the_check_finds_hand_written_handlers():
    source = """
try:
    run()
except errors.ConflictError as error:
    pass
except (ValueError, ApplicationError):
    pass
except ValueError:
    pass
"""
    assert _offenders(source) == [4, 6]


def test_no_view_module_catches_application_error_by_hand():
    view_modules = sorted(APPS.glob("*/*views*.py"))
    assert len(view_modules) >= 10  # every app's views.py and the kpis/core page modules
    offenders = [
        f"{path.relative_to(APPS.parent)}:{line}"
        for path in view_modules
        for line in _offenders(path.read_text())
    ]
    assert offenders == [], "use apps.core.actions instead of try/except ApplicationError"
