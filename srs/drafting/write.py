"""Writing a draft deck: one new Markdown file marked `draft: true`, never anything else.

The file is created exclusively (an existing file is never overwritten) and written whole, or
removed again if writing fails. Its name comes from the learner (`--to`) or from srs; model
text only ever goes inside it, and its front matter is srs's own (the reply cannot add any:
its cards were split at `---` lines). `srs import` skips the file until the learner has read
the cards and deleted the `draft: true` line (docs/deck-format.md).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from srs.errors import SrsError

__all__ = ["DraftWriteError", "draft_text", "write_draft"]


class DraftWriteError(SrsError):
    """The draft file could not be written (nothing was left behind)."""


def _yaml_text(value: str) -> str:
    # JSON strings are YAML flow scalars: quotes and escapes that PyYAML reads back as written.
    return json.dumps(value, ensure_ascii=False)


def draft_text(
    cards: Sequence[str],
    *,
    model: str,
    deck: str | None = None,
    exam_domains: dict[str, str] | None = None,
    grounded_in: str = "",
) -> str:
    """The draft deck: srs's front matter, then the cards separated by `---` lines."""
    lines = [
        "---",
        "# Drafted by a language model: read every card, fix or delete what is wrong,",
        "# then delete the `draft: true` line and run `srs import` on this file.",
        "draft: true",
    ]
    if deck:
        lines.append(f"deck: {_yaml_text(deck)}")
    if exam_domains:
        pairs = ", ".join(f"{_yaml_text(k)}: {_yaml_text(v)}" for k, v in exam_domains.items())
        lines.append(f"exam_domains: {{{pairs}}}")
    lines.append("tags: [llm-draft]")
    source = f"drafted by {model}" + (f" from {grounded_in}" if grounded_in else "")
    lines.append(f"source: {_yaml_text(source)}")
    lines.append("---")
    body = "\n\n---\n\n".join(card.strip() for card in cards)
    return "\n".join(lines) + "\n\n" + body + "\n"


def write_draft(path: Path, text: str) -> Path:
    """Create `path` with `text`; DraftWriteError if it exists or cannot be written."""
    try:
        handle = open(path, "x", encoding="utf-8", newline="\n")  # noqa: SIM115 - closed below
    except FileExistsError:
        raise DraftWriteError(
            f"{path} already exists; choose another file with --to (nothing was written)"
        ) from None
    except OSError as e:
        raise DraftWriteError(f"cannot create {path}: {e.strerror or e}") from None
    try:
        with handle:
            handle.write(text)
    except OSError as e:
        os.unlink(path)
        raise DraftWriteError(f"cannot write {path}: {e.strerror or e}") from None
    return path
