"""Bring decks from other programs: convert them to srs's own Markdown, history included.

`srs convert SOURCE --to DIR` reads a deck of another program with one *source reader* per
format (`csv`, `anki`, `obsidian`, `hashcards`, registered in `srs.convert.run.SOURCES`), each
returning a `Source`: converted notes (`ConvertedNote`: kind, sides, options, tags, deck, an
explicit id when the source has one, and the review history of each card), media and
warnings. The Markdown writer (`srs.convert.writer`) turns them into deck files in srs's
format, which stay the source of truth; `srs.convert.manifest` remembers which files a
conversion wrote so that it never overwrites anything else. The history is handed to the
importer keyed by the ids the written files give their cards (`run.card_history`).
"""
