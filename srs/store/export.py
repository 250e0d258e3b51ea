"""Choosing the notes an export writes: decks (with sub-decks) and a tag."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from srs.store.notes import NoteQueries, StoredNote
from srs.store.scope import IN_DECK, deck_params


class ExportQueries(NoteQueries):
    """Live notes of the chosen decks, streamed with their cards and history."""

    def notes_to_export(self, decks: Sequence[str], tag: str | None) -> Iterator[StoredNote]:
        """Notes (not orphaned) in any of `decks` (all when empty) carrying `tag` (if given)."""
        clauses, params = ["n.orphaned = 0"], dict[str, Any]()
        if decks:
            parts = []
            for i, deck in enumerate(decks):
                parts.append("n." + re.sub(r":(deck|deck_prefix)\b", rf":\g<1>{i}", IN_DECK))
                params |= {f"{key}{i}": value for key, value in deck_params(deck).items()}
            clauses.append("(" + " OR ".join(parts) + ")")
        if tag:
            clauses.append("EXISTS (SELECT 1 FROM json_each(n.tags) t WHERE t.value = :tag)")
            params["tag"] = tag
        yield from self.stored_notes(" AND ".join(clauses), params, with_reviews=True)
