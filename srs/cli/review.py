"""`srs review` (being written)."""
