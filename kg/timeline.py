"""The timeline chart: claims and supply events per ISO week, by speaker and by supplier.

`timeline(facts)` counts over the build's facts (kg.analyze.GraphFacts, the
same the report and the page read): a claim's date is its article's, a supply
event's is the day its text states (kg:whenDate), else its article's. Weeks
start on Monday (ISO 8601). The TOP speakers and suppliers by count get a
series each and the rest share one `others` series; undated events are left
out and counted, so the caption can say how many.

`draw(chart)` returns the chart as PNG bytes: two stacked panels drawn with
matplotlib, which is imported here only, so `kg --help` never loads it.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.analyze import GraphFacts

MAX_WEEKS = 520  # ten years: a stray date (year 1, year 9999) must not stretch the chart over millennia
TOP = 6  # series per panel before `others`: more colours than this are hard to tell apart
OTHERS = "others"
NOT_NAMED = "(supplier not named)"
# Okabe–Ito, as the page (kg.render.STYLE): distinguishable with the common colour-vision deficiencies.
COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7")
OTHERS_COLOUR = "#999999"


@dataclass(frozen=True)
class Panel:
    """One panel: counts per week of each series, the biggest first and `others` last."""

    series: dict[str, tuple[int, ...]]  # label -> count in each week of Timeline.weeks
    undated: int = 0  # events with no usable date, left out
    outside: int = 0  # dated events outside the weeks drawn (see MAX_WEEKS), left out

    @property
    def total(self) -> int:
        return sum(sum(counts) for counts in self.series.values())


@dataclass(frozen=True)
class Timeline:
    """Claims per week by speaker and supply events per week by supplier, over the same weeks."""

    weeks: tuple[date, ...]  # every Monday from the first dated event's week to the last one's
    claims: Panel
    supplies: Panel

    @property
    def empty(self) -> bool:
        return not self.weeks

    @property
    def drawable(self) -> bool:
        """True when the dated events span two weeks or more: one week is a single bar, not a timeline (and
        leaving it out spares a small build matplotlib's import and drawing, about half a second)."""
        return len(self.weeks) >= 2

    def caption(self) -> str:
        """Return one line saying what the chart shows and what it leaves out."""
        if self.empty:
            return (f"No claim or supply event has a date ({self.claims.undated} claims, {self.supplies.undated} "
                    f"supply events undated), so no timeline is drawn.")
        if not self.drawable:
            return (f"All dated events ({self.claims.total} claims, {self.supplies.total} supply events) fall in "
                    f"the week of Monday {self.weeks[0].isoformat()}, so no timeline is drawn; undated: "
                    f"{self.claims.undated} claims, {self.supplies.undated} supply events.")
        span = f"{self.weeks[0].isoformat()} to {self.weeks[-1].isoformat()}"
        return (f"Claims ({self.claims.total}) per week by speaker and supply events ({self.supplies.total}) per "
                f"week by supplier, top {TOP} each and the rest as {OTHERS}, weeks from Monday {span}; left out "
                f"undated: {self.claims.undated} claims, {self.supplies.undated} supply events"
                + (f"; dated outside these {MAX_WEEKS} weeks: {self.claims.outside} claims, "
                   f"{self.supplies.outside} supply events" if self.claims.outside + self.supplies.outside else "")
                + ".")


def week_of(text: str) -> date | None:
    """Return the Monday of the ISO week of a date written `YYYY-MM-DD` (a datetime's date part counts);
    None for anything else, a bare year-month included: it names no week.

    >>> week_of("2025-07-11"), week_of("2025-07-14T09:30:00Z"), week_of("2025-07"), week_of("")
    (datetime.date(2025, 7, 7), datetime.date(2025, 7, 14), None, None)
    """
    try:
        day = date.fromisoformat(text[:10])
    except ValueError:
        return None
    if not date.min + timedelta(weeks=1) <= day <= date.max - timedelta(weeks=3):
        return None  # the chart draws a week either side: year 1's first week and 9999's last have none
    return day - timedelta(days=day.weekday())


def panel(events: Iterable[tuple[str, str]], weeks: tuple[date, ...], top: int = TOP) -> Panel:
    """Return the panel of (label, date) events over `weeks`: the `top` labels by count, the rest as `others`.

    >>> p = panel([("a", "2025-07-07"), ("a", "2025-07-15"), ("b", "2025-07-08"), ("c", "")],
    ...           (date(2025, 7, 7), date(2025, 7, 14)), top=1)
    >>> p.series, p.undated
    ({'a': (1, 1), 'others': (1, 0)}, 1)
    """
    counts: Counter[tuple[str, date]] = Counter()
    undated = outside = 0
    drawn = set(weeks)
    for label, when in events:
        week = week_of(when)
        if week is None:
            undated += 1
        elif week not in drawn:
            outside += 1
        else:
            counts[label, week] += 1
    per_label: Counter[str] = Counter()
    for (label, _), n in counts.items():
        per_label[label] += n
    ranked = sorted(per_label, key=lambda label: (-per_label[label], label))
    kept = set(ranked[:top])
    series = {label: tuple(counts[label, w] for w in weeks) for label in ranked if label in kept}
    if len(ranked) > len(kept):
        others: Counter[date] = Counter()
        for (label, week), n in counts.items():  # one pass, not one per week
            if label not in kept:
                others[week] += n
        series[OTHERS] = tuple(others[w] for w in weeks)
    return Panel(series, undated, outside)


def timeline(facts: GraphFacts, top: int = TOP) -> Timeline:
    """Return the timeline of the facts' claims (by speaker) and supply events (by supplier)."""

    def label(node: str | None) -> str:
        if node is None:
            return NOT_NAMED
        entity = facts.entities.get(node)
        return entity.label if entity is not None else node.rsplit("/", 1)[-1]

    def article_date(node: str | None) -> str:
        known = facts.articles.get(node) if node else None
        return known.date if known is not None else ""

    claims = [(label(c.speaker), article_date(c.article)) for c in facts.claims]
    # A stated year-month names no week, so the article's date stands in for it.
    supplies = [(label(s.supplier), s.when_date if week_of(s.when_date) else article_date(s.article))
                for s in facts.supplies]
    dated = sorted(w.toordinal() for w in (week_of(when) for _, when in claims + supplies) if w is not None)
    weeks: tuple[date, ...] = ()
    if dated:
        # At most MAX_WEEKS, around the median week, so a few stray dates cannot hide the rest.
        first = max(dated[0], dated[len(dated) // 2] - 7 * (MAX_WEEKS // 2))
        last = min(dated[-1], first + 7 * (MAX_WEEKS - 1))
        weeks = tuple(date.fromordinal(day) for day in range(first, last + 1, 7))
    return Timeline(weeks, panel(claims, weeks, top), panel(supplies, weeks, top))


def draw(chart: Timeline, dpi: int = 100) -> bytes:
    """Return the chart as a PNG: claims per week by speaker above, supply events per week by supplier below.

    A matplotlib Figure of its own, never pyplot: no global state, so builds in threads and notebooks using
    pyplot are not disturbed, and no GUI backend is ever chosen (the PNG is drawn by Agg).
    """
    import io

    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(9, 6), dpi=dpi, layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True)
    for ax, (title, part) in zip((top, bottom), (("Claims per week, by speaker", chart.claims),
                                                 ("Supply events per week, by supplier", chart.supplies))):
        # One filled step patch per series, stacked (Axes.stairs), not a bar per week: 100 weeks draw in
        # a fifth of the time.
        edges = [*chart.weeks, chart.weeks[-1] + timedelta(weeks=1)] if chart.weeks else []
        base = [0] * len(chart.weeks)
        for i, (label, counts) in enumerate(part.series.items()):
            colour = OTHERS_COLOUR if label == OTHERS else COLOURS[i % len(COLOURS)]
            top_of = [b + n for b, n in zip(base, counts)]
            ax.stairs(top_of, edges, baseline=base, fill=True, color=colour, label=label)
            base = top_of
        ax.set_title(title + (f" ({part.undated} undated left out)" if part.undated else ""), fontsize=10,
                     loc="left")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(axis="y", color="#e3e3e3")
        ax.set_axisbelow(True)
        if part.series:
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
        else:
            ax.text(0.5, 0.5, "none dated", transform=ax.transAxes, ha="center", va="center", color="#595959")
    if chart.weeks:  # a week either side, so the first and last weeks' steps show in full
        bottom.set_xlim(chart.weeks[0] - timedelta(weeks=1), chart.weeks[-1] + timedelta(weeks=2))
    locator = AutoDateLocator()
    bottom.xaxis.set_major_locator(locator)
    bottom.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    bottom.set_xlabel("week (from Monday)")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
