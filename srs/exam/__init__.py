"""Mock exams: blueprints (what an exam asks), drawing and scoring (`draw`), attempts kept in the
collection (`attempts`).

`blueprints` and `draw` are pure; `attempts` stores through the store's typed methods.
"""
