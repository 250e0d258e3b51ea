"""`srs stats` (being written)."""
