"""Mock exams: blueprints (what an exam asks), drawing and scoring (`draw`), the typed report
(`report`), attempts kept in the collection (`attempts`), and sitting one as `srs exam` asks
(`sitting`).

`blueprints`, `draw` and `report` are pure; `attempts` and `sitting` store through the store's
typed methods (`srs.store.exams`) and never import `srs.collection`: what they need of a
collection is the `attempts.ExamCollection` protocol.
"""
