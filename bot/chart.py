"""The trend of a list as two small SVG charts beside its archive page (drawn by pygal).

`trend` is pure: a list's days → the numbers the charts show. `trend_svg` draws the new papers
per list date over the `TREND_DAYS` days up to the newest list (days without a list count 0,
so weekends and holidays show as gaps); `keywords_svg` draws the keywords that hit the most
papers over the same days. GitHub shows a committed SVG inline (`![…](trend.svg)`).

The bytes depend on the numbers alone, so `arxiv-bot render` reproduces them: pygal's random
chart id is replaced by a fixed one, and its comments (one carries today's date) and its
script (tooltips, which GitHub does not run in an image anyway) are taken out of the tree. The
XML backend is pinned to lxml, whatever `NO_LXML` says. pygal is imported on first use only,
so a run that draws no chart does not pay for it.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bot import index
from bot.models import DayList
from bot.text import xml_text

TREND_DAYS = 90
"""The charts cover the days within this many days of the newest list (as the archive does)."""
TOP_KEYWORDS = 10
"""Keywords in the keyword chart at most, the busiest first."""
WIDTH = 800
TREND_HEIGHT = 260
BAR_HEIGHT = 24
"""Height per keyword in the keyword chart (plus room for the title and the axis)."""
COLOR = "#2688EB"
"""The blue of the day pages' "papers" badge."""
LABEL_EVERY = 14
"""A date label under every 14th day (on the weekday of the first day shown)."""


@dataclass(frozen=True, slots=True)
class Trend:
    """What the charts of one list show."""

    name: str
    days: tuple[tuple[date, int], ...]
    """Every date from the first shown to the newest list, oldest first, with its new papers."""
    keywords: tuple[tuple[str, int], ...]
    """The busiest keywords over those days: label and papers it hit, most first, then by label."""

    @property
    def papers(self) -> int:
        return sum(count for _, count in self.days)


def trend(
    name: str,
    history: Mapping[date, DayList],
    *,
    window: int = TREND_DAYS,
    top: int = TOP_KEYWORDS,
) -> Trend:
    """The list's numbers over the `window` days up to its newest day (none: empty charts).

    The counts come from the id index when `history` has one (`bot.index.ListHistory`), so no
    day file is read; otherwise from the days in the window. The first date shown is the list's
    first day when that is later than the window's start, so a young list does not show months
    of zeros. A keyword counts once per paper it hit; followed authors are not keywords
    (`bot.index.keyword_counts`).
    """
    if not history:
        return Trend(name=name, days=(), keywords=())
    newest = max(history)
    first = max(min(history), newest - timedelta(days=window - 1))
    shown = [first + timedelta(days=offset) for offset in range((newest - first).days + 1)]
    days: list[tuple[date, int]] = []
    counts: Counter[str] = Counter()
    for when in shown:
        if when not in history:
            days.append((when, 0))
            continue
        days.append((when, index.day_count(history, when)))
        for label, papers in index.day_keywords(history, when):
            counts[label] += papers
    busiest = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]
    return Trend(name=name, days=tuple(days), keywords=tuple(busiest))


# --- drawing ----------------------------------------------------------------------------------


def _pygal() -> Any:
    """pygal, set up for the same bytes everywhere.

    Importing pygal appends an import hook for its map plugins (`pygal.maps.*`, unused here)
    that has only the legacy `find_module`, so on Python 3.11 every later import warns
    (ImportWarning); the hook is taken out again.
    """
    import pygal  # type: ignore[import-untyped]
    from pygal.etree import etree  # type: ignore[import-untyped]

    sys.meta_path[:] = [
        finder for finder in sys.meta_path if type(finder).__module__ != pygal.__name__
    ]
    etree.to_lxml()
    return pygal


def _static(root: Any) -> Any:
    """pygal's tree without comments (one is dated) and scripts (tooltips): the data alone."""
    for node in list(root.iter()):
        tag = node.tag if isinstance(node.tag, str) else ""
        if not tag or tag.rsplit("}", 1)[-1] == "script":
            parent = node.getparent()
            if parent is not None:
                parent.remove(node)
    return root


def _render(chart: Any, chart_id: str) -> str:
    chart.uuid = chart_id  # pygal draws a random one per chart; the CSS is scoped by it
    chart.add_xml_filter(_static)
    return str(chart.render(is_unicode=True)).rstrip("\n") + "\n"


def _style(pygal: Any) -> Any:
    """Plain and light: the badges' blue on white, system sans-serif, faint guides."""
    return pygal.style.Style(
        background="white",
        plot_background="white",
        foreground="rgba(0, 0, 0, .75)",
        foreground_strong="rgba(0, 0, 0, .9)",
        foreground_subtle="rgba(0, 0, 0, .15)",
        font_family='-apple-system, "Segoe UI", Helvetica, Arial, sans-serif',
        title_font_size=15,
        label_font_size=11,
        major_label_font_size=11,
        value_font_size=11,
        guide_stroke_color="rgba(0, 0, 0, .15)",
        major_guide_stroke_color="rgba(0, 0, 0, .15)",
        guide_stroke_dasharray="2,3",
        major_guide_stroke_dasharray="2,3",
        opacity=".85",
        opacity_hover=".95",
        colors=(COLOR,),
    )


def _options(pygal: Any, title: str, height: int) -> dict[str, Any]:
    return {
        "style": _style(pygal),
        "title": title,
        "width": WIDTH,
        "height": height,
        "explicit_size": True,
        "show_legend": False,
        "js": [],
        "truncate_label": -1,
        "margin": 12,
    }


def _span(data: Trend) -> str:
    """`from 2026-08-30 to 2026-11-27` (the dates the charts cover)."""
    if not data.days:
        return "yet"
    return f"from {data.days[0][0].isoformat()} to {data.days[-1][0].isoformat()}"


def trend_svg(data: Trend) -> str:
    """New papers per list date, one bar per calendar day, a date under every 14th."""
    pygal = _pygal()
    papers = (
        f"{data.papers} new paper{'' if data.papers == 1 else 's'}" if data.days else "no papers"
    )
    title = f"{xml_text(data.name)}: {papers} {_span(data)}"
    chart = pygal.Bar(
        **_options(pygal, title, TREND_HEIGHT),
        x_label_rotation=0,
        x_labels_major_every=LABEL_EVERY,
        show_minor_x_labels=False,
        min_scale=2,
        max_scale=6,
        no_data_text="no papers yet",
    )
    chart.x_labels = [when.isoformat() for when, _ in data.days]
    if data.days:
        chart.add("papers", [count for _, count in data.days])
    return _render(chart, "trend")


def keywords_svg(data: Trend) -> str:
    """The busiest keywords of the same days, as horizontal bars, the busiest on top."""
    pygal = _pygal()
    rows = list(reversed(data.keywords))  # pygal draws the first label at the bottom
    title = f"{xml_text(data.name)}: busiest keywords (papers) {_span(data)}"
    chart = pygal.HorizontalBar(
        **_options(pygal, title, 80 + BAR_HEIGHT * max(len(rows), 2)),
        min_scale=2,
        max_scale=6,
        no_data_text="no keywords yet",
    )
    chart.x_labels = [f"{xml_text(label)} ({count})" for label, count in rows]
    if rows:
        chart.add("papers", [count for _, count in rows])
    return _render(chart, "keywords")
