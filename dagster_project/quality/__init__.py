"""Quality: the Great Expectations suites of `expectations/` (gx_runner.py runs them, resource.py is the
Dagster resource) and the review loop that accepts flagged figures (reviews.py).

Blocking expectations stop a publish; flagging ones only report figures for review.
"""
