"""srs: spaced-repetition flashcards from Markdown decks.

Data flows one way: deck files -> `srs.decks.markdown` -> `srs.model` values -> `srs.store`; the
scheduler (`srs.scheduler`) is pure; the CLI and exporters sit at the edge.
"""

__version__ = "0.1.0"
