"""The memory model and what is built on it: FSRS-6 (`model`), the exam planner (`planner`) and
exam mode on a collection (`exam_mode`).

`model` and `planner` are pure (no I/O, no clock); `exam_mode` gathers the planner's inputs
through the store's typed methods and turns its answer into today's queue.
"""
