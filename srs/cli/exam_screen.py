"""The screen and report of `srs exam`: keys, questions, the timer, the report, past attempts.

This module reads keys, draws the screen with rich and prints the report. Deck text is
untrusted: it goes through `escape_text` and reaches rich as plain `Text` or Markdown source,
never as markup.
"""

from __future__ import annotations

import math
import select
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import typer

from srs.cli.root import echo, emit_json, opened
from srs.cli.screen import (
    HeadedSource,
    Keys,
    Pager,
    clock_text,
    markdown,
    print_lines,
    print_trimmed,
    render_lines,
    terminal_console,
)

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from srs.exam.attempts import Attempt, ExamSession
    from srs.exam.draw import Question
    from srs.exam.report import ExamReport, MissedQuestion

KEYS_HINT = "letters choose · Enter confirm · n/p next/prev · f flag · g list · s submit · q quit"


def interactive(session: ExamSession, grade_cards: bool) -> tuple[ExamReport | None, int]:
    """Run the exam screen; the report (None when the attempt was left) and the exit status."""
    screen = ExamScreen(session, terminal_console())
    outcome = screen.run()
    if outcome in ("submitted", "timed_out"):
        report = session.submit(outcome, grade_cards=grade_cards)
        screen.clear()
        if outcome == "timed_out":
            echo("Time is up: unanswered questions count as wrong.")
        return report, 0
    session.interrupt()
    left = session.remaining()
    answered = len(session.questions) - len(session.unanswered())
    time_left = f" with {clock_text(left)} left" if left is not None else ""
    echo(
        f"Exam interrupted; {answered} of {len(session.questions)} answers are saved."
        f" `srs exam --resume` continues it{time_left}."
    )
    return None, 130 if outcome == "ctrl-c" else 0


def show_report(ctx: typer.Context, attempt_id: int, json: bool) -> None:
    """`--report ID`: the report stored when the attempt was scored, as it was given then."""
    from srs.exam.sitting import stored_report

    with opened(ctx) as col:
        report = stored_report(col, attempt_id)
    if json:
        emit_json(report.to_dict())
    else:
        print_report(report, again=False)


def show_history(ctx: typer.Context, exam_code: str | None, json: bool) -> None:
    from srs.exam.sitting import attempt_history

    with opened(ctx) as col:
        attempts = attempt_history(col, exam_code)
        zone = col.zone
    if json:
        emit_json([a.to_dict() for a in attempts])
        return
    if not attempts:
        echo("No mock exams yet; start one with `srs exam`.")
        return
    from rich.table import Table
    from rich.text import Text

    from srs.terminal import escape_text

    # "#id" in a column of its own: a line wrapped on a narrow terminal continues under the date.
    grid = Table.grid(padding=(0, 2, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for attempt in attempts:
        line, _, domains = _history_line(attempt, zone).partition("\n    ")
        ident, _, rest = line.partition("  ")
        cell = Text(escape_text(rest))
        if domains:
            cell.append("\n" + escape_text(domains))
        grid.add_row(Text(ident), cell)
    parts: list[RenderableType] = [grid]
    if any(a.finished for a in attempts):
        parts.append(Text("`srs exam --report ID` shows a report again.", style="dim"))
    print_trimmed(terminal_console(), parts)  # wrapped at words on a narrow terminal


def _history_line(attempt: Attempt, zone: Any) -> str:
    when = attempt.started_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    head = f"#{attempt.id}  {when}  {attempt.exam}  {attempt.status:<11}"
    if attempt.practice:
        head += " (practice)"
    score = attempt.score
    if score is None:
        answered = attempt.answered
        done = f"{answered} of " if answered is not None else ""
        return f"{head}  {done}{attempt.question_count} answered"
    verdict = {True: "PASS", False: "FAIL", None: "-"}[attempt.passed]
    head += (
        f"  {attempt.correct}/{attempt.question_count} ({100 * round(score, 4):.0f} %)  {verdict}"
    )
    domains = "  ".join(f"{d.domain}: {d.correct}/{d.questions}" for d in attempt.domain_scores)
    return f"{head}\n    {domains}" if domains else head


# -- the report ---------------------------------------------------------------------------------


def print_report(report: ExamReport, *, again: bool = True) -> None:
    """Print the human report, wrapped at whole words to the terminal (80 columns in a pipe);
    `again`: say how to show it again (not when it is being shown again)."""
    print_trimmed(terminal_console(), report_parts(report, again=again))


def report_parts(report: ExamReport, *, again: bool = True) -> list[RenderableType]:
    """The human report: score, pass mark, domains, time, then every missed question.

    rich wraps each part at word boundaries and keeps its indentation (a `Padding`), so it stays
    readable at 40 columns; stems, options and explanations are deck Markdown (inline code shown
    as code, not backticks), escaped before rich sees them.
    """
    from rich.text import Text

    from srs.terminal import escape_text

    parts: list[RenderableType] = []

    def line(text: str = "", style: str = "") -> None:
        parts.append(Text(escape_text(text), style=style))

    kind = "practice exam" if report.practice else "mock exam"
    line(f"{report.exam} {kind}: {report.exam_name} ({report.status})", "bold")
    verdict = ""
    if report.passed is not None:
        verdict = f" - {'PASS' if report.passed else 'FAIL'} (pass mark {report.pass_percent:g} %)"
    line(f"Score: {report.correct} / {report.questions} ({report.percent:g} %){verdict}")
    if report.scaled_note:
        line(report.scaled_note)
    limit = report.time_limit_s
    used = f"Time used: {clock_text(report.time_used_s)}"
    if limit:
        used += f" of {clock_text(limit)}"
        if report.time_scaled:
            used += f" (scaled to {report.questions} of {report.exam_questions} questions)"
    line(used)
    if report.unanswered:
        line(f"Unanswered: {report.unanswered} (counted wrong)")
    flags = f"--exam {report.exam} --seed {report.seed}"
    if report.deck:
        flags += f' --deck "{report.deck}"'
    if report.questions != report.exam_questions:
        flags += f" --questions {report.questions}"
    line(f"Seed: {report.seed} (srs exam {flags} repeats this draw)")
    if again and report.attempt is not None:
        line(f"Show it again: srs exam --report {report.attempt}", "dim")
    line()
    line("By domain:", "bold")
    for d in report.domains:
        parts.append(
            _indented(
                Text(escape_text(f"{d.domain} {d.name}: {d.correct} / {d.questions}"))
                + Text(f" ({d.percent:g} %)")
            )
        )
    if report.requested > report.questions:
        line(
            f"Only {report.questions} multiple-choice questions serve this exam"
            f" (the exam has {report.requested})."
        )
    for s in report.shortfalls:
        line(
            f"Domain {s.domain} ({s.name}) has only {s.available} question(s) of the"
            f" {s.wanted} its weight asks for; the other domains made up the difference."
        )
    if report.graded_cards:
        n = len(report.graded_cards)
        line(f"Answered Again on {n} card{'s' if n != 1 else ''} (--grade-cards).")
    if report.missed:
        line()
        line(f"Missed ({len(report.missed)}):", "bold")
        for item in report.missed:
            parts += _missed(item)
    return parts


def _missed(item: MissedQuestion) -> list[RenderableType]:
    """One missed question: stem, options marked right/chosen (with their why), explanation."""
    from rich.table import Table
    from rich.text import Text

    from srs.terminal import escape_text

    parts: list[RenderableType] = [
        Text(""),
        HeadedSource(
            escape_text(f"Q{item.position} · domain {item.domain} · "),
            escape_text(item.source),
            style="bold",
        ),
        _indented(markdown(item.question)),
    ]
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for option in item.options:
        mark = "✓" if option.correct else ("✗" if option.chosen else " ")
        style = "green" if option.correct else ("red" if option.chosen else "")
        cell: list[RenderableType] = [markdown(option.text)]
        if option.rationale and (option.correct or option.chosen):
            cell.append(markdown(option.rationale, style="dim"))
        grid.add_row(Text(f"{mark} {option.letter})", style=style), _stack(cell))
    parts.append(_indented(grid))
    chosen = ", ".join(item.chosen) if item.chosen else "not answered"
    parts.append(_indented(Text(f"Your answer: {chosen} · right answer: {', '.join(item.answer)}")))
    explanation = item.explanation.strip()
    if explanation:
        if explanation[:1] in "`~#->*|+" or explanation[:1].isdigit():
            block: RenderableType = _stack([Text("Explanation:"), markdown(explanation)])
        else:  # a plain first paragraph reads best on the label's line
            block = markdown("Explanation: " + explanation)
        parts.append(_indented(block))
    return parts


def _indented(renderable: RenderableType, by: int = 2) -> RenderableType:
    """`renderable` wrapped to the width left after a left margin of `by` columns."""
    from rich.padding import Padding

    return Padding(renderable, (0, 0, 0, by), expand=False)


def _stack(parts: list[RenderableType]) -> RenderableType:
    from rich.console import Group

    return parts[0] if len(parts) == 1 else Group(*parts)


# -- the exam screen ----------------------------------------------------------------------------


@dataclass
class _View:
    """What the screen shows: a question, the list of all questions, or a confirmation."""

    position: int = 0
    mode: str = "question"  # question | list | confirm-submit | confirm-quit
    pending: dict[int, set[int]] = field(default_factory=dict)  # authored indexes typed
    message: str = ""
    goto: str = ""  # digits typed in the list


class ExamScreen:
    """Shows questions and reacts to keys until the exam is submitted, times out or is left."""

    def __init__(self, session: ExamSession, console: Console) -> None:
        self.session = session
        self.console = console
        self.view = _View()
        self.fits = False
        # Practice feedback taller than the screen is paged (as `srs review` pages an answer);
        # a window starts at the top again on another question, and when the feedback replaces
        # the options.
        self.pager = Pager("feedback")
        self._paged: tuple[int, bool] = (-1, False)
        unanswered = session.unanswered()
        if unanswered and session.answers:  # a resumed attempt: go on where it stopped
            self.view.position = unanswered[0]

    def run(self) -> str:
        """'submitted', 'timed_out', 'quit' or 'ctrl-c'."""
        try:
            with Keys(sys.stdin.fileno()) as keys:
                return self._loop(keys)
        except KeyboardInterrupt:
            return "ctrl-c"

    def _loop(self, keys: Any) -> str:
        self._draw()
        while True:
            left = self.session.remaining()
            if left is not None and left <= 0:
                return "timed_out"
            wait = min(1.0, left) if left is not None else 1.0
            if not select.select([keys.fd], [], [], wait)[0]:
                self._tick()
                continue
            key = keys.read()
            if key == "":
                return "quit"  # end of input: leave the attempt, resumable
            left = self.session.remaining()
            if left is not None and left <= 0:
                return "timed_out"  # a key after the bell does not count
            outcome = self._on_key(key)
            if outcome:
                return outcome
            self._draw()

    # -- keys --------------------------------------------------------------------------------

    def _question(self) -> Question:
        return self.session.questions[self.view.position]

    def _on_key(self, key: str) -> str:
        view = self.view
        view.message = ""
        if view.mode == "confirm-submit":
            view.mode = "question"
            if key.lower() == "y":
                return "submitted"
            view.message = "Not submitted."
            return ""
        if view.mode == "confirm-quit":
            view.mode = "question"
            if key.lower() == "y":
                return "quit"
            return ""
        if view.mode == "list":
            return self._list_key(key)
        return self._question_key(key)

    def _locked(self) -> bool:
        """In practice mode an answered question shows its answer and cannot change."""
        return (
            self.session.attempt.practice
            and self.session.answers.get(self.view.position) is not None
        )

    def _question_key(self, key: str) -> str:
        from srs.model import OPTION_LETTERS

        view, question = self.view, self._question()
        count = len(question.order)
        if self._locked() and self.pager.move(key):
            return ""
        if len(key) == 1 and key in OPTION_LETTERS[:count]:
            if self._locked():
                view.message = "Already answered; n goes on."
                return ""
            self._toggle(question, question.order[OPTION_LETTERS.index(key)])
            return ""
        if self.pager.move(key):  # tall options (j and k are letters only past 9 options)
            return ""
        if key in ("backspace", "esc"):
            view.pending[view.position] = set()
            return ""
        if key == "\n":
            if self._locked():
                return self._move(1)
            return self._confirm(question)
        command = key.lower() if len(key) == 1 else key
        if command == "n":
            return self._move(1)
        if command == "p":
            return self._move(-1)
        if command == "f":
            flagged = view.position not in self.session.flagged
            self.session.flag(view.position, flagged)
            view.message = f"Question {view.position + 1} {'flagged' if flagged else 'unflagged'}."
            return ""
        return self._common_key(command)

    def _common_key(self, command: str) -> str:
        view = self.view
        if command == "g":
            view.mode, view.goto = "list", ""
            return ""
        if command == "s":
            missing, flagged = len(self.session.unanswered()), len(self.session.flagged)
            if missing or flagged:
                view.mode = "confirm-submit"
                return ""
            return "submitted"
        if command == "q":
            view.mode = "confirm-quit"
            return ""
        if command == "?":
            view.message = KEYS_HINT
            return ""
        view.message = f"Unknown key. {KEYS_HINT}"
        return ""

    def _toggle(self, question: Question, index: int) -> None:
        chosen = self._pending(question)
        if index in chosen:
            chosen.discard(index)
        elif question.select == 1:
            chosen.clear()
            chosen.add(index)
        else:
            chosen.add(index)

    def _pending(self, question: Question) -> set[int]:
        view = self.view
        if question.position not in view.pending:
            saved = self.session.answers.get(question.position)
            view.pending[question.position] = set(saved or ())
        return view.pending[question.position]

    def _confirm(self, question: Question) -> str:
        view = self.view
        chosen = self._pending(question)
        if not chosen:
            if self.session.answers.get(question.position) is not None:
                self.session.answer(question.position, None)
                view.message = f"Answer to question {question.position + 1} cleared."
            else:
                view.message = "Choose an option first (its letter), then Enter."
            return ""
        if len(chosen) != question.select:
            view.message = f"Choose exactly {question.select} options (you chose {len(chosen)})."
            return ""
        self.session.answer(question.position, frozenset(chosen))
        if self.session.attempt.practice:
            # The verdict heads the feedback above; the message line says what comes next.
            view.message = "Enter or n: next question."
            return ""
        view.message = (
            f"Saved: {', '.join(question.letters(chosen))} for question {question.position + 1}."
        )
        later = [p for p in self.session.unanswered() if p > question.position]
        missing = later or self.session.unanswered()
        if missing:
            view.position = missing[0]
        else:
            view.mode = "list"
            view.message += " All questions are answered: s submits, or revisit any."
        return ""

    def _move(self, step: int) -> str:
        view = self.view
        target = view.position + step
        if not 0 <= target < len(self.session.questions):
            if step > 0 and self.session.attempt.practice:
                view.mode = "list"
                view.message = "That was the last question: s submits."
                return ""
            view.message = "That is the " + ("last" if step > 0 else "first") + " question."
            return ""
        view.position = target
        return ""

    def _list_key(self, key: str) -> str:
        view = self.view
        if key.isdigit() and len(key) == 1:
            view.goto += key
            return ""
        if key == "backspace":
            view.goto = view.goto[:-1]
            return ""
        if key == "\n" and view.goto:
            number = int(view.goto)
            view.goto = ""
            if 1 <= number <= len(self.session.questions):
                view.position, view.mode = number - 1, "question"
            else:
                view.message = f"No question {number}."
            return ""
        if key in ("\n", "esc") or key.lower() == "g":
            view.mode = "question"
            return ""
        command = key.lower()
        if command == "u":
            missing = self.session.unanswered()
            if missing:
                view.position, view.mode = missing[0], "question"
            else:
                view.message = "Every question is answered."
            return ""
        if command == "f":
            flagged = sorted(self.session.flagged)
            if flagged:
                view.position, view.mode = flagged[0], "question"
            else:
                view.message = "No question is flagged."
            return ""
        return self._common_key(command)

    # -- drawing -----------------------------------------------------------------------------

    def clear(self) -> None:
        if self.console.is_terminal:
            self.console.clear()

    def _status(self) -> str:
        session = self.session
        left = session.remaining()
        if left is not None:
            clock = f"Time left {clock_text(math.ceil(left))}"
        else:
            clock = f"Time {clock_text(session.elapsed())}"
        answered = len(session.questions) - len(session.unanswered())
        text = (
            f"{clock} · answered {answered} of {len(session.questions)}"
            f" · flagged {len(session.flagged)}"
        )
        return text[: max(self.console.width - 1, 10)]

    def _tick(self) -> None:
        """Rewrite the clock line in place (row 1), without redrawing the question."""
        if not self.console.is_terminal or not self.fits:
            return
        sys.stdout.write(f"\x1b[s\x1b[1;1H{self._status()}\x1b[K\x1b[u")
        sys.stdout.flush()

    def _draw(self) -> None:
        """Draw the screen; options or practice feedback taller than the terminal are paged
        under the clock and the question, the answer line and keys kept (`self.pager`)."""
        from rich.text import Text

        console, view = self.console, self.view
        if (view.position, self._locked()) != self._paged:
            self.pager = Pager("feedback")
            self._paged = (view.position, self._locked())
        status = render_lines(console, [Text(self._status(), style="bold")])
        head, body, foot = (render_lines(console, part) for part in self._compose())
        if view.mode != "list":
            self.pager.what = "feedback" if self._locked() else "option"
            lines = self.pager.fit(console, head, body, foot, height=console.height - len(status))
        else:
            self.pager.page, lines = 0, head + body + foot
        lines = status + lines
        # The clock is rewritten in place on row 1 only while the whole screen fits.
        self.fits = len(lines) < console.height
        with console.capture() as captured:
            print_lines(console, lines)
        self.clear()
        sys.stdout.write(captured.get())
        sys.stdout.flush()

    def _compose(
        self,
    ) -> tuple[list[RenderableType], list[RenderableType], list[RenderableType]]:
        """The screen under the clock line: the top (question), the middle (options, or the
        feedback that is paged), the bottom (prompts, message, keys)."""
        from rich.rule import Rule
        from rich.text import Text

        from srs.terminal import escape_text

        view = self.view
        head: list[RenderableType] = []
        body: list[RenderableType] = []
        foot: list[RenderableType] = []
        if view.mode == "list":
            head = self._draw_list()
        else:
            question = self._question()
            domain = self.session.blueprint.domain(question.domain)
            name = f"{question.domain} {domain.name}" if domain else question.domain
            title = Text(
                f"Question {view.position + 1} of {len(self.session.questions)} · Domain "
                + escape_text(name),
                style="bold cyan",
            )
            if view.position in self.session.flagged:
                title.append("  [flagged]", style="bold yellow")
            head = [title, Rule(style="dim"), markdown(question.card.front)]
            if self._locked():
                body.append(self._feedback(question))
            else:
                body.append(self._options(question))
                if question.select > 1:
                    body.append(Text(f"Choose {question.select}.", style="bold"))
                chosen = question.letters(self._pending(question))
                line = Text(f"Your answer: {','.join(chosen)}_", style="bold")
                saved = self.session.answers.get(view.position)
                if saved is not None and not self.session.attempt.practice:
                    line.append(f"   (saved: {','.join(question.letters(saved))})", style="dim")
                foot.append(line)  # kept on screen when the options are paged
        if view.mode == "confirm-submit":
            missing, flagged = len(self.session.unanswered()), len(self.session.flagged)
            foot.append(
                Text(
                    f"{missing} unanswered, {flagged} flagged. Submit now? (y/n)",
                    style="bold yellow",
                )
            )
        elif view.mode == "confirm-quit":
            foot.append(
                Text(
                    "Leave the exam? Answers are kept; `srs exam --resume` continues it. (y/n)",
                    style="bold yellow",
                )
            )
        if view.message:
            foot.append(Text(escape_text(view.message), style="yellow"))
        if view.mode == "list":
            hint = "number + Enter goes there · u first unanswered · f first flagged · Esc back"
            foot.append(Text(f"{hint} · s submit · q quit", style="dim"))
        elif self._locked():
            foot.append(Text("Enter/n next · p previous · g list · s submit · q quit", style="dim"))
        else:
            foot.append(Text(KEYS_HINT, style="dim"))
        return head, body, foot

    def _options(self, question: Question) -> RenderableType:
        from rich.table import Table
        from rich.text import Text

        from srs.model import OPTION_LETTERS

        chosen = self._pending(question)
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for shown, index in enumerate(question.order):
            picked = index in chosen
            grid.add_row(
                Text(f"[{'x' if picked else ' '}] {OPTION_LETTERS[shown]})", style="bold"),
                markdown(question.card.options[index].text),
            )
        return grid

    def _feedback(self, question: Question) -> RenderableType:
        """Practice mode: right or wrong, the correct option(s), rationales, explanation."""
        from rich.console import Group
        from rich.rule import Rule
        from rich.table import Table
        from rich.text import Text

        from srs.exam.draw import is_correct
        from srs.model import OPTION_LETTERS

        chosen = self.session.answers.get(question.position) or frozenset()
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for shown, index in enumerate(question.order):
            option = question.card.options[index]
            picked = index in chosen
            if option.correct:
                mark, style, note = "✓", "bold green" if picked else "green", "right answer"
            elif picked:
                mark, style, note = "✗", "bold red", "wrong"
            else:
                mark, style, note = " ", "", ""
            cell: list[RenderableType] = [markdown(option.text)]
            if note:
                cell.append(Text(note, style=style))
            if option.rationale:
                cell.append(markdown(option.rationale, style="dim"))
            grid.add_row(
                Text(f"{mark} {OPTION_LETTERS[shown]})", style=style or "bold"), _stack(cell)
            )
        right = is_correct(question, chosen)
        parts: list[RenderableType] = [
            grid,
            Text(
                "Correct." if right else "Not quite.", style="bold green" if right else "bold red"
            ),
        ]
        if question.card.back.strip():
            parts += [Rule("explanation", style="dim"), markdown(question.card.back)]
        return Group(*parts)

    def _draw_list(self) -> list[RenderableType]:
        from rich.text import Text

        from srs.terminal import escape_text

        # Plain fixed-width lines: a rich Table drops whole columns on a narrow terminal.
        session, view = self.session, self.view
        width = self.console.width
        number = len(str(len(session.questions)))
        room = max(self.console.height - 8, 5)
        first = max(0, min(view.position - room // 2, len(session.questions) - room))
        lines = [f"{'#':>{number + 1}} {'status':<8} {'flag':<7} {'dom':<3} question"]
        for q in session.questions[first : first + room]:
            answered = session.answers.get(q.position) is not None
            mark = "*" if q.position == view.position else " "
            flag = "flagged" if q.position in session.flagged else ""
            stem = escape_text(" ".join(q.card.front.split()))
            line = (
                f"{q.position + 1:>{number}}{mark} {'answered' if answered else '-':<8}"
                f" {flag:<7} {escape_text(q.domain):<3} {stem}"
            )
            lines.append(line if len(line) <= width else line[: width - 1] + "…")
        parts: list[RenderableType] = [
            Text("Questions (* = the one you were on)", style="bold cyan"),
            Text(lines[0], style="bold"),
        ]
        parts += [Text(line, no_wrap=True, overflow="ignore") for line in lines[1:]]
        if view.goto:
            parts.append(Text(f"Go to question: {view.goto}_", style="bold"))
        return parts
