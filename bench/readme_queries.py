"""The README's example queries, as analysts copy them: the benchmark times them on the published
file and the tests run them there (tests/test_readme_queries.py, tests/test_analyst_clients.py)."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_queries() -> list[str]:
    block = re.search(r"Example queries.*?```sql\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    assert block, "the README lost its example queries"
    return [q.strip() for q in block.group(1).split(";") if q.strip()]
