"""Deck files in, format-neutral notes out: discovery, one reader per format, the note builder.

Owns: finding deck files (`discover`, walking folders for the suffixes `formats` registers),
reading each format (`formats` picks the reader by suffix: `markdown` for srs's own Markdown,
with `frontmatter` and `cloze`), turning a reader's format-neutral drafts into notes with their
identity (`builder`, over the rules of `identity`), reading a whole import (`reader`) and
applying it to the store with any review history carried in (`importer`). Imports the model,
errors and the store's typed methods; never the scheduler, the CLI or a feature folder (the
exam blueprints read with the decks are loaded lazily by `reader` and `importer`).
"""
