"""Small helpers for writing SQL safely: LIKE escaping and `IN (...)` chunks."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

# How long a writer waits for another process's transaction before giving up.
BUSY_TIMEOUT_MS = 10_000


def chunks(values: Sequence[str], size: int = 500) -> Iterator[tuple[list[str], str]]:
    """Slices of `values` small enough for one `IN (...)`, with their `?` placeholders."""
    for start in range(0, len(values), size):
        chunk = list(values[start : start + size])
        yield chunk, ",".join("?" * len(chunk))


def like_escape(text: str) -> str:
    """Escape LIKE wildcards (use with `ESCAPE '\\'`)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
