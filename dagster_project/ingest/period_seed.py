"""Write the dbt seed `ref_periods.csv` from the one definition of the calendar, `parsing/periods.py`.

    python -m dagster_project.ingest.period_seed           # rewrite dbt/seeds/ref_periods.csv
    python -m dagster_project.ingest.period_seed --check   # exit 1 if the committed seed differs

The parsers accept exactly the periods this calendar holds, and dbt's `dim_period` is the seed, so the
two cannot disagree; `tests/parsing/test_period_seed.py` fails when the committed seed is stale.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

from dagster_project import settings
from dagster_project.ingest.parsing.periods import CALENDAR_COLUMNS, calendar

SEED_PATH = settings.DBT_PROJECT_DIR / "seeds" / "ref_periods.csv"


def seed_text() -> str:
    """The seed's content: a header, then one line per period, dates ISO, empty where no coarser period."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CALENDAR_COLUMNS)
    for row in calendar():
        writer.writerow(["" if row[c] is None else str(row[c]) for c in CALENDAR_COLUMNS])
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 if the seed differs")
    parser.add_argument("--out", type=Path, default=SEED_PATH, help=f"seed file (default {SEED_PATH.name})")
    args = parser.parse_args(argv)
    text = seed_text()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} differs from the calendar in parsing/periods.py: regenerate it", file=sys.stderr)
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}: {text.count(chr(10)) - 1} periods")
    return 0


if __name__ == "__main__":
    sys.exit(main())
