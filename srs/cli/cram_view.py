"""What `srs review --cram` says at its end: why it ended and what was drilled (nothing saved).

Kept apart from `srs.cli.review_screen` (the screen both sessions share) so that each module stays
small; it holds no command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import RenderableType

    from srs.study.cram import CramSession, CramSummary

NOT_SAVED = "Cram session: nothing was saved to the schedule or the review log."


def cram_ending_text(session: CramSession) -> str:
    """Why the drill ended."""
    from srs.study.session import StopReason

    reason = session.stop_reason
    if reason is StopReason.MAX_CARDS:
        return "Card limit reached."
    if reason is StopReason.TIME:
        return "Time limit reached."
    if session.total == 0:
        if session.col.store.card_count() == 0:
            return "The collection is empty: import first: srs import decks"
        return "No cards match the cram filter (deck, tag, --domain, --failed-since)."
    return "Cram done: every card answered Good or Easy."


def render_cram_summary(summary: CramSummary, why: str, width: int = 80) -> RenderableType:
    """The end-of-drill report as rich text (deck text escaped)."""
    from rich.text import Text

    from srs.cli.screen import append_card_list
    from srs.model import Grade

    out = Text()
    out.append(why + "\n", style="bold")
    if summary.answers:
        secs = int(summary.seconds)
        out.append(
            f"Drilled {summary.cards} card{'s' if summary.cards != 1 else ''}"
            f" ({summary.answers} answer{'s' if summary.answers != 1 else ''})"
            f" in {secs // 60}:{secs % 60:02d}\n"
        )
        out.append(" · ".join(f"{g.name.title()} {summary.share(g):.0%}" for g in Grade) + "\n")
    if summary.left:
        out.append(f"Not yet answered Good or Easy: {summary.left}\n")
    if summary.missed:
        out.append("Missed in this drill:\n", style="bold")
        append_card_list(out, summary.missed, width)
    out.append(NOT_SAVED)
    return out
