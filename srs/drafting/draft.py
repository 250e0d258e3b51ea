"""`srs draft`: new cards from the learner's model, checked by the real parser, into a draft file.

1. Choose the grounding (`grounding`): a domain of the target exam (`--domain`, the domain most
   of a deck's cards serve with `--deck`, else the weakest domain in readiness or statistics)
   with its task statements; the learner's notes file (`--from`); recently failed cards
   (`--failed-since`).
2. Ask once (`srs.drafting.prompts`), check every card (`srs.drafting.check`), send the cards
   that did not pass back once with the parser's messages, drop those that still fail.
3. Write the accepted cards (at most `count`) to a new file marked `draft: true`
   (`srs.drafting.write`). Nothing is written when the model cannot be asked or gives no
   usable card.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from srs.dates import to_ms
from srs.drafting.ask import DEFAULT_TIMEOUT, LlmError, ask
from srs.drafting.check import Known, check_cards, known, split_cards
from srs.drafting.prompts import (
    KINDS,
    Grounding,
    card_text,
    draft_prompt,
    draft_system,
    retry_prompt,
)
from srs.drafting.write import draft_text, write_draft
from srs.errors import ConfigError
from srs.model import value_class

if TYPE_CHECKING:
    from srs.collection import Collection
    from srs.views import CardView

__all__ = ["DraftRequest", "DraftResult", "draft", "grounding"]

MAX_COUNT = 50
MAX_FAILED = 20  # failed cards sent at most
MAX_NOTES_BYTES = 1_000_000


@value_class
class DraftRequest:
    """What `srs draft` was asked for."""

    kind: str = "mcq"
    count: int = 5
    model: str | None = None
    deck: str | None = None
    domain: str | None = None
    notes: Path | None = None
    failed_since_days: int | None = None
    to: Path | None = None
    timeout: float = DEFAULT_TIMEOUT


@dataclass(slots=True)
class Chosen:
    """The grounding chosen for a request, with what the draft file records."""

    grounding: Grounding
    exam: str | None = None
    domain: str | None = None
    why: str = ""  # how the domain was chosen ("--domain", "weakest", "deck")
    label: str = "draft"  # for the default file name


@dataclass(slots=True)
class DraftResult:
    """What a draft run did (`srs draft --json`)."""

    path: Path
    model: str
    kind: str
    asked: int
    written: int
    retried: int = 0  # cards sent back once with the parser's messages
    dropped: int = 0  # cards that still did not pass
    duplicates: int = 0
    exam: str | None = None
    domain: str | None = None
    domain_chosen: str = ""
    problems: list[str] = field(default_factory=list)  # of the dropped cards

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "model": self.model,
            "kind": self.kind,
            "asked": self.asked,
            "written": self.written,
            "retried": self.retried,
            "dropped": self.dropped,
            "duplicates": self.duplicates,
            "exam": self.exam,
            "domain": self.domain,
            "domain_chosen": self.domain_chosen,
            "problems": list(self.problems),
        }


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "draft"


def _weakest_domain(col: Collection, now: datetime) -> str | None:
    stats = col.stats(now)
    if stats.readiness and stats.readiness.get("weakest_domain"):
        return str(stats.readiness["weakest_domain"])
    return next((d.domain for d in stats.domains if d.weakest), None)


def _failed_cards(col: Collection, now: datetime, days: int) -> tuple[str, ...]:
    since = to_ms(now - timedelta(days=days))
    views = [col.card(card_id) for card_id in col.store.failed_card_ids(since, MAX_FAILED)]
    return tuple(_card_prompt_text(view) for view in views)


def _card_prompt_text(view: CardView) -> str:
    options = [(o.text, o.correct, o.rationale) for o in view.options]
    context = " › ".join(part for part in (view.deck, *view.context) if part)
    return card_text(view.front, view.back, options, context)


def _read_notes(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_NOTES_BYTES + 1)
    except OSError as e:
        raise ConfigError(f"cannot read notes file {path}: {e.strerror or e}") from None
    if len(data) > MAX_NOTES_BYTES:
        raise ConfigError(f"notes file {path} is larger than {MAX_NOTES_BYTES} bytes; split it")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"notes file {path} is not UTF-8 text") from None
    if not text.strip():
        raise ConfigError(f"notes file {path} is empty")
    return text


def grounding(col: Collection, request: DraftRequest, now: datetime) -> Chosen:
    """What the cards of `request` are grounded in (ConfigError when there is nothing)."""
    exam = col.target_exam(now)
    blueprint = next((b for b in col.blueprints() if b.code == exam), None)
    domain_id: str | None = None
    why = ""
    if request.domain is not None:
        domain_id, why = request.domain.strip(), "--domain"
        if blueprint is not None and blueprint.domain(domain_id) is None:
            ids = ", ".join(d.id for d in blueprint.domains)
            raise ConfigError(f"exam {exam} has no domain {domain_id!r} (its domains: {ids})")
    elif request.deck is not None:
        counts = Counter(
            d for d in (c.domain_for(exam) for c in col.cards(request.deck)) if d is not None
        )
        if counts:
            domain_id, why = min(counts, key=lambda d: (-counts[d], d)), "deck"
    elif request.notes is None and request.failed_since_days is None:
        domain_id, why = _weakest_domain(col, now), "weakest"
        if domain_id is None:
            raise ConfigError(
                "no weakest domain to draft for (no cards mapped to an exam's domains, or all"
                " alike); pass --domain N, --from NOTES.md or --failed-since DAYS"
            )
    domain = blueprint.domain(domain_id) if blueprint and domain_id else None
    failed: tuple[str, ...] = ()
    if request.failed_since_days is not None:
        failed = _failed_cards(col, now, request.failed_since_days)
        if not failed:
            raise ConfigError(f"no card was failed in the last {request.failed_since_days} day(s)")
    notes = _read_notes(request.notes) if request.notes is not None else None
    label_parts = [
        request.deck or "",
        f"{exam}-d{domain_id}" if domain_id and exam else "",
        request.notes.stem if request.notes is not None else "",
        "failed" if failed else "",
    ]
    return Chosen(
        Grounding(
            exam=f"{exam} ({blueprint.name})" if blueprint else exam,
            domain=(f"{domain_id}: {domain.name}" if domain else domain_id),
            tasks=domain.tasks if domain else (),
            notes=notes,
            failed=failed,
            deck=request.deck,
        ),
        exam=exam if domain_id else None,
        domain=domain_id,
        why=why,
        label=_slug("-".join(p for p in label_parts if p)),
    )


def _known(col: Collection) -> list[Known]:
    """The collection's live cards, to drop drafted duplicates of."""
    return [known(n.kind, n.front, n.back, n.correct) for n in col.store.note_texts()]


def draft(col: Collection, request: DraftRequest, now: datetime) -> DraftResult:
    """Ask the model for cards, check them, and write the draft file (see the module doc)."""
    if request.kind not in KINDS:
        raise ConfigError(f"unknown kind {request.kind!r}; use one of {', '.join(KINDS)}")
    if not 1 <= request.count <= MAX_COUNT:
        raise ConfigError(f"--count must be 1 to {MAX_COUNT}")
    chosen = grounding(col, request, now)
    to = request.to or Path(f"draft-{chosen.label}-{now:%Y%m%d-%H%M%S}.md")
    if to.exists() or to.is_symlink():
        raise ConfigError(f"{to} already exists; choose another file with --to")
    if not to.parent.is_dir():
        raise ConfigError(f"no folder {to.parent} for the draft; create it or choose another")
    system = draft_system(request.kind)
    first = ask(
        request.model,
        system,
        draft_prompt(request.kind, request.count, chosen.grounding),
        timeout=request.timeout,
    )
    known = _known(col)
    cards = split_cards(first.reply)[: request.count * 2]
    checked = check_cards(cards, request.kind, known)
    result = DraftResult(
        path=to,
        model=first.model,
        kind=request.kind,
        asked=request.count,
        written=0,
        duplicates=checked.duplicates,
        exam=chosen.exam,
        domain=chosen.domain,
        domain_chosen=chosen.why,
    )
    accepted = [text for text, _ in checked.accepted]
    if checked.rejected and len(accepted) < request.count:
        result.retried = len(checked.rejected)
        again = ask(
            first.model,
            system,
            retry_prompt(request.kind, checked.rejected),
            timeout=request.timeout,
        )
        fixed_cards = split_cards(again.reply)[: len(checked.rejected)]
        fixed = check_cards(fixed_cards, request.kind, known, first_number=len(cards) + 1)
        accepted += [text for text, _ in fixed.accepted]
        result.duplicates += fixed.duplicates
        result.dropped = len(checked.rejected) - len(fixed.accepted) - fixed.duplicates
        result.problems = [problems for _, problems in fixed.rejected]
    else:
        result.dropped = len(checked.rejected)
        result.problems = [problems for _, problems in checked.rejected]
    accepted = accepted[: request.count]
    if not accepted:
        raise LlmError(
            f"model {first.model!r} gave no usable card ({result.dropped} did not pass the"
            f" checks, {result.duplicates} duplicate(s)); nothing was written"
        )
    text = draft_text(
        accepted,
        model=first.model,
        deck=request.deck,
        exam_domains={chosen.exam: chosen.domain} if chosen.exam and chosen.domain else None,
        grounded_in=_grounded_in(chosen, request),
    )
    write_draft(to, text)
    result.written = len(accepted)
    return result


def _grounded_in(chosen: Chosen, request: DraftRequest) -> str:
    parts = []
    if chosen.domain:
        parts.append(f"{chosen.exam or 'exam'} domain {chosen.domain}")
    if request.notes is not None:
        parts.append("notes")
    if request.failed_since_days is not None:
        parts.append(f"cards failed in {request.failed_since_days} day(s)")
    return ", ".join(parts)
