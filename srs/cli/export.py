"""`srs export` (being written)."""
