"""Exam-mode proof (issue 10): simulated learners study 1000 cards to an exam with a daily budget.

`python -m benchmarks exam-sim [--learners N] [--workers N]` runs every policy for every learner
and writes benchmarks/results/exam_sim.md (the table docs/exam-mode.md quotes).

The learner (the "truth" the policies never see):

- Memory follows FSRS-6 with the `fsrs` package's default parameters, perturbed per learner:
  initial stabilities w0..w3 x lognormal(0, 0.3) each, initial difficulty w4 + normal(0, 0.5),
  decay w20 x lognormal(0, 0.2) (clamped to the package's bounds 0.1..0.8). Each card has its own
  difficulty: its initial difficulty is shifted by normal(0, 1.0) (clamped to 1..10).
- Grades: a first presentation draws Again/Hard/Good/Easy with FSRS's simulator shares
  (0.24/0.094/0.495/0.171). Later, the card is recalled with its true recall probability at
  that instant (continuous time); a recalled card is Hard/Good/Easy with 0.224/0.631/0.145,
  a forgotten one Again. Memory updates count scheduler days, as FSRS-6 in Anki does.
- Costs: 20 s for a first presentation, 13 s for a passed review and 32 s for a failed one,
  same-day learning steps included (a step that falls due during the session is shown then,
  at its cost). A session starts at 09:00 and stops once the day's budget is used (the card
  under way finishes). Nothing is studied on exam day; knowledge is measured at 09:00 on exam
  day as the sum over cards of true recall probability (unseen cards count 0).
- Common random numbers: each card has its own random stream (two draws per answer), so the
  k-th answer to a card gets the same draws under every policy; learners' parameters depend
  only on the learner's seed.

Policies, each driven by srs's own code:

- `sm2`: `get_scheduler("sm2")`, default `Options()` (steps 1m 10m, relearning 10m, 20 new a
  day); each day due learning cards when due, then due reviews (oldest due first), then new
  cards, until the budget is used. Learning cards due within the learn-ahead limit (20 min) are
  shown at the end, as Anki does.
- `fsrs`: the same queue with `get_scheduler("fsrs")` at desired retention 0.90.
- `fsrs-nosteps`: `fsrs` without learning or relearning steps (a date-blind setting that
  spends no time on same-day repeats).
- `fsrs-nolimit`: `fsrs-nosteps` without the limit of 20 new cards a day (new cards whenever
  the day's reviews leave time): the date-blind setting that introduces a deck fastest.
- `exam` (exam mode as shipped): `srs.memory.planner.plan_day` each day (re-planned with the time
  left, up to three times a day), answers through `get_scheduler("fsrs")` with no learning or
  relearning steps: every card is shown at most once a day, as the plan lists it. Its memory
  still learns from every answer (FSRS-6 counts a same-day repeat too, but barely gains from it).
- `exam-steps`: the same plan with the default steps (1m 10m, relearning 10m), so a new or
  failed card comes back during the session as its steps say, at its cost.

Date-blind policies do not know the exam, so one 180-day run gives their knowledge on every
exam day; exam mode runs once per exam day.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from srs.dates import Moment
from srs.memory.model import FsrsModel, default_model, model_for
from srs.memory.planner import PlanCard, StudyCosts, plan_day
from srs.model import CardState, Grade, Memory, SchedulingState
from srs.options import Options
from srs.scheduler import card_seed, get_scheduler
from srs.store.memory import LoggedGrade

RESULTS = Path(__file__).resolve().parent / "results"
HORIZONS = (60, 90, 180)
MINUTES = (10, 20)
CARDS = 1000
COSTS = StudyCosts(new=20.0, passed=13.0, failed=32.0)
FIRST_GRADES = (0.24, 0.094, 0.495, 0.171)  # Again, Hard, Good, Easy (FSRS simulator defaults)
PASS_GRADES = (0.224, 0.631, 0.145)  # Hard, Good, Easy given recall
START = date(2027, 1, 4)
SESSION_HOUR = 9
ROLLOVER_HOUR = 4
LEARN_AHEAD = 20 * 60
DATE_BLIND = ("sm2", "fsrs", "fsrs-nosteps", "fsrs-nolimit")
EXAM = ("exam", "exam-steps", "exam-fit")
WITHOUT_STEPS = ("fsrs-nosteps", "fsrs-nolimit", "exam", "exam-fit")
FIT_EVERY = 7  # exam-fit: the learner runs `srs fsrs optimize --apply` weekly
POLICIES = DATE_BLIND + EXAM
NO_STEPS = {"learning_steps": (), "relearning_steps": ()}
TARGETS_180 = {10: 965.0, 20: 990.0}


# --- the learner ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Learner:
    """One synthetic learner: true FSRS-6 weights and per-card difficulty offsets."""

    seed: int
    model: FsrsModel
    offsets: tuple[float, ...]


def make_learner(seed: int, cards: int) -> Learner:
    rng = random.Random(f"learner-{seed}")
    w = list(default_model().w)
    for i in range(4):
        w[i] = w[i] * math.exp(rng.gauss(0.0, 0.3))
    w[4] = min(max(w[4] + rng.gauss(0.0, 0.5), 1.0), 10.0)
    w[20] = min(max(w[20] * math.exp(rng.gauss(0.0, 0.2)), 0.1), 0.8)
    offsets = tuple(rng.gauss(0.0, 1.0) for _ in range(cards))
    return Learner(seed, FsrsModel(tuple(w)), offsets)


class TrueCard:
    """The learner's real memory of one card, and its own stream of random draws."""

    __slots__ = ("difficulty", "last_day", "last_ts", "rng", "stability")

    def __init__(self, learner: Learner, index: int) -> None:
        self.rng = random.Random(f"card-{learner.seed}-{index}")
        self.stability: float | None = None
        self.difficulty = 0.0
        self.last_ts = 0.0
        self.last_day = 0

    def answer(self, learner: Learner, index: int, ts: float, day: int) -> Grade:
        """Draw the grade at instant `ts` (seconds) on day `day` and update the memory."""
        model = learner.model
        u_recall, u_grade = self.rng.random(), self.rng.random()
        if self.stability is None:
            grade = _pick(FIRST_GRADES, u_grade) + 1
            self.stability = model.initial_stability(grade)
            d0 = model.initial_difficulty(grade, clamp=False) + learner.offsets[index]
            self.difficulty = min(max(d0, 1.0), 10.0)
        else:
            r = model.retrievability((ts - self.last_ts) / 86400.0, self.stability)
            grade = 1 if u_recall >= r else _pick(PASS_GRADES, u_grade) + 2
            self.stability, self.difficulty = model.step(
                self.stability, self.difficulty, day - self.last_day, grade
            )
        self.last_ts, self.last_day = ts, day
        return Grade(grade)

    def recall_at(self, learner: Learner, ts: float) -> float:
        if self.stability is None:
            return 0.0
        return learner.model.retrievability((ts - self.last_ts) / 86400.0, self.stability)


def _pick(shares: Sequence[float], u: float) -> int:
    total = 0.0
    for i, share in enumerate(shares):
        total += share
        if u < total:
            return i
    return len(shares) - 1


# --- one study run ----------------------------------------------------------------------------


class Run:
    """One learner studying the deck under one policy and budget, day by day."""

    def __init__(self, learner: Learner, cards: int, policy: str, minutes: int) -> None:
        self.learner = learner
        self.policy = policy
        self.budget = minutes * 60.0
        self.ids = [f"card-{i:04d}" for i in range(cards)]
        self.seeds = [card_seed(card_id) for card_id in self.ids]
        self.truth = [TrueCard(learner, i) for i in range(cards)]
        self.states = [SchedulingState() for _ in range(cards)]
        self.index = {card_id: i for i, card_id in enumerate(self.ids)}
        scheduler = "sm2" if policy == "sm2" else "fsrs"
        options = Options(scheduler=scheduler)
        if policy in WITHOUT_STEPS:
            options = replace(options, **NO_STEPS)  # type: ignore[arg-type]
        if policy == "fsrs-nolimit":
            options = replace(options, new_per_day=9999)
        self.options = options
        self.scheduler = get_scheduler(scheduler)
        self.answers = 0
        self.seconds = 0.0
        self.log: list[LoggedGrade] = []  # exam-fit: the review log the fits learn from
        self.fits = 0

    # time helpers
    def _day_date(self, day: int) -> date:
        return START + timedelta(days=day)

    def _session_start(self, day: int) -> datetime:
        d = self._day_date(day)
        return datetime(d.year, d.month, d.day, SESSION_HOUR, tzinfo=UTC)

    def _moment(self, now: datetime, day: int) -> Moment:
        d = self._day_date(day + 1)
        return Moment(
            now, self._day_date(day), datetime(d.year, d.month, d.day, ROLLOVER_HOUR, tzinfo=UTC)
        )

    def knowledge(self, day: int) -> float:
        """Sum of true recall at 09:00 on `day` (before any study that day)."""
        ts = self._session_start(day).timestamp()
        return sum(card.recall_at(self.learner, ts) for card in self.truth)

    def introduced(self) -> int:
        return sum(card.stability is not None for card in self.truth)

    # answering
    def _answer(self, i: int, now: datetime, day: int) -> float:
        state = self.states[i]
        grade = self.truth[i].answer(self.learner, i, now.timestamp(), day)
        result = self.scheduler.answer(
            state, grade, self._moment(now, day), self.options, self.seeds[i]
        )
        if self.policy == "exam-fit":
            self.log.append(
                LoggedGrade(self.ids[i], "d", int(now.timestamp() * 1000),
                            self._day_date(day).toordinal(), int(grade),
                            int(result.review_kind), state.state.value)
            )  # fmt: skip
        self.states[i] = result.state
        cost = (
            COSTS.new
            if state.state == CardState.NEW
            else (COSTS.passed if grade != Grade.AGAIN else COSTS.failed)
        )
        self.answers += 1
        self.seconds += cost
        return cost

    def _intraday_due(self, now: datetime, ahead: float = 0.0) -> int | None:
        """The learning card whose due instant is earliest and at most `ahead` s from now."""
        best: int | None = None
        best_at: datetime | None = None
        limit = now + timedelta(seconds=ahead)
        for i in self._learning:
            due_at = self.states[i].due_at
            if due_at is not None and due_at <= limit and (best_at is None or due_at < best_at):
                best, best_at = i, due_at
        return best

    def refit(self) -> None:
        """What `srs fsrs optimize --apply` does: fit on the whole log, keep the fit only with
        Anki's 1000 reviews and a lower held-out log loss, then replay every card's memory."""
        from srs.memory.optimize import MIN_REVIEWS, evaluate, fit, training_set

        data = training_set(self.log)
        earlier, later = data.split()
        if data.reviews < MIN_REVIEWS or not earlier.items or not later.items:
            return
        current = self.options.fsrs_parameters
        if evaluate(fit(earlier), later).log_loss >= evaluate(current, later).log_loss:
            return
        parameters = fit(data)
        self.options = replace(self.options, fsrs_parameters=parameters)
        self.fits += 1
        model = model_for(parameters)
        memory: dict[str, tuple[float, float, int, int]] = {}
        for row in self.log:
            before = memory.get(row.card_id)
            if before is None or row.state_before == "new":
                s, d = model.step(None, 0.0, 0, row.grade)
            else:
                s, d = model.step(before[0], before[1], row.review_day - before[2], row.grade)
            memory[row.card_id] = (s, d, row.review_day, row.reviewed_ms)
        for card_id, (s, d, _, ms) in memory.items():
            i = self.index[card_id]
            at = datetime.fromtimestamp(ms / 1000, UTC)
            self.states[i] = replace(self.states[i], memory=Memory(s, d, at))

    def study_day(self, day: int, exam_day: int | None) -> None:
        if self.policy == "exam-fit" and day and day % FIT_EVERY == 0:
            self.refit()
        now = self._session_start(day)
        spent = 0.0
        today = self._day_date(day)
        self._learning = {i for i, s in enumerate(self.states) if s.due_at is not None}
        queue = (
            self._plan(day, exam_day, now, self.budget)
            if exam_day is not None
            else self._queue(today)
        )
        position = 0
        rounds = 1
        new_shown = 0
        while spent < self.budget:
            i = self._intraday_due(now)
            if i is None:
                while position < len(queue) and not self._still_wanted(
                    queue[position], today, exam_day
                ):
                    position += 1
                if position < len(queue):
                    i = queue[position]
                    position += 1
                    if exam_day is None and self.states[i].state == CardState.NEW:
                        if new_shown >= self.options.new_per_day:
                            continue
                        new_shown += 1
            if i is None:
                i = self._intraday_due(now, LEARN_AHEAD)
            if i is None and exam_day is not None and rounds < 3:
                rounds += 1
                queue = self._plan(day, exam_day, now, self.budget - spent)
                position = 0
                continue
            if i is None:
                break
            cost = self._answer(i, now, day)
            spent += cost
            now += timedelta(seconds=cost)
            if self.states[i].due_at is not None:
                self._learning.add(i)
            else:
                self._learning.discard(i)

    def _still_wanted(self, i: int, today: date, exam_day: int | None) -> bool:
        """A queued card may have been answered since (a learning step); skip it then."""
        state = self.states[i]
        if exam_day is not None:
            return state.due_at is None  # a card on its steps is shown by its steps
        if state.state == CardState.NEW:
            return True
        return state.due_day is not None and state.due_day <= today

    def _queue(self, today: date) -> list[int]:
        """A date-blind day: due day-learning and reviews (oldest due first), then new cards."""
        due = [
            (s.due_day, i)
            for i, s in enumerate(self.states)
            if s.due_day is not None and s.due_day <= today
        ]
        due.sort()
        new = [i for i, s in enumerate(self.states) if s.state == CardState.NEW]
        return [i for _, i in due] + new[: self.options.new_per_day]

    def _plan(self, day: int, exam_day: int, now: datetime, budget: float) -> list[int]:
        cards = [PlanCard(self.ids[i], s.memory) for i, s in enumerate(self.states)]
        today = self._day_date(day)
        day_start = datetime(today.year, today.month, today.day, ROLLOVER_HOUR, tzinfo=UTC)
        plan = plan_day(
            cards,
            now,
            today,
            self._day_date(exam_day),
            budget,
            COSTS,
            studied_since=day_start,
            model=model_for(self.options.fsrs_parameters),
        )
        return [self.index[card_id] for card_id in plan.queue]


def run_learner(
    job: tuple[int, int, tuple[int, ...], tuple[int, ...], tuple[str, ...]],
) -> dict[str, float]:
    """Every policy for one learner: {"policy/minutes/horizon": knowledge, ...}."""
    seed, cards, horizons, minutes_list, policies = job
    learner = make_learner(seed, cards)
    out: dict[str, float] = {}
    last = max(horizons)
    for minutes in minutes_list:
        for policy in policies:
            if policy in DATE_BLIND:
                run = Run(learner, cards, policy, minutes)
                for day in range(last + 1):
                    if day in horizons:
                        out[f"{policy}/{minutes}/{day}"] = run.knowledge(day)
                        out[f"{policy}/{minutes}/{day}/introduced"] = run.introduced()
                    if day < last:
                        run.study_day(day, None)
                continue
            for horizon in horizons:
                run = Run(learner, cards, policy, minutes)
                for day in range(horizon):
                    run.study_day(day, horizon)
                out[f"{policy}/{minutes}/{horizon}"] = run.knowledge(horizon)
                out[f"{policy}/{minutes}/{horizon}/introduced"] = run.introduced()
    return out


# --- statistics and the report ----------------------------------------------------------------


def _t975(df: int) -> float:
    """Student's t 97.5 % quantile (Cornish-Fisher expansion around the normal; < 0.5 % off
    for df >= 5)."""
    z = 1.959963984540054
    if df <= 0:
        return math.inf
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def _mean_sd(values: Sequence[float]) -> tuple[float, float]:
    mean = statistics.fmean(values)
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return mean, sd


def report(
    results: list[dict[str, float]],
    horizons: Sequence[int],
    minutes_list: Sequence[int],
    policies: Sequence[str],
    elapsed: float,
    cards: int,
) -> tuple[str, bool]:
    n = len(results)
    lines = [
        f"{n} learners, {cards} cards; knowledge on exam day = sum of true recall probabilities "
        f"(max {cards}); mean (sd); difference = policy - exam mode, paired, with 95 % CI.",
        "",
        "| exam in | min/day | policy | knowledge mean (sd) | cards seen "
        "| policy - exam (95 % CI) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    verdicts: list[str] = []
    passed = True
    for horizon in horizons:
        for minutes in minutes_list:
            exam_key = "exam"
            means: dict[str, float] = {}
            for policy in policies:
                key = f"{policy}/{minutes}/{horizon}"
                values = [r[key] for r in results]
                mean, sd = _mean_sd(values)
                means[policy] = mean
                seen = statistics.fmean(r[f"{key}/introduced"] for r in results)
                diff = "-"
                if policy != exam_key and exam_key in policies:
                    d = [r[key] - r[f"{exam_key}/{minutes}/{horizon}"] for r in results]
                    dm, dsd = _mean_sd(d)
                    half = _t975(n - 1) * dsd / math.sqrt(n) if n > 1 else math.inf
                    diff = f"{dm:+.1f} ({dm - half:+.1f} .. {dm + half:+.1f})"
                cells = [f"{horizon} d", str(minutes), policy, f"{mean:.1f} ({sd:.1f})"]
                lines.append("| " + " | ".join([*cells, f"{seen:.0f}", diff]) + " |")
            if "exam" not in means:
                continue
            blind = [p for p in DATE_BLIND if p in means]
            best = max(blind, key=lambda p: means[p]) if blind else None
            if horizon == 180 and minutes in TARGETS_180:
                target = TARGETS_180[minutes]
                ok = means["exam"] >= target
                verdicts.append(
                    f"- 180 days, {minutes} min/day: exam mode {means['exam']:.1f} >= {target:g}: "
                    f"{'pass' if ok else 'FAIL'}"
                )
                passed &= ok
            elif best is not None:
                # "no worse": the paired CI of (exam - best date-blind) must not lie below 0
                d = [
                    r[f"exam/{minutes}/{horizon}"] - r[f"{best}/{minutes}/{horizon}"]
                    for r in results
                ]
                dm, dsd = _mean_sd(d)
                half = _t975(n - 1) * dsd / math.sqrt(n) if n > 1 else 0.0
                ok = dm + half >= 0
                verdicts.append(
                    f"- {horizon} days, {minutes} min/day: exam mode {means['exam']:.1f} vs best "
                    f"date-blind ({best}) {means[best]:.1f}, difference {dm:+.1f} "
                    f"(95 % CI {dm - half:+.1f} .. {dm + half:+.1f}): {'pass' if ok else 'FAIL'}"
                )
                passed &= ok
    lines += ["", "Targets (issue 10):", *verdicts, "", f"Whole run: {elapsed:.0f} s."]
    return "\n".join(lines), passed


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks exam-sim", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--cards", type=int, default=CARDS)
    parser.add_argument("--horizons", default=",".join(map(str, HORIZONS)), help="exam days away")
    parser.add_argument("--minutes", default=",".join(map(str, MINUTES)), help="daily budgets")
    # exam-fit (weekly fits, issue 17) is left out of the default run: it needs fsrs-rs-python.
    parser.add_argument("--policies", default=",".join(p for p in POLICIES if p != "exam-fit"))
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--out", type=Path, default=RESULTS / "exam_sim.md")
    args = parser.parse_args(argv)
    horizons = tuple(int(x) for x in args.horizons.split(","))
    minutes_list = tuple(int(x) for x in args.minutes.split(","))
    policies = tuple(args.policies.split(","))
    unknown = [p for p in policies if p not in POLICIES]
    if unknown:
        parser.error(f"unknown policies: {', '.join(unknown)}")
    jobs = [(seed, args.cards, horizons, minutes_list, policies) for seed in range(args.learners)]
    started = time.perf_counter()
    results: list[dict[str, float]] = []
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        for k, result in enumerate(pool.map(run_learner, jobs), 1):
            results.append(result)
            print(
                f"  learner {k}/{len(jobs)} ({time.perf_counter() - started:.0f} s)",
                file=sys.stderr,
                flush=True,
            )
    elapsed = time.perf_counter() - started
    text, passed = report(results, horizons, minutes_list, policies, elapsed, args.cards)
    print(text)
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text(
        "# Exam-mode simulation (python -m benchmarks exam-sim)\n\n" + text + "\n", encoding="utf-8"
    )
    print(f"written {args.out}", file=sys.stderr)
    return 0 if passed else 1
