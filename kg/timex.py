"""Resolve the time a sentence states (`on Thursday`, `last week`, `in early February`) against the article date."""
from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}


def resolve_time(expression: str, article_date: str | None) -> tuple[str, str] | None:
    """Return (value, xsd type) for a time expression: ('2025-07-10', 'date') or ('2025-02', 'gYearMonth').

    Days of the week and yesterday/today resolve to the last such day on or
    before the article date; `last week` to the Monday of the week before; a
    month name to that month of the article's year, or the year before when the
    month lies after the article's month. Returns None when the expression or
    the article date gives nothing to resolve, or names no real day (`31
    February`, the day before 0001-01-01): the caller keeps the words alone.

    >>> resolve_time("on Thursday", "2025-07-11")
    ('2025-07-10', 'date')
    >>> resolve_time("in early February", "2025-07-11")
    ('2025-02', 'gYearMonth')
    """
    if not article_date:
        return None
    try:
        today = date.fromisoformat(article_date[:10])
        return _resolve(expression, today)
    except (ValueError, OverflowError):  # an impossible day, or date arithmetic past year 1 or 9999
        return None


def _resolve(expression: str, today: date) -> tuple[str, str] | None:
    words = re.findall(r"[a-z]+|\d+", expression.lower())
    full = re.search(r"\b(\d{1,2})\s+([a-z]+)\s+(\d{4})\b|\b([a-z]+)\s+(\d{1,2}),?\s+(\d{4})\b", expression.lower())
    if full:
        day, month, year = (full.group(1), full.group(2), full.group(3)) if full.group(1) else (
            full.group(5), full.group(4), full.group(6))
        if month in MONTHS:
            return date(int(year), MONTHS[month], int(day)).isoformat(), "date"
    if "today" in words:
        return today.isoformat(), "date"
    if "yesterday" in words:
        return (today - timedelta(days=1)).isoformat(), "date"
    for word in words:
        if word in WEEKDAYS:
            back = (today.weekday() - WEEKDAYS[word]) % 7
            if "last" in words and back == 0:
                back = 7
            return (today - timedelta(days=back)).isoformat(), "date"
    if "week" in words and "last" in words:
        monday = today - timedelta(days=today.weekday() + 7)
        return monday.isoformat(), "date"
    for word in words:
        if word in MONTHS:
            month = MONTHS[word]
            year = today.year if month <= today.month else today.year - 1
            years = [int(w) for w in words if re.fullmatch(r"\d{4}", w)]
            year = years[0] if years else year
            return (f"{year:04d}-{month:02d}", "gYearMonth") if year >= 1 else None
    if "month" in words and "last" in words:
        first = today.replace(day=1) - timedelta(days=1)
        return f"{first.year:04d}-{first.month:02d}", "gYearMonth"
    return None
