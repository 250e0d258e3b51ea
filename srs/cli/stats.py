"""`srs stats`: progress, forecast and exam readiness drawn in the terminal (or as JSON).

The figures come from `srs.stats.compute_stats`; this module only draws them with rich:
bars, a calendar heatmap and tables. Every bar and heatmap cell uses a distinct glyph as
well as a colour, so the picture still reads with NO_COLOR or on a monochrome terminal, and
the heatmap and bars shrink to the terminal width.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, Any

import typer

from srs.cli.root import app, emit_json, globals_of, no_color, opened

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text

    from srs.stats import DailyReviews, ForecastDay, Histogram, PassFail, Stats

# state -> (glyph, colour) for stacked bars; glyphs differ so colour is never needed.
STATE_STYLE = {
    "review": ("█", "green"),
    "learning": ("▓", "dark_orange"),
    "relearning": ("▒", "red"),
    "new": ("░", "blue"),
}
HEAT_GLYPHS = ("·", "░", "▒", "▓", "█")  # 0 answers, then four levels up to the maximum
HEAT_COLOURS = ("grey37", "green4", "green3", "green1", "bright_green")


@app.command()
def stats(
    ctx: typer.Context,
    deck: Annotated[
        str | None, typer.Option("--deck", help="Only this deck (and its sub-decks).")
    ] = None,
    days: Annotated[
        int, typer.Option("--days", min=1, max=3650, help="Days of history in the review chart.")
    ] = 30,
    json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Show progress, today's study, the forecast, retention and exam readiness."""
    now = globals_of(ctx).now()
    with opened(ctx) as col:
        figures = col.stats(now, deck=deck, days=days)
        day_start = col.day_starts_at
        status = col.exam_status(now)
    if json:
        emit_json(figures.to_dict())
        return
    from rich.console import Console
    from rich.text import Text

    from srs.cli.screen import print_trimmed
    from srs.terminal import escape_text

    console = Console(no_color=no_color(), highlight=False, emoji=False)

    for line in status.notice(serving=False) if status else []:
        console.print(Text(escape_text(line), style="yellow"))
    print_trimmed(console, render(figures, console.width, day_start))


def render(figures: Stats, width: int, day_start: int = 4) -> list[RenderableType]:
    """Every section of the screen, top to bottom, drawn for `width` columns."""
    from rich.text import Text

    scope = f" — deck {figures.deck}" if figures.deck else ""
    title = Text(f"srs stats — {figures.today_day.isoformat()}{scope}", style="bold")
    title.append(f"  (days start at {day_start:02d}:00)", style="dim")
    parts = [
        title,
        _today(figures),
        _section("Reviews per day, last year"),
        _heatmap(figures, width),
        _section(f"Answers per day, last {figures.days} days (by state before the answer)"),
        _daily(figures.daily, width),
        _section(f"Due per day, next {len(figures.forecast)} days (overdue counted today)"),
        _forecast(figures.forecast, figures.overdue, width),
        _section("Cards"),
        _cards(figures, width),
        _section("True retention (review answers not Again)"),
        _retention(figures, width),
        _section("Intervals (review cards)"),
        _histogram(figures.intervals, width, "days"),
        _section("Ease (review cards)"),
        _histogram(figures.ease, width, "%"),
        _section("Memory model: predicted against actual recall"),
        _calibration(figures),
        _section("Exam domains"),
        _readiness(figures),
        _domains(figures, width),
        _section("Hardest cards (most lapses)"),
        _hardest(figures, width),
    ]
    return [part for part in parts if part is not None]


def _section(name: str) -> Text:
    from rich.text import Text

    return Text("\n" + name, style="bold underline")


def _escape(text: str) -> str:
    from srs.terminal import escape_text

    return escape_text(text)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _ratio(pf: PassFail) -> str:
    return f"{_pct(pf.rate)} ({pf.passed}/{pf.total})" if pf.total else "—"


def _duration(ms: int) -> str:
    seconds = ms // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m {secs:02d}s"


def _today(figures: Stats) -> Text:
    from rich.text import Text

    t = figures.today
    a = t.answers
    text = Text()
    text.append("Today: ", style="bold")
    text.append(f"{a.total} answers on {t.cards} cards in {_duration(a.time_ms)}")
    text.append(
        f"  · new {a.new} · learning {a.learning} · review {a.review} · relearning {a.relearning}"
    )
    text.append(f"\nRetention today: {_ratio(t.retention)}")
    s = figures.streak
    text.append("\nStreak: ", style="bold")
    text.append(f"{s.current} day{'s' if s.current != 1 else ''}")
    text.append(f" (longest {s.longest}; studied on {s.study_days} days)")
    return text


def _level(count: int, top: int) -> int:
    if count <= 0 or top <= 0:
        return 0
    return min(4, 1 + (count - 1) * 4 // top)


def _heatmap(figures: Stats, width: int) -> Text:
    """GitHub-style: one column per week (Monday first), one row per weekday."""
    from rich.text import Text

    end = figures.today_day
    first_monday = figures.heatmap_start - timedelta(days=figures.heatmap_start.weekday())
    weeks = (end - first_monday).days // 7 + 1
    label_width = 4
    weeks = max(1, min(weeks, width - label_width))  # narrow terminal: the latest weeks
    first_monday = end - timedelta(days=end.weekday()) - timedelta(weeks=weeks - 1)
    top = max(figures.heatmap.values(), default=0)
    text = Text()
    months = [" "] * weeks
    for w in range(weeks):
        monday = first_monday + timedelta(weeks=w)
        if monday.day <= 7 and w + 3 <= weeks:
            for i, ch in enumerate(monday.strftime("%b")):
                if w + i < weeks:
                    months[w + i] = ch
    text.append(" " * label_width + "".join(months).rstrip() + "\n", style="dim")
    for weekday, name in enumerate(("Mon", "", "Wed", "", "Fri", "", "Sun")):
        text.append(f"{name:<{label_width}}", style="dim")
        for w in range(weeks):
            day = first_monday + timedelta(weeks=w, days=weekday)
            if day > end or day < figures.heatmap_start:
                text.append(" ")
                continue
            level = _level(figures.heatmap.get(day, 0), top)
            text.append(HEAT_GLYPHS[level], style=HEAT_COLOURS[level])
        text.append("\n")
    text.append(" " * label_width + "less ", style="dim")
    for glyph, colour in zip(HEAT_GLYPHS, HEAT_COLOURS, strict=True):
        text.append(glyph, style=colour)
    text.append(f" more  (max {top}/day)", style="dim")
    return text


def _bar(parts: list[tuple[int, str, str]], scale: float) -> Text:
    """A stacked bar: (count, glyph, colour) segments, `scale` columns per unit."""
    from rich.text import Text

    shown = [part for part in parts if part[0]]
    widths = _widths([count for count, _, _ in shown], scale)
    text = Text()
    for (_, glyph, colour), width in zip(shown, widths, strict=True):
        text.append(glyph * width, style=colour)
    return text


def _widths(counts: list[int], scale: float) -> list[int]:
    """Columns per part: rounded as running totals, so bars of equal totals are equally long
    (parts rounded one by one made 80-answer days 19 to 21 columns wide), and every part at
    least one column, taken from the widest."""
    widths, done = [], 0
    for running in itertools.accumulate(counts):
        end = round(running * scale)
        widths.append(end - done)
        done = end
    for i, width in enumerate(widths):
        if width == 0:
            widest = max(range(len(widths)), key=widths.__getitem__)
            widths[i] = 1
            if widths[widest] > 1:
                widths[widest] -= 1
    return widths


def _legend(states: tuple[str, ...]) -> Text:
    from rich.text import Text

    text = Text("      ")
    for state in states:
        glyph, colour = STATE_STYLE[state]
        text.append(glyph, style=colour)
        text.append(f" {state}  ", style="dim")
    return text


def _daily(daily: tuple[DailyReviews, ...], width: int) -> Text:
    from rich.text import Text

    top = max((d.total for d in daily), default=0)
    bar_width = max(10, width - 20)
    scale = bar_width / top if top else 0.0
    text = Text()
    order = ("review", "learning", "relearning", "new")
    for d in daily:
        text.append(f"{d.day.strftime('%m-%d %a')} ", style="dim")
        parts = [(getattr(d, s), *STATE_STYLE[s]) for s in order]
        text.append_text(_bar(parts, scale))
        text.append(f" {d.total}\n" if d.total else "\n")
    text.append_text(_legend(order))
    return text


def _forecast(forecast: tuple[ForecastDay, ...], overdue: int, width: int) -> Text:
    from rich.text import Text

    top = max((f.total for f in forecast), default=0)
    scale = max(10, width - 20) / top if top else 0.0
    text = Text()
    for i, f in enumerate(forecast):
        label = "today" if i == 0 else f.day.strftime("%m-%d %a")
        text.append(f"{label:<10}", style="dim")
        parts = [(f.review, *STATE_STYLE["review"]), (f.learning, *STATE_STYLE["learning"])]
        text.append_text(_bar(parts, scale))
        text.append(f" {f.total}\n" if f.total else "\n")
    text.append(f"Overdue reviews (in today's count): {overdue}\n", style="dim")
    text.append_text(_legend(("review", "learning")))
    return text


def _fitted(headers: tuple[str, ...], rows: list[tuple[Text, ...]], width: int) -> RenderableType:
    """A table whose columns all stay, or, when they cannot fit `width`, one block per row.

    The table is kept when every column but the first fits unwrapped and the first still has
    room for its longest word (it wraps at words, never letter by letter). Otherwise each row
    becomes its first cell on a line, then `header value · header value ...` indented under it,
    wrapped at words: a narrow terminal loses no column and splits no word.
    """
    from rich import box
    from rich.console import Group
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    def longest_word(text: Text | str) -> int:
        return max((len(word) for word in str(text).split()), default=0)

    cells = [tuple(Text(h) for h in headers), *rows]
    rest = [max(c[i].cell_len for c in cells) for i in range(1, len(headers))]
    first = max(longest_word(c[0]) for c in cells)
    if first + sum(rest) + 3 * len(rest) <= width:  # 3: padding, divider, padding
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        table.add_column(headers[0], justify="left", overflow="fold")
        for name in headers[1:]:
            table.add_column(name, justify="right", no_wrap=True)
        for row in rows:
            table.add_row(*row)
        return table
    blocks: list[RenderableType] = []
    for row in rows:
        pairs = [Text(f"{name} ") + value for name, value in zip(headers[1:], row[1:], strict=True)]
        blocks += [row[0], Padding(_packed(pairs, width - 2), (0, 0, 0, 2), expand=False)]
    return Group(*blocks)


def _packed(pairs: list[Text], width: int) -> Text:
    """`name value` pairs joined by " · ", a line broken only between pairs (never between a
    name and its value) unless one pair alone is wider than `width`."""
    from rich.text import Text

    text, used = Text(), 0
    for pair in pairs:
        if used and used + 3 + pair.cell_len > width:
            text.append("\n")
            used = 0
        elif used:
            text.append(" · ")
            used += 3
        text.append_text(pair)
        used += pair.cell_len
    return text


def _texts(*values: str) -> tuple[Text, ...]:
    from rich.text import Text

    return tuple(Text(v) for v in values)


def _cards(figures: Stats, width: int) -> RenderableType:
    c = figures.cards
    rows = [
        ("new", c.new), ("learning", c.learning), ("relearning", c.relearning),
        ("young (< 21 d)", c.young), ("mature", c.mature), ("suspended", c.suspended),
    ]  # fmt: skip
    table = [_texts(name, str(n), _pct(n / c.total if c.total else None)) for name, n in rows]
    table.append(_texts("total", str(c.total), ""))
    table.append(_texts("orphaned (not in any deck file)", str(c.orphaned), ""))
    table.append(_texts("leeches", str(c.leeches), ""))
    return _fitted(("state", "cards", "share"), table, width)


def _cell(pf: PassFail) -> str:
    return f"{_pct(pf.rate)} of {pf.total}" if pf.total else "—"


def _retention(figures: Stats, width: int) -> RenderableType:
    rows = [
        _texts(name, _cell(r.young), _cell(r.mature), _cell(r.total))
        for name, r in figures.retention.items()
    ]
    return _fitted(("period", "young", "mature", "total"), rows, width)


def _histogram(h: Histogram, width: int, unit: str) -> Text:
    from rich.text import Text

    top = max((b.count for b in h.buckets), default=0)
    label_width = max(len(b.label) for b in h.buckets)
    scale = max(10, width - label_width - 10) / top if top else 0.0
    text = Text()
    for b in h.buckets:
        text.append(f"{b.label:>{label_width}} ", style="dim")
        if b.count:
            text.append("█" * max(1, round(b.count * scale)), style="cyan")
            text.append(f" {b.count}")
        text.append("\n")
    mean = "—" if h.mean is None else f"{h.mean:g} {unit}"
    text.append(f"{h.cards} cards, mean {mean}", style="dim")
    return text


def _domains(figures: Stats, width: int) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    if not figures.domains:
        return Text(
            "No cards with a domain of the target exam"
            " (map them with `exam_domains:` in a deck's front matter)."
        )
    exam = figures.domains[0].exam
    rows = []
    for d in figures.domains:
        label = f"{d.domain} {d.name}" if d.name else d.domain
        rows.append(
            (
                Text(
                    ("* " if d.weakest else "") + _escape(label),
                    style="bold red" if d.weakest else "",
                ),
                *_texts(
                    str(d.cards),
                    _pct(d.share_seen),
                    _pct(d.share_mature),
                    _cell(d.retention),
                    "—" if d.mock_exam is None else _pct(d.mock_exam),
                ),
            )
        )
    headers = (f"{exam} domain", "cards", "seen", "mature", f"retention {figures.days}d", "mock")
    table = _fitted(headers, rows, width)
    if not any(d.weakest for d in figures.domains):
        return table
    return Group(table, Text("* weakest domain: work on it first", style="dim"))


FRONT_CHARS = 160  # a card's front in "Hardest cards": enough to recognise it


def _hardest(figures: Stats, width: int) -> RenderableType:
    """Lapses and again counts in narrow columns that always fit; the card's front and its
    location share the wide one (the front wraps at words, the location folds, never cut)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from srs.views import display_path

    if not figures.hardest:
        return Text("No lapses yet.")
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("lapses", justify="right", no_wrap=True)
    table.add_column("again", justify="right", no_wrap=True)
    table.add_column("card · where", overflow="fold")
    for h in figures.hardest:
        flags = ("[leech] " if h.leech else "") + ("[suspended] " if h.suspended else "")
        front = " ".join(h.front.split())
        room = min(FRONT_CHARS, 3 * max(width - 17, 20))  # about three lines of the column
        if len(front) > room:
            front = front[: room - 1] + "…"
        card = Text(flags + _escape(front))
        card.append("\n" + _escape(f"{display_path(h.path)}:{h.line}"), style="dim")
        table.add_row(str(h.lapses), f"{h.again}/{h.answers}", card)
    return table


def _readiness(figures: Stats) -> RenderableType | None:
    """Exam mode's readiness line (the same figures as `srs plan`), or nothing."""
    from rich.text import Text

    ready = figures.readiness
    if ready is None:
        return None  # outside exam mode: no line (an empty one read as a stray gap)
    weakest = next((d for d in ready["domains"] if d["domain"] == ready["weakest_domain"]), None)
    line = (
        f"Readiness on exam day ({ready['exam_at'][:10]}): {_pct(ready['projected'])} of"
        f" {ready['cards']} cards if you keep to the plan (likely {_range(ready)}),"
        f" {_pct(ready['recall'])} if you stopped now"
    )
    if weakest is not None:
        line += f"; weakest domain {weakest['domain']} ({_pct(weakest['projected'])})"
    return Text(_escape(line))


def _range(ready: dict[str, Any]) -> str:
    return f"{_pct(ready['low'])}–{_pct(ready['high'])}"


def _calibration(figures: Stats) -> RenderableType:
    """The memory model's calibration on the learner's answers (`srs plan` shows it too)."""
    from rich.text import Text

    from srs.memory.calibration import describe

    return Text(_escape(" ".join(describe(figures.calibration or {}))))
