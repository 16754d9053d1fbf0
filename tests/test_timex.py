import pytest

from kg.timex import resolve_time


@pytest.mark.parametrize("expression, article_date, expected", [
    ("on Thursday", "2025-07-11", ("2025-07-10", "date")),
    ("on Friday", "2025-07-11", ("2025-07-11", "date")),
    ("last Friday", "2025-07-11", ("2025-07-04", "date")),
    ("yesterday", "2025-07-11", ("2025-07-10", "date")),
    ("last week", "2025-07-11", ("2025-06-30", "date")),
    ("in early February", "2025-07-11", ("2025-02", "gYearMonth")),
    ("in November", "2025-07-11", ("2024-11", "gYearMonth")),
    ("on 12 February 2025", None, None),
    ("on 12 February 2025", "2025-07-11", ("2025-02-12", "date")),
    ("the fourth year", "2025-07-11", None),
])
def test_resolve_time(expression, article_date, expected):
    assert resolve_time(expression, article_date) == expected
