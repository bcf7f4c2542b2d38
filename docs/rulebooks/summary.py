"""Per rulebook (docs/rulebooks/NNN.md): how many of the seed's checkable rules are
listed, supported, partly supported and not supported, counted from the rule tables
(rows whose first cell is a rule id such as `000-07`).

    python docs/rulebooks/summary.py           # one line per rulebook, then the total
    python docs/rulebooks/summary.py --check   # also exit 1 if a doc's own summary line
                                               # disagrees with its table

Plain standard library, no Django: the closing note quotes its output, and
tests/test_rulebook_docs.py uses the same reader."""

import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
STATUSES = ("supported", "partly", "not supported")
RULE_ID = re.compile(r"^(\d{3})-\d{2,3}$")
SUMMARY = re.compile(
    r"^Rules listed: (\d+) · supported: (\d+) · partly: (\d+) · not supported: (\d+)$",
    re.MULTILINE,
)
# id | seed's words | rule | status | enforced in | preset | test
COLUMNS = ("id", "seed", "rule", "status", "enforced", "preset", "test")


def docs() -> list[Path]:
    return sorted(p for p in HERE.glob("*.md") if re.fullmatch(r"\d{3}\.md", p.name))


def cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def status_of(cell: str) -> str:
    """`supported`, `partly — why` or `not supported — why` → the keyword."""
    keyword = cell.split(" — ", 1)[0].strip()
    if keyword not in STATUSES:
        raise ValueError(f"unknown status {cell!r}")
    return keyword


def rules(path: Path) -> list[dict]:
    """Every rule row of the doc, as {column: text, "status": keyword, "line": n}."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.startswith("|"):
            continue
        row = cells(line)
        if not RULE_ID.match(row[0]):
            if re.match(r"^\d{3}-", row[0]):
                raise ValueError(f"{path.name}:{number}: bad rule id {row[0]!r}")
            continue
        if len(row) != len(COLUMNS):
            raise ValueError(f"{path.name}:{number}: {len(row)} cells, want {len(COLUMNS)}")
        record = dict(zip(COLUMNS, row, strict=True))
        record["status_text"] = record["status"]
        record["status"] = status_of(record["status"])
        record["line"] = number
        rows.append(record)
    return rows


def counts(rows: list[dict]) -> tuple[int, int, int, int]:
    return (len(rows), *(sum(r["status"] == s for r in rows) for s in STATUSES))


def stated(path: Path) -> tuple[int, int, int, int] | None:
    """The counts the doc's summary line states (None without one)."""
    match = SUMMARY.search(path.read_text(encoding="utf-8"))
    return tuple(int(n) for n in match.groups()) if match else None


def line_for(numbers) -> str:
    listed, supported, partly, unsupported = numbers
    return (
        f"Rules listed: {listed} · supported: {supported} · partly: {partly}"
        f" · not supported: {unsupported}"
    )


def main(argv: list[str]) -> int:
    check = "--check" in argv
    total = [0, 0, 0, 0]
    wrong = []
    for path in docs():
        numbers = counts(rules(path))
        total = [a + b for a, b in zip(total, numbers, strict=True)]
        sys.stdout.write(f"{path.stem}: {line_for(numbers)}\n")
        if check and stated(path) != numbers:
            wrong.append(f"{path.name} states {stated(path)}, its table gives {numbers}")
    sys.stdout.write(f"all: {line_for(total)}\n")
    for message in wrong:
        sys.stderr.write(message + "\n")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
