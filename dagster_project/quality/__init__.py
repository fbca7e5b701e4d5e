"""Quality gates: the Great Expectations suites in `expectations/` and the small runner around them.

Blocking expectations stop a publish; flagging ones only report figures for review.
"""

from pathlib import Path

from dagster_project.settings import PROJECT_ROOT

EXPECTATIONS_DIR: Path = PROJECT_ROOT / "expectations"
