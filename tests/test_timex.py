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


@pytest.mark.parametrize("expression, article_date", [
    ("on 31 February 2025", "2025-03-01"),  # no such day
    ("on February 30, 2024", "2025-03-01"),
    ("yesterday", "0001-01-01"),  # the day before the first representable date
    ("on Thursday", "0001-01-01"),
    ("last week", "0001-01-01"),
    ("last month", "0001-01-01"),
    ("in December", "0001-01-01"),  # the year before year 1
])
def test_a_time_that_names_no_real_day_is_not_resolved(expression, article_date):
    assert resolve_time(expression, article_date) is None


@pytest.mark.parametrize("expression, article_date, expected", [
    ("today", "9999-12-31", ("9999-12-31", "date")),
    ("on Monday", "0001-01-08", ("0001-01-08", "date")),
])
def test_times_at_the_ends_of_the_calendar_resolve(expression, article_date, expected):
    assert resolve_time(expression, article_date) == expected
