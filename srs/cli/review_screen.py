"""The review screen of `srs review` and `srs review --cram`: keys, card, buttons, summary.

The session logic (what comes next, limits, undo, figures) lives in `srs.study.session`; this module
only draws the screen with rich and reads single keypresses. All deck text is untrusted: it
goes through `escape_text` and is handed to rich as plain `Text` or as Markdown source, never
as rich markup, so neither terminal escapes nor `[bold]`-style markup from a deck take effect.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import tzinfo
from itertools import pairwise
from typing import TYPE_CHECKING

from srs.cli.root import plural
from srs.cli.screen import (
    NARROW,
    Breadcrumb,
    Keys,
    Pager,
    append_card_list,
    markdown,
    print_lines,
    render_lines,
    tail_fit,
)

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.text import Text

    from srs.model import Grade, SchedulingState
    from srs.study.cram import CramSession
    from srs.study.ending import Ending
    from srs.study.mcq import Lettered, McqResult
    from srs.study.session import Current, Session, Summary
    from srs.views import CardView

# Exam mode: a day-based interval does not apply (the plan picks the day); steps still do.
PLAN_LABEL = "plan"
CRAM_NOTE = "cram: answers are not saved; Again brings the card back in this drill"
EXAM_NOTE = "exam mode: the exam plan picks the day a card comes back (srs plan)"

HELP = (
    ("Space / Enter", "show the answer; then Good"),
    ("1 2 3 4", "Again, Hard, Good, Easy"),
    ("a, b, ... Enter", "multiple choice: your letter(s), e.g. b or a,c"),
    ("Backspace / Esc", "multiple choice: erase / clear what you typed"),
    ("u", "undo the last answer, skip or suspend (repeatable)"),
    ("s", "skip: bury the card until tomorrow"),
    ("!", "suspend the card"),
    ("e", "edit the card's file in $EDITOR, re-import, go on"),
    ("o", "open the card's images in the system viewer"),
    ("x", "after the answer: your language model explains the card (srs explain, cached)"),
    ("j k ↓ ↑ PgDn PgUp", "a tall answer: scroll a line, a page"),
    ("?", "this help"),
    ("q", "quit (every answer is already saved)"),
)

CRAM_HELP = {
    "s": "leave the card out of this drill",
    "!": "(not in a drill: it changes no card)",
    "q": "quit (a drill saves nothing)",
}


# -- the reviewer ------------------------------------------------------------------------------


@dataclass
class _CardState:
    """What the screen shows for the card in hand."""

    current: Current
    shown_at: float
    revealed: bool = False
    typed: str = ""
    options: tuple[Lettered, ...] = ()
    result: McqResult | None = None
    message: str = ""
    previews: dict[Grade, str] = field(default_factory=dict)
    note: str = ""  # under the buttons: why two show one interval, what exam mode does
    pager: Pager = field(default_factory=Pager)  # a revealed card taller than the screen


class Reviewer:
    """Draws cards and reacts to keys until the session ends or the user quits."""

    def __init__(self, session: Session | CramSession, console: Console) -> None:
        self.session = session
        self.console = console
        self.message = ""
        self.keys: Keys | None = None

    def run(self) -> int:
        """Study until done; prints the summary. Returns the exit status (130 after Ctrl-C)."""
        status, why = 0, ""
        try:
            with Keys(sys.stdin.fileno(), resize=True) as keys:
                self.keys = keys
                why = self._loop()
        except KeyboardInterrupt:
            status, why = (
                130,
                (
                    "Interrupted; nothing of the drill was saved."
                    if self._cramming()
                    else "Interrupted; every answer so far is saved."
                ),
            )
        self._summary(why)
        return status

    def _loop(self) -> str:
        from srs.cli.cram_view import cram_ending_text
        from srs.study.cram import CramSession
        from srs.study.ending import ending

        while True:
            current = self.session.next()
            if current is None:
                if isinstance(self.session, CramSession):
                    return cram_ending_text(self.session)
                return ending_text(ending(self.session), self.session.col.zone)
            if not self._study(current):
                return (
                    "Drill ended."
                    if isinstance(self.session, CramSession)
                    else "Session ended; every answer is saved."
                )

    # -- one card --------------------------------------------------------------------------------

    def _study(self, current: Current) -> bool:
        """Show one card until it is answered, skipped, undone, or the user quits (False)."""
        from srs.model import CardKind

        state = _CardState(current, time.monotonic(), message=self.message)
        self.message = ""
        if current.card.kind is CardKind.MCQ:
            state.options = self.session.options(current.card)
        self._draw(state)
        assert self.keys is not None
        while True:
            key = self.keys.read()
            if key != "resize":  # a resize redraws the screen as it was, message and all
                state.message = ""
            if key in ("", "q") and not self._is_letter(state, key):
                return False
            outcome = self._on_key(state, key)
            if outcome == "next":
                return True
            if outcome == "quit":
                return False
            self._draw(state)

    def _is_letter(self, state: _CardState, key: str) -> bool:
        """In a multiple-choice card, option letters win over command keys (e.g. `e`)."""
        from srs.model import OPTION_LETTERS

        return (
            bool(state.options)
            and not state.revealed
            and len(key) == 1
            and key.lower() in OPTION_LETTERS[: len(state.options)]
        )

    def _on_key(self, state: _CardState, key: str) -> str:
        """Handle a key: 'next' when done with the card, 'quit', or '' to redraw it."""
        from srs.errors import DeckError, SrsError
        from srs.model import Grade

        session, card = self.session, state.current.card
        if self._is_letter(state, key) or (state.options and not state.revealed and key == ","):
            state.typed += key.lower()
            return ""
        if key == "resize":
            return ""  # drawn again at the new size
        if state.revealed and state.pager.move(key):
            return ""
        if key == "backspace":
            state.typed = state.typed[:-1]
            return ""
        if key == "esc":
            state.typed = ""
            return ""
        try:
            if key in (" ", "\n"):
                if not state.revealed:
                    self._reveal(state)
                    return ""
                grade = state.result.suggested_grade if state.result else Grade.GOOD
                return self._answer(state, grade)
            if key in "1234" and len(key) == 1:
                if not state.revealed:
                    state.message = "Show the answer first (Space or Enter)."
                    return ""
                return self._answer(state, Grade(int(key)))
            if key == "u":
                kind, undone = session.undo()
                self.message = f"Undid the {kind} of this card."
                del undone
                return "next"
            if key == "s":
                session.skip(card.id)
                self.message = (
                    "Left the last card out of this drill (u undoes)."
                    if self._cramming()
                    else "Skipped the last card until tomorrow (u undoes)."
                )
                return "next"
            if key == "!":
                session.suspend(card.id)
                self.message = "Suspended the last card (u undoes)."
                return "next"
            if key == "e":
                return self._edit(state)
            if key == "o":
                state.message = open_images(card)
                return ""
            if key == "x":
                if not state.revealed:
                    state.message = "Show the answer first (Space or Enter); then x explains it."
                    return ""
                return "" if self._explain(card.id) else "quit"
            if key == "?":
                return "" if self._help() else "quit"
        except DeckError as e:
            state.message = "; ".join(str(p) for p in e.problems[:3])
            return ""
        except SrsError as e:
            state.message = str(e)
            return ""
        if key:
            state.message = "Unknown key; ? lists the keys."
        return ""

    def _reveal(self, state: _CardState) -> None:
        from srs.study.cram import CramSession
        from srs.study.mcq import check, parse_letters, select_count

        if state.options and state.typed:
            from srs.errors import SrsError

            try:
                chosen = parse_letters(state.typed, len(state.options), select_count(state.options))
            except SrsError as e:
                state.message = str(e)
                return
            state.result = check(state.options, chosen)
        if isinstance(self.session, CramSession):
            state.note = CRAM_NOTE
            state.revealed = True
            return
        previews = self.session.preview(state.current.card.id)
        session = self.session
        exam_mode = session.col.exam_date_in_force(session.now(), session.flt.deck) is not None
        state.previews = {
            # Exam mode shows each card once a day (no same-day learning steps): the plan, not
            # an interval or a step, picks the day the card comes back.
            grade: PLAN_LABEL if exam_mode else label
            for grade, (_, label) in previews.items()
        }
        state.note = _same_interval_note(previews, state.previews)
        if exam_mode and PLAN_LABEL in state.previews.values():
            state.note = EXAM_NOTE
        state.revealed = True

    def _answer(self, state: _CardState, grade: Grade) -> str:
        ms = int((time.monotonic() - state.shown_at) * 1000)
        outcome = self.session.answer(state.current.card.id, grade, ms)
        if outcome is None:  # a cram answer: kept in memory only
            self.message = f"Not saved (cram): {grade.name.title()}."
            return "next"
        label = state.previews.get(grade, "")
        if label == PLAN_LABEL:
            label = "day set by the exam plan"
        self.message = f"Saved: {grade.name.title()}" + (f" ({label})" if label else "") + "."
        if outcome.answer.leech:  # said now, while the card is fresh in mind
            source = state.current.card.source
            self.message += (
                f" Leech: this card has lapsed {plural(outcome.state.lapses, 'time')}"
                + (" and is now suspended" if outcome.suspended else "")
                + f"; rewrite or split it ({tail_fit(source, self.console.width - 3)})."
            )
        return "next"

    def _edit(self, state: _CardState) -> str:
        card = state.current.card
        if not os.path.isfile(card.abs_path):  # moved or deleted since the import
            state.message = (
                f"The deck file {card.path} no longer exists (moved or deleted since the import);"
                " nothing to edit. Re-import the decks to update the collection."
            )
            return ""
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
        assert self.keys is not None
        with self.keys.cooked():
            try:
                import shlex

                subprocess.run([*shlex.split(editor), f"+{card.line}", card.abs_path], check=False)
            except OSError as e:
                state.message = f"cannot run editor {editor!r}: {e.strerror or e}"
                return ""
        edited = self.session.reimport(card)
        if edited.card is None:
            self.message = "The edited card is no longer in its deck; going on."
            return "next"
        self.session.show_again(edited.card.id)
        self.message = (
            "Re-imported the edited file."
            if edited.kept_history
            else "Re-imported: the rewrite is a new card (the old one is orphaned)."
        )
        return "next"

    def _help(self) -> bool:
        """Show the keys until a key is pressed; False at end of input."""
        from rich.table import Table
        from rich.text import Text

        table = Table(show_header=False, box=None, padding=(0, 1))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for keys, what in HELP:
            if self._cramming():  # a drill saves nothing and changes no card
                what = CRAM_HELP.get(keys, what)
            table.add_row(keys, what)
        self._clear()
        self.console.print(Text("Keys", style="bold"))
        self.console.print(table)
        self.console.print(Text("Press any key to go back to the card.", style="dim"))
        assert self.keys is not None
        return self.keys.read() != ""

    def _explain(self, card_id: str) -> bool:
        """Show the model's explanation of the card (asked once, then cached) until a key other
        than a paging one is pressed; False at end of input. A long explanation is paged under
        its title like a tall answer (`Pager`). An SrsError (no llm, no model, a timeout)
        reaches the key handler, which shows it as the card's message."""
        from rich.text import Text

        from srs.drafting.explain import explain

        self._clear()
        self.console.print(Text("Asking your model to explain this card...", style="dim"))
        result = explain(self.session.col, card_id)
        origin = "cached" if result.cached else "asked just now"
        said = f"Explained by {result.model} ({origin})"
        title: list[RenderableType] = [Text(said, style="bold")]
        text: list[RenderableType] = [markdown(result.text)]
        back: list[RenderableType] = [Text("Press any key to go back to the card.", style="dim")]
        pager = Pager("explanation")
        assert self.keys is not None
        while True:  # drawn again after a paging key or a resize
            console = self.console
            head, body, foot = (render_lines(console, p) for p in (title, text, back))
            self._clear()
            print_lines(console, pager.fit(console, head, body, foot))
            sys.stdout.flush()
            key = self.keys.read()
            if key != "resize" and not pager.move(key):
                return key != ""

    # -- drawing -----------------------------------------------------------------------------

    def _clear(self) -> None:
        if self.console.is_terminal:
            self.console.clear()

    def _draw(self, state: _CardState) -> None:
        """Draw the card; a revealed card taller than the terminal has its answer paged.

        The question (and the header) stays at the top and the buttons at the bottom; the
        part between (options with their rationales, the answer) shows one window of lines,
        moved with j/k, the arrows and PgUp/PgDn (`state.pager`, shared with `srs exam`).
        """
        from rich.rule import Rule
        from rich.text import Text

        from srs.study.mcq import select_count
        from srs.terminal import escape_text

        card = state.current.card
        console = self.console
        top: list[RenderableType] = [
            # The last action's outcome first ("Saved: Good (10m)."), then the card.
            Text(escape_text(state.message), style="yellow") if state.message else Text(""),
            Breadcrumb(
                escape_text(card.deck),
                [escape_text(part) for part in card.context],
                style="bold cyan",
            ),
            self._status_line(),
            Rule(style="dim"),
            markdown(card.front),
        ]
        middle: list[RenderableType] = [_options(state)] if state.options else []
        bottom: list[RenderableType] = []
        if state.revealed:
            middle.append(Rule("answer", style="dim"))
            if card.back.strip():
                middle.append(markdown(card.back))
            bottom.append(_buttons(state, console.width))
        else:
            bottom.append(Text(""))
            if state.options:
                select = select_count(state.options)
                if select > 1:
                    bottom.append(Text(f"Choose {select}.", style="bold"))
                typed = ",".join(sorted(set(state.typed.replace(",", ""))))
                bottom.append(Text(f"Your answer: {typed}_", style="bold"))
                keys_hint = "letters + Enter · Enter alone shows · ? help"
                if console.width < NARROW:
                    keys_hint = "letters + Enter · ? help"
                bottom.append(Text(keys_hint, style="dim"))
            else:
                bottom.append(Text("Space show answer · ? help · q quit", style="dim"))
        head, body, foot = (render_lines(console, part) for part in (top, middle, bottom))
        if state.revealed:
            lines = state.pager.fit(console, head, body, foot)
        else:
            state.pager.page, lines = 0, head + body + foot
        self._clear()
        print_lines(console, lines)
        sys.stdout.flush()

    def _cramming(self) -> bool:
        from srs.study.cram import CramSession

        return isinstance(self.session, CramSession)

    def _status_line(self) -> Text:
        from rich.text import Text

        counts = self.session.counts()
        number, total = self.session.position(counts)
        secs = int(self.session.elapsed().total_seconds())
        line = Text()
        if self._cramming():
            line.append(f"cram · {counts.total} left · answers not saved", style="magenta")
            line.append(f"  {number}/{total}  {secs // 60}:{secs % 60:02d}", style="dim")
            return line
        line.append(f"new {counts.new}", style="blue")
        line.append(" · ")
        line.append(f"learn {counts.learning}", style="red")
        line.append(" · ")
        line.append(f"due {counts.review}", style="green")
        line.append(f"  {number}/{total}  {secs // 60}:{secs % 60:02d}", style="dim")
        now = self.session.now()
        exam_date = self.session.col.exam_date_in_force(now, self.session.flt.deck)
        if exam_date is not None:  # exam mode: the queue is the plan to this day
            today = self.session.col.moment(now).today
            line.append(f"  exam plan: {(exam_date - today).days} d left", style="magenta")
        return line

    def _summary(self, why: str) -> None:
        from srs.cli.cram_view import render_cram_summary
        from srs.errors import SrsError
        from srs.study.cram import CramSession

        session = self.session
        if isinstance(session, CramSession):
            self._clear()
            self.console.print(render_cram_summary(session.summary(), why, self.console.width))
            sys.stdout.flush()
            return
        try:
            summary = session.summary()
        except SrsError as e:  # pragma: no cover - the collection vanished under us
            self.console.print(f"Cannot compute the summary: {e}")
            return
        self._clear()
        self.console.print(render_summary(summary, why, session, self.console.width))
        sys.stdout.flush()


def _options(state: _CardState) -> RenderableType:
    """The lettered options as a grid, so a long option wraps under its own text."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    marks = {"hit": ("✓", "bold green"), "missed": ("✓", "green"), "wrong": ("✗", "bold red")}
    for item in state.options:
        verdict = state.result.verdict(item) if state.result else "ok"
        mark, style = marks.get(verdict, (" ", ""))
        if state.revealed and not state.result and item.option.correct:
            mark, style = "✓", "green"
        # Options are Markdown (`code`, **bold**, math) like the card's faces.
        cell: list[RenderableType] = [markdown(item.option.text)]
        if state.revealed:
            note = {"hit": "right", "missed": "missed", "wrong": "wrong"}.get(verdict, "")
            rationale = item.option.rationale  # every one, the right option's "Why:" too
            if rationale:
                cell.append(markdown(f"{note} · {rationale}" if note else rationale, "dim"))
            elif note:
                cell.append(Text(note, style=style))
        grid.add_row(Text(f"{mark} {item.letter})", style=style or "bold"), Group(*cell))
    if state.result is None:
        return grid
    if state.result.is_correct:
        return Group(grid, Text("Correct.", style="bold green"))
    return Group(grid, Text("Not quite.", style="bold red"))


def _buttons(state: _CardState, width: int) -> RenderableType:
    from rich.text import Text

    from srs.model import Grade

    styles = {Grade.AGAIN: "red", Grade.HARD: "yellow", Grade.GOOD: "green", Grade.EASY: "blue"}
    suggested = state.result.suggested_grade if state.result else Grade.GOOD
    out = Text()
    for grade in Grade:
        label = state.previews.get(grade, "")
        if grade is Grade.GOOD and width < NARROW:
            out.rstrip()
            out.append("\n")  # two buttons a line, so no button is split on a narrow screen
        out.append(f"{int(grade)} ", style="bold")
        out.append(grade.name.title(), style=styles[grade])
        out.append(f" {label}   " if label else "   ")
    out.rstrip()
    if state.note:
        out.append("\n" + state.note, style="dim")
    hint = "Enter accepts" if state.result else "Space/Enter ="
    out.append(f"\n{hint} {suggested.name.title()}", style="dim")
    if state.result:
        out.append(" (suggested) · 1-4 override", style="dim")
    return out


def open_images(card: CardView) -> str:
    """Open the card's images (inside its deck folder) in the system viewer; what happened.

    The viewer runs detached with its output discarded, so it cannot draw over the screen.
    """
    import shutil

    from srs.study.images import card_images

    found = card_images(card)
    said = []
    if not found.files:
        said.append("This card has no images." if not found.refused else "No image to open.")
    else:
        viewer = next((v for v in ("xdg-open", "open") if shutil.which(v)), None)
        opened = 0
        if viewer is not None:
            for path in found.files:
                try:
                    subprocess.Popen(
                        [viewer, str(path)],
                        stdin=subprocess.DEVNULL,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                        start_new_session=True,
                    )
                    opened += 1
                except OSError:
                    break
        if opened:
            said.append(f"Opened {plural(opened, 'image')} with {viewer}.")
        else:
            paths = ", ".join(str(path) for path in found.files)
            said.append(f"No image viewer (xdg-open/open) found; the images: {paths}")
    said += [f"Not opened: remote image {url}." for url in found.remote]
    said += [f"refused {src} ({why})." for src, why in found.refused]
    return " ".join(said)


def ending_text(end: Ending, zone: tzinfo) -> str:
    """Why the session ended, and what to do about it, in a sentence or two."""
    from srs.study.session import StopReason

    if end.reason is StopReason.MAX_CARDS:
        return "Card limit reached."
    if end.reason is StopReason.TIME:
        return "Time limit reached."
    if end.collection_cards == 0:
        return "The collection is empty: import first: srs import decks"
    if end.cards == 0:
        return "No cards to study here: the deck or tag holds none that are not suspended."
    said = []
    if end.exam_mode:
        said.append("Today's exam plan is done (srs plan shows it).")
    elif end.new_waiting and end.max_new is not None:
        said.append(
            f"--max-new {end.max_new} reached; {plural(end.new_waiting, 'more new card')} wait."
        )
    elif end.new_waiting:
        said.append(
            f"Daily limit of {plural(end.new_per_day, 'new card')} reached"
            f" ({plural(end.new_waiting, 'more new card')} wait);"
            " `srs config set new_per_day N` changes it."
        )
    if end.reviews_waiting and not end.exam_mode:
        said.append(
            f"Daily limit of {plural(end.reviews_per_day, 'review')} reached;"
            " `srs config set reviews_per_day N` changes it."
        )
    if end.next_due is None:
        said.append("Nothing more is due now, nor later.")
    elif end.next_due_day is not None:
        days = (end.next_due_day - end.today).days
        when = "tomorrow" if days == 1 else f"{end.next_due_day:%a %Y-%m-%d} (in {days} days)"
        said.append(f"Nothing more is due now; the next card is due {when}.")
    else:
        at = end.next_due.astimezone(zone)
        said.append(f"Nothing more is due now; the next card is due at {at:%H:%M}.")
    return "\n".join(said)  # a line each: readable at 40 columns too


def _same_interval_note(
    previews: dict[Grade, tuple[SchedulingState, str]], labels: dict[Grade, str]
) -> str:
    """Why two passing buttons show one interval, when they do (FSRS rounds to whole days).

    srs's FSRS follows the `fsrs` package, which does not push Hard, Good and Easy apart as
    Anki does; the buttons still differ in the memory they record, so say so with figures.
    """
    from srs.model import Grade

    passing = [Grade.HARD, Grade.GOOD, Grade.EASY]
    for low, high in pairwise(passing):
        label = labels.get(low)
        if not label or label != labels.get(high) or label == PLAN_LABEL:
            continue
        note = f"{low.name.title()} and {high.name.title()} both give {label}"
        low_memory, high_memory = previews[low][0].memory, previews[high][0].memory
        if low_memory is not None and high_memory is not None:
            note += (
                f" (whole days); they differ in memory: stability {low_memory.stability:.1f} d"
                f" vs {high_memory.stability:.1f} d"
            )
        return note + "."
    return ""


def render_summary(summary: Summary, why: str, session: Session, width: int = 80) -> RenderableType:
    """The end-of-session report as rich text (deck text escaped)."""
    from rich.text import Text

    from srs.model import Grade

    out = Text()
    out.append(why + "\n", style="bold")
    if summary.answers == 0:
        out.append("No cards studied in this session.\n")
    else:
        secs = int(summary.seconds)
        pace = summary.pace or 0.0
        out.append(
            f"Studied {summary.cards} card{'s' if summary.cards != 1 else ''}"
            f" ({summary.answers} answer{'s' if summary.answers != 1 else ''}:"
            f" {summary.new} new, {summary.learning} learning,"
            f" {summary.review} review) in {secs // 60}:{secs % 60:02d}, {pace:.0f} s/answer\n"
        )
        out.append(" · ".join(f"{g.name.title()} {summary.share(g):.0%}" for g in Grade) + "\n")
        if summary.retention is not None:
            out.append(
                f"Retention {summary.retention:.0%}"
                f" ({summary.review_passed} of {summary.review} reviews not Again)\n"
            )
    if summary.new_leeches:
        out.append("New leeches (rewrite or split them):\n", style="bold red")
        append_card_list(out, summary.new_leeches, width)
    left = summary.left
    if left.total:
        out.append(
            f"Still due now: {left.new} new, {left.learning} learning, {left.review} review\n"
        )
    if summary.learning_later:
        at = summary.next_learning_at
        when = at.astimezone(session.col.zone).strftime("%H:%M") if at else "later"
        out.append(f"Learning cards due later today: {summary.learning_later} (next at {when})\n")
    if any(n for _, n in summary.forecast):  # a table of zeros says nothing
        out.append(f"Due tomorrow: {summary.due_tomorrow}\n")
        peak = max((n for _, n in summary.forecast), default=0) or 1
        out.append("Next 7 days:\n")
        for day, n in summary.forecast:
            bar = "█" * max(round(12 * n / peak), 1 if n else 0)
            out.append(f"  {day:%a %m-%d} {n:>4} {bar}\n")
    if summary.again:
        out.append("Answered Again (rewrite them?):\n", style="bold")
        append_card_list(out, summary.again, width)
    out.rstrip()
    return out
