"""Deck files in, format-neutral notes out: discovery, one reader per format, the note builder.

Owns: finding deck files (`discover`), reading each format into notes (`markdown` for srs's own
Markdown, with `frontmatter` and `cloze`), card identity (`identity`), reading a whole import
(`reader`) and applying it to the store (`importer`). Imports the model, errors and the store's
typed methods; never the scheduler, the CLI or a feature folder.
"""
