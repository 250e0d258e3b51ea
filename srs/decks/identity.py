"""Card identity: which edits keep a card "the same card" and which make a new one.

A card without an explicit `id` is known by a hash of its *normalised* content. Normalising
folds what a reader does not see as a change of meaning (Unicode composition, case,
whitespace, Markdown emphasis markers) and keeps everything else (digits, punctuation,
symbols, `%`), so "5 %" and "5" stay different cards while "**Kinesis**" and "kinesis" do
not. The deck, the file path and the tags are never hashed: moving a card keeps it.

When a reworded card gets a new hash, the importer may relink it to the one card that
vanished from the same file, using `pick_relink` (a fixed threshold and margin, so the
choice never depends on iteration order or luck).
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Mapping

from srs.digests import blake2b

__all__ = [
    "RELINK_MARGIN",
    "RELINK_THRESHOLD",
    "content_hash",
    "fingerprint",
    "normalise",
    "pick_relink",
    "short_hash",
    "similarity",
    "tagged_hash",
]

RELINK_THRESHOLD = 0.8
"""A vanished card is a relink candidate only if its similarity is at least this."""

RELINK_MARGIN = 0.05
"""The best candidate must beat every other candidate by more than this."""

# Characters that only mark emphasis or code spans in Markdown; deleting them folds
# `**bold**`, `_em_`, `` `code` `` and `~~strike~~` into plain text. Single `~` is
# deleted too: it is rare in prose and never the whole meaning of a card.
_EMPHASIS = str.maketrans("", "", "*_`~")
_SEPARATOR = "\x1f"  # unit separator: cannot be confused with text in a part


def normalise(text: str) -> str:
    """Fold cosmetic differences: NFC, casefold, no emphasis markers, single spaces.

    Idempotent: `normalise(normalise(t)) == normalise(t)`.
    """
    if text.isascii():  # fast path: most cards; NFC and casefold are no-ops beyond lower()
        folded = text.lower()
        # Most texts have no marker: four `in` tests written out cost a third of a loop over
        # the markers; str.replace per marker is ~2x faster than translate() with a table.
        if "*" in folded or "_" in folded or "`" in folded or "~" in folded:
            for mark in "*_`~":
                folded = folded.replace(mark, "")
        return " ".join(folded.split())
    folded = unicodedata.normalize("NFC", text).casefold()
    folded = unicodedata.normalize("NFC", folded).translate(_EMPHASIS)
    return " ".join(folded.split())


# One empty hasher per digest size, copied for each digest: `copy()` then `update()` costs
# about two thirds of a new `blake2b(data, digest_size=n)`, whose keyword parsing dominates
# for texts as short as a card's (an import hashes each note two or three times).
_EMPTY = {hex_chars: blake2b(digest_size=hex_chars // 2) for hex_chars in (8, 16)}


def _digest(payload: str, hex_chars: int) -> str:
    hasher = _EMPTY[hex_chars].copy()
    # surrogatepass: `parse_text` accepts any str, including lone surrogates.
    hasher.update(payload.encode("utf-8", "surrogatepass"))
    return hasher.hexdigest()


def content_hash(*parts: str) -> str:
    """16 hex characters identifying the normalised parts (order matters)."""
    return _digest(_SEPARATOR.join([normalise(p) for p in parts]), 16)


def tagged_hash(tag: str, *parts: str) -> str:
    """`content_hash(tag, *parts)` for a tag that is already normal (lower-case ASCII words,
    such as a note kind): the same 16 hex characters without normalising the tag again."""
    if len(parts) == 1:  # a basic note's question
        return _digest(f"{tag}{_SEPARATOR}{normalise(parts[0])}", 16)
    return _digest(_SEPARATOR.join([tag, *[normalise(p) for p in parts]]), 16)


def short_hash(*parts: str) -> str:
    """8 hex characters over the normalised parts; used for sibling suffixes."""
    return _digest(_SEPARATOR.join([normalise(p) for p in parts]), 8)


def fingerprint(*parts: str) -> str:
    """16 hex characters over the exact parts (not normalised): changes on any edit."""
    return _digest(_SEPARATOR.join(parts), 16)


def similarity(a: str, b: str) -> float:
    """How alike two texts are after normalising, from 0 (nothing shared) to 1 (equal).

    `difflib.SequenceMatcher.ratio` without the autojunk heuristic, so the result depends
    only on the two texts.
    """
    na, nb = normalise(a), normalise(b)
    if na == nb:
        return 1.0
    return difflib.SequenceMatcher(None, na, nb, autojunk=False).ratio()


def pick_relink(new_text: str, vanished: Mapping[str, str]) -> str | None:
    """The id of the one vanished card clearly similar to `new_text`, else None.

    `vanished` maps id -> that card's (normalised) text. The rule: the best similarity must
    be at least `RELINK_THRESHOLD` (0.8) and no other candidate may come within
    `RELINK_MARGIN` (0.05) of it; two near-equal candidates mean we cannot tell which card
    was edited, so none is relinked. Candidates are visited in id order, so the answer does
    not depend on the mapping's order.
    """
    target = normalise(new_text)
    floor = RELINK_THRESHOLD - RELINK_MARGIN
    scores: list[tuple[float, str]] = []
    for note_id in sorted(vanished):
        other = normalise(vanished[note_id])
        if other == target:
            scores.append((1.0, note_id))
            continue
        matcher = difflib.SequenceMatcher(None, target, other, autojunk=False)
        # quick_ratio is an upper bound of ratio: a candidate below the floor can neither
        # win nor come within the margin of a winner, so skip the expensive ratio().
        if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
            continue
        scores.append((matcher.ratio(), note_id))
    if not scores:
        return None
    scores.sort(key=lambda s: (-s[0], s[1]))
    best, best_id = scores[0]
    if best < RELINK_THRESHOLD:
        return None
    if len(scores) > 1 and best - scores[1][0] <= RELINK_MARGIN:
        return None
    return best_id
