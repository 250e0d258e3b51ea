"""`srs explain CARD` (and the review screen's `x` key): the model explains a card's concept.

What is sent: the card's question, options with their rationales, answer or explanation, and
its deck and headings (`srs.drafting.prompts.card_text`); never its history or file path.

Explanations are cached per card, card text and model, as files in a folder beside the
collection (`collection.db` -> `collection.db.explanations/`), so a card is explained once
per model and again after its text changes. Files rather than a table: the cache is
disposable (deleting the folder costs only new questions), it needs no schema migration, and
backups of the collection stay the learner's own data. File names are digests (never model or
deck text), each written to a temporary file and renamed into place.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from srs.digests import blake2b
from srs.drafting.ask import DEFAULT_TIMEOUT, ask, model_name
from srs.drafting.check import sanitise
from srs.drafting.prompts import card_text, explain_prompt, explain_system
from srs.model import value_class

if TYPE_CHECKING:
    from srs.collection import Collection
    from srs.views import CardView

__all__ = ["Explanation", "cache_folder", "explain"]

CACHE_SUFFIX = ".explanations"


@value_class
class Explanation:
    """A card's explanation (Markdown, sanitised) and whether it came from the cache."""

    card_id: str
    model: str
    text: str
    cached: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "card": self.card_id,
            "model": self.model,
            "text": self.text,
            "cached": self.cached,
        }


def cache_folder(col: Collection) -> Path | None:
    """Where explanations are kept (None for a collection without a file)."""
    path = col.store.path
    return None if path is None else path.with_name(path.name + CACHE_SUFFIX)


def _card_prompt(view: CardView) -> str:
    options = [(o.text, o.correct, o.rationale) for o in view.options]
    context = " › ".join(part for part in (view.deck, *view.context) if part)
    return card_text(view.front, view.back, options, context)


def _key(card_id: str, model: str, card: str) -> str:
    payload = json.dumps([card_id, model, card], ensure_ascii=False)
    return blake2b(payload.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _read(path: Path, card_id: str, model: str) -> str | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # missing or damaged: ask again
    if not isinstance(data, dict) or data.get("card") != card_id or data.get("model") != model:
        return None
    text = data.get("text")
    return text if isinstance(text, str) else None


def _write(folder: Path, path: Path, data: dict[str, str]) -> None:
    """Best effort: an explanation that cannot be cached is still shown."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False)
        os.replace(temp, path)
    except OSError:
        pass


def explain(
    col: Collection,
    card_id: str,
    model: str | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    refresh: bool = False,
) -> Explanation:
    """The explanation of a card by `model` (default: `llm models default`), cached.

    Raises CardNotFound for an unknown card and `LlmError` (one line) when the model cannot
    be asked; nothing is cached then.
    """
    view = col.card(card_id)
    name = model_name(model)
    card = _card_prompt(view)
    folder = cache_folder(col)
    path = folder / f"{_key(view.id, name, card)}.json" if folder is not None else None
    if path is not None and not refresh:
        cached = _read(path, view.id, name)
        if cached is not None:
            return Explanation(view.id, name, cached, cached=True)
    asked = ask(name, explain_system(), explain_prompt(card), timeout=timeout)
    text = sanitise(asked.reply).strip()
    if folder is not None and path is not None:
        _write(folder, path, {"card": view.id, "model": name, "text": text})
    return Explanation(view.id, name, text, cached=False)
