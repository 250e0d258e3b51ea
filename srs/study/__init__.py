"""Studying: today's queue (`queue`), a review session (`session`) and multiple-choice answers
(`mcq`). Front ends (the terminal screen, scripts) drive a `Session`; nothing here prints.
"""
