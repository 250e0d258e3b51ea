"""Calibration (issue 22): the memory model's predictions against the learner's own answers,
kept on the review log (m012), measured in one grouped read, shown by `srs stats` and `srs plan`."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from srs.collection import Collection
from srs.memory.calibration import (
    MIN_ANSWERS,
    corrected_model,
    measure,
    rescaled,
)
from srs.memory.model import FsrsModel, default_model, recall
from srs.memory.planner import DayPlan
from srs.model import Grade
from srs.store.calibration import BIN_SCALE, PredictionGroup
from srs.store.scope import QueueFilter

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CARDS = 40


def write_deck(root: Path, cards: int = CARDS) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    body = "\n\n".join(f"Q: question {i}?\nA: answer {i}" for i in range(cards))
    (root / "facts.md").write_text("# Facts\n\n" + body + "\n", encoding="utf-8")
    return root


@pytest.fixture
def col(db_path: Path, tmp_path: Path) -> Iterator[Collection]:
    collection = Collection.open(db_path)
    collection.import_paths([write_deck(tmp_path / "decks")], START)
    yield collection
    collection.close()


def study(col: Collection, days: int, forget: float, seed: int = 7) -> list[tuple[float, bool]]:
    """Answer every card on days 0, then each card every 2-5 days; a card is recalled when a
    uniform draw is above `forget` x its predicted lapse chance. Returns (predicted, recalled)
    of every answer a day or more after the card's last, computed from the card as read."""
    rng = random.Random(seed)
    ids = [c.id for c in col.cards()]
    next_day = {card_id: 0 for card_id in ids}
    seen: list[tuple[float, bool]] = []
    for day in range(days):
        now = START + timedelta(days=day, minutes=1)
        for card_id in ids:
            if next_day[card_id] != day:
                continue
            card = col.card(card_id)
            memory = card.scheduling.memory
            if memory is None:
                grade = Grade.GOOD
            else:
                p = recall(memory, now, default_model())
                ok = rng.random() >= forget * (1 - p)
                grade = Grade.GOOD if ok else Grade.AGAIN
                seen.append((p, ok))
            col.answer(card_id, grade, now)
            now += timedelta(seconds=10)
            next_day[card_id] = day + rng.randint(2, 5)
    return seen


def test_calibration_counts_every_answer_after_a_day_with_its_prediction(col: Collection) -> None:
    seen = study(col, 30, forget=1.0)
    cal = col.calibration()
    assert cal.answers == len(seen) > 100
    assert cal.predicted == pytest.approx(sum(p for p, _ in seen) / len(seen), rel=1e-9)
    assert cal.recalled == pytest.approx(sum(ok for _, ok in seen) / len(seen))
    loss = -sum(math.log(p) if ok else math.log(1 - p) for p, ok in seen) / len(seen)
    assert cal.log_loss == pytest.approx(loss, abs=2e-3)  # groups of 1/1000
    assert sum(b.answers for b in cal.bins) == len(seen)
    assert cal.to_dict()["gap"] == pytest.approx(cal.recalled - cal.predicted, abs=1e-4)


def test_a_learner_who_forgets_faster_shows_a_negative_gap_and_a_scale_below_one(
    col: Collection,
) -> None:
    study(col, 40, forget=3.0)
    cal = col.calibration()
    assert cal.enough
    assert cal.gap is not None and cal.gap < -0.05
    assert cal.stability_scale < 0.8
    # the correction makes the model fit better: its log loss is lower on the same answers
    assert cal.to_dict()["correcting"] is True


def test_predictions_not_computed_yet_are_replayed_to_the_same_figures(col: Collection) -> None:
    study(col, 25, forget=1.5)
    before = col.calibration()
    with col.store.transaction():
        col.store.clear_predictions()  # as a log from before m012 has them
    assert col.store.unpredicted_cards()
    after = col.calibration()
    assert not col.store.unpredicted_cards()
    assert after.answers == before.answers
    assert after.predicted == pytest.approx(before.predicted, rel=1e-9)
    assert after.log_loss == pytest.approx(before.log_loss, rel=1e-9)


def test_new_parameters_predict_again(col: Collection) -> None:
    study(col, 25, forget=1.0)
    before = col.calibration()
    w = list(default_model().w)
    w[20] = 0.5  # a steeper curve: lower predictions at the same elapsed time and stability
    col.set_option("fsrs_parameters", ",".join(str(x) for x in w))
    # The replay that re-derived memory predicted every answer again on the way: the next
    # measurement has nothing left to replay (on a 1M-answer log that replay took ~20 s).
    assert not col.store.unpredicted_cards()
    after = col.calibration()
    assert after.answers == before.answers
    assert after.predicted is not None and before.predicted is not None
    assert after.predicted != pytest.approx(before.predicted, abs=1e-3)
    with col.store.transaction():
        col.store.clear_predictions()
    again = col.calibration()  # every answer predicted from scratch with the new curve
    assert again.answers == after.answers
    assert again.predicted == pytest.approx(after.predicted, rel=1e-12)
    assert again.log_loss == pytest.approx(after.log_loss, rel=1e-12)


def test_undo_takes_the_answer_out_of_the_measurement(col: Collection) -> None:
    study(col, 10, forget=1.0)
    before = col.calibration().answers
    card_id = next(iter(col.cards())).id
    outcome = col.answer(card_id, Grade.GOOD, START + timedelta(days=20))
    assert col.calibration().answers == before + 1
    col.undo(outcome.review_id)
    assert col.calibration().answers == before


def test_a_deck_filter_measures_only_its_cards(db_path: Path, tmp_path: Path) -> None:
    root = write_deck(tmp_path / "decks")
    (root / "other.md").write_text("# Other\n\nQ: alone here?\nA: yes, alone\n", encoding="utf-8")
    with Collection.open(db_path) as col:
        col.import_paths([root], START)
        study(col, 12, forget=1.0)
        whole = col.calibration()
        other = col.calibration(QueueFilter(deck="other"))
        facts = col.calibration(QueueFilter(deck="facts"))
        assert 0 < other.answers < whole.answers
        assert other.answers + facts.answers == whole.answers


def groups(pairs: list[tuple[float, int, int]]) -> list[PredictionGroup]:
    return [PredictionGroup(int(p * BIN_SCALE), n, p * n, y) for p, n, y in pairs]


def test_measure_finds_the_stability_scale_that_generated_the_answers() -> None:
    model = default_model()
    decay = model.w[20]
    rng = random.Random(3)
    for true_scale in (0.3, 1.0, 2.5):
        pairs = []
        for _ in range(400):
            p = rng.uniform(0.3, 0.99)
            q = rescaled(p, true_scale, decay)
            n = 50
            pairs.append((round(p, 3), n, sum(rng.random() < q for _ in range(n))))
        cal = measure(groups(pairs), model)
        assert cal.stability_scale == pytest.approx(true_scale, rel=0.15)


def test_rmse_over_bins_and_the_correction_threshold() -> None:
    model = default_model()
    # two bins: predicted 0.9 recalled 0.7 (100 answers), predicted 0.5 recalled 0.5 (100)
    cal = measure(groups([(0.9, 100, 70), (0.5, 100, 50)]), model)
    assert cal.rmse_bins == pytest.approx(math.sqrt((100 * 0.2**2) / 200))
    assert cal.predicted == pytest.approx(0.7)
    assert cal.gap == pytest.approx(-0.1)
    few = measure(groups([(0.9, MIN_ANSWERS - 1, 50)]), model)
    assert few.stability_scale == 1.0 and not few.enough
    assert corrected_model(model, few) is model
    fitted = corrected_model(model, cal)
    assert fitted.retrievability(10.0, 10.0) < model.retrievability(10.0, 10.0)
    assert fitted.interval(10.0, 0.9) < model.interval(10.0, 0.9)


def test_stats_and_plan_show_the_calibration(db_path: Path, tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from srs.cli.app import app

    with Collection.open(db_path) as col:
        col.import_paths([write_deck(tmp_path / "decks")], START)
        study(col, 20, forget=2.0)
        col.set_option("exam_date", (START + timedelta(days=60)).date().isoformat())
        expected = col.calibration()
    runner = CliRunner()
    now = (START + timedelta(days=20)).isoformat()
    stats = json.loads(runner.invoke(app, ["--now", now, "stats", "--json"]).output)
    assert stats["calibration"]["answers"] == expected.answers
    assert stats["calibration"]["gap"] == pytest.approx(expected.gap, abs=1e-4)
    plan = json.loads(runner.invoke(app, ["--now", now, "plan", "--json"]).output)
    ready = plan["readiness"]
    assert ready["calibration"]["answers"] == expected.answers
    assert ready["low"] < ready["projected"] < ready["high"]
    # widened by the measured gap: at least that far on each side (unless clipped at 0 or 1)
    assert ready["projected"] - ready["low"] >= abs(expected.gap or 0)
    text = runner.invoke(app, ["--now", now, "plan"], env={"COLUMNS": "100"}).output
    assert f"When today's plan was made, on your {expected.answers} reviews" in text
    assert "likely" in text and "floor" not in text
    text = runner.invoke(app, ["--now", now, "stats"], env={"COLUMNS": "100"}).output
    assert f"On your {expected.answers} reviews" in text


def test_the_kept_plan_keeps_the_calibration_it_was_made_with(
    col: Collection, db_path: Path
) -> None:
    study(col, 20, forget=2.5)
    col.set_option("exam_date", (START + timedelta(days=60)).date().isoformat())
    day = START + timedelta(days=20)
    first = col.plan(day)
    assert first.calibration is not None and first.calibration.enough
    assert first.calibration.stability_scale < 1.0
    ids = [c for c, _ in first.remaining()][:5]
    for card_id in ids:
        col.answer(card_id, Grade.AGAIN, day + timedelta(minutes=1))
    with Collection.open(db_path) as again:
        kept = again.plan(day + timedelta(hours=2))
        assert kept.calibration == first.calibration
        assert kept.model == first.model  # the same corrected model, read back
        tomorrow = again.plan(day + timedelta(days=1))
        assert tomorrow.calibration is not None
        assert tomorrow.calibration.answers >= first.calibration.answers


def test_a_corrected_model_plans_more_reviews_for_a_faster_forgetter() -> None:
    from srs.memory.planner import PlanCard, plan_day
    from srs.model import Memory

    now = START
    rng = random.Random(2)
    cards = [
        PlanCard(f"c{i}", Memory(rng.uniform(2, 40), 5.0, now - timedelta(days=rng.uniform(1, 20))))
        for i in range(300)
    ]
    base = default_model()
    fixed = plan_day(cards, now, now.date(), now.date() + timedelta(days=90), 3600.0, model=base)
    cal = measure(groups([(0.9, 300, 200), (0.8, 300, 150)]), base)
    fast = plan_day(
        cards,
        now,
        now.date(),
        now.date() + timedelta(days=90),
        3600.0,
        model=corrected_model(base, cal),
    )
    assert len(fast.reviews) > len(fixed.reviews)


def test_a_busy_day_keeps_its_reviews_for_a_learner_who_forgets_twice_as_fast() -> None:
    """A day whose new cards would need most of the time left lowers the due threshold to make
    room for them, unless the calibration says the learner forgets at least twice as fast as
    the model (k < 0.5): a card seen once keeps too little for that learner."""
    from srs.memory.calibration import ScaledModel
    from srs.memory.planner import (
        FAST_FORGETTER,
        RETENTION,
        RETENTION_BUSY,
        PlanCard,
        plan_day,
    )
    from srs.model import Memory

    now = START
    rng = random.Random(3)
    seen = [
        PlanCard(f"s{i}", Memory(rng.uniform(2, 40), 5.0, now - timedelta(days=rng.uniform(1, 20))))
        for i in range(200)
    ]
    cards = seen + [PlanCard(f"n{i}", None) for i in range(800)]
    w = default_model().w

    def day(model: FsrsModel) -> DayPlan:
        return plan_day(cards, now, now.date(), now.date() + timedelta(days=60), 600.0, model=model)

    fast = day(ScaledModel(w, FAST_FORGETTER - 0.1))
    slower = day(ScaledModel(w, FAST_FORGETTER + 0.1))
    assert day(default_model()).desired_retention == RETENTION_BUSY
    assert slower.desired_retention == RETENTION_BUSY
    assert fast.desired_retention == RETENTION
    assert len(fast.reviews) > len(slower.reviews)


def test_the_kept_groups_grow_with_new_answers_and_equal_a_full_read(col: Collection) -> None:
    study(col, 15, forget=1.5)
    col.calibration()
    kept = col.store.execute("SELECT max_id FROM calibration_cache").fetchone()[0]
    study(col, 30, forget=1.5, seed=9)  # more answers, read incrementally
    incremental = col.calibration()
    top = col.store.execute("SELECT max_id FROM calibration_cache").fetchone()[0]
    assert top > kept
    col.store.execute("DELETE FROM calibration_cache")
    full = col.calibration()
    assert incremental.answers == full.answers
    assert incremental.predicted == pytest.approx(full.predicted, rel=1e-12)
    assert incremental.log_loss == pytest.approx(full.log_loss, rel=1e-12)


def test_looking_for_answers_to_predict_reads_only_the_answers_since_the_last_look(
    col: Collection,
) -> None:
    """Every `srs stats` and exam-mode plan asks which answers still need a prediction; once
    the log is predicted that look must not walk the whole log (on a 1M-answer log a scan of
    it cost every `srs stats` 0.3 s). SQLite's virtual-machine steps count the work."""
    study(col, 40, forget=1.0)
    col.calibration()  # predicts what is missing and marks the log as predicted
    answers = col.store.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
    assert answers > 300

    def steps() -> int:
        count = [0]

        def tick() -> int:
            count[0] += 1
            return 0

        col.store.conn.set_progress_handler(tick, 1)
        try:
            assert col.store.unpredicted_cards() == []
        finally:
            col.store.conn.set_progress_handler(None, 1)
        return count[0]

    assert steps() < 50  # a seek past the mark, not a pass over `answers` rows
    card_id = next(iter(col.cards())).id
    outcome = col.answer(card_id, Grade.GOOD, START + timedelta(days=60))
    col.store.execute("DELETE FROM predictions WHERE review_id = ?", (outcome.review_id,))
    assert col.store.unpredicted_cards() == [card_id]  # the tail is still read


def test_an_answer_logged_during_a_look_is_not_marked_predicted(col: Collection) -> None:
    """The mark moves only to the last answer seen before the look that found nothing missing:
    an answer a sync logs meanwhile, without a prediction, is found by the next look."""
    study(col, 10, forget=1.0)
    col.calibration()
    top = col.store.last_review_id()
    card_id = next(iter(col.cards())).id
    outcome = col.answer(card_id, Grade.GOOD, START + timedelta(days=30))
    col.store.execute("DELETE FROM predictions WHERE review_id = ?", (outcome.review_id,))
    col.store.predictions_filled(top)
    assert col.store.unpredicted_cards() == [card_id]
    col.calibration()
    assert col.store.unpredicted_cards() == []


def test_new_parameters_for_one_deck_predict_its_answers_again_and_no_others(
    db_path: Path, tmp_path: Path
) -> None:
    root = write_deck(tmp_path / "decks")
    (root / "other.md").write_text("# Other\n\nQ: alone here?\nA: yes, alone\n", encoding="utf-8")
    with Collection.open(db_path) as col:
        col.import_paths([root], START)
        study(col, 12, forget=1.0)
        col.calibration()
        read = "SELECT review_id, predicted FROM predictions ORDER BY review_id"
        before = dict(col.store.execute(read).fetchall())
        w = list(default_model().w)
        w[20] = 0.5
        col.set_option("fsrs_parameters", ",".join(str(x) for x in w), deck="other")
        after = dict(col.store.execute(read).fetchall())
        assert after.keys() == before.keys()
        other = {
            row[0]
            for row in col.store.execute(
                "SELECT r.id FROM reviews r JOIN cards c ON c.id = r.card_id"
                " JOIN decks d ON d.id = c.deck_id WHERE d.name = 'other'"
            )
        }
        changed = {k for k in after if after[k] != before[k]}
        assert changed and changed <= other  # the other deck's later answers, and only those
        assert not col.store.unpredicted_cards()


def test_new_parameters_write_every_cards_replayed_memory(col: Collection) -> None:
    """New parameters replay the log into every card's memory: the cards hold exactly the
    states the replay computes."""
    from srs.memory.replay import replay_log

    study(col, 12, forget=1.0)
    w = list(default_model().w)
    w[20] = 0.5
    col.set_option("fsrs_parameters", ",".join(str(x) for x in w))
    states = replay_log(
        col.store.graded_rows(flt=QueueFilter()),
        col.store.card_deck_names(QueueFilter()),
        col.options,
    ).states
    stored = {
        row[0]: (row[1], row[2], row[3])
        for row in col.store.execute("SELECT id, stability, difficulty, last_review FROM cards")
    }
    assert len(states) == CARDS
    assert stored == {card_id: (s[0], s[1], s[3]) for card_id, s in states.items()}


def test_a_full_replay_keeps_only_the_answers_with_a_prediction(col: Collection) -> None:
    """Below the `predictions_filled` mark no row means no prediction, so a replay of the whole
    log writes none for a first look or a same-day repeat (half of a real log): the same
    measurement from about half the rows, and nothing left to predict."""
    study(col, 20, forget=1.5)
    for card_id in [c.id for c in col.cards()][:5]:  # same-day repeats: learning steps
        col.answer(card_id, Grade.AGAIN, START + timedelta(days=20, minutes=1))
        col.answer(card_id, Grade.GOOD, START + timedelta(days=20, minutes=11))
    before = col.calibration()  # answers still to predict are filled: a row for each
    read = "SELECT review_id, predicted, recalled FROM predictions ORDER BY review_id"
    filled = col.store.execute(read).fetchall()
    answers = col.store.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
    assert len(filled) == answers
    done = col.rederive_memory()
    assert done.reviews == answers  # every answer replayed, with or without a prediction
    kept = [tuple(row) for row in col.store.execute(read)]
    assert kept == [tuple(row) for row in filled if row[1] >= 0]
    assert 0 < len(kept) < answers
    assert not col.store.unpredicted_cards()
    after = col.calibration()
    assert (after.answers, after.predicted, after.log_loss) == (
        before.answers,
        before.predicted,
        before.log_loss,
    )


def test_a_replay_writes_with_a_large_page_cache_and_leaves_the_default(col: Collection) -> None:
    """The replay's updates run with 128 MiB of page cache (`Connection.large_cache`); the
    connection has SQLite's default again afterwards, also after a failure."""
    study(col, 5, forget=1.0)
    conn = col.store.conn
    default = conn.execute("PRAGMA cache_size").fetchone()[0]
    seen: list[int] = []
    real = col.store.set_memories

    def watching(rows: list[tuple[float, float, int, str]]) -> None:
        seen.append(conn.execute("PRAGMA cache_size").fetchone()[0])
        real(rows)

    col.store.set_memories = watching  # type: ignore[method-assign]
    col.rederive_memory()
    assert seen == [-128 * 1024]
    assert conn.execute("PRAGMA cache_size").fetchone()[0] == default
    with pytest.raises(ZeroDivisionError), col.store.large_cache():
        assert conn.execute("PRAGMA cache_size").fetchone()[0] == -128 * 1024
        _ = 1 / 0
    assert conn.execute("PRAGMA cache_size").fetchone()[0] == default
