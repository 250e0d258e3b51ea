"""When an exam can be sat: its status on a given day, computed from its blueprint's history.

A blueprint lists the dated phases of its exam (`lifecycle:` in its YAML): `beta`, `current`
and `retired`, each from its first day, and optionally for some languages only (MLA-C01 ended in
English on 2026-09-28 but stays in Korean, Japanese and Simplified Chinese for a while). The
status on a day is a pure function of the blueprint and that day, never of the clock or of when
the file was written, so a blueprint written today still answers right next year and a test can
ask about any day (the CLI passes the day of `--now`).

`retiring` is never written: an exam is retiring while it can still be sat and its blueprint
already dates its retirement, and its date is the last day it can be sat. srs judges an exam by
its status in English (`STATUS_LANGUAGE`), the language AWS offers every exam and every beta in;
what differs in other languages is reported beside it. The rule for the default target exam
(`pick_current`) lives here too, so status and choice cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from srs.model import value_class

if TYPE_CHECKING:
    from srs.exam.blueprints import Blueprint

__all__ = [
    "PHASES",
    "ExamStatus",
    "Phase",
    "Standing",
    "exam_status",
    "legacy_lifecycle",
    "pick_current",
    "standing",
]

PHASES = ("beta", "current", "retired")  # what a lifecycle entry may say
STATUS_LANGUAGE = "en"
LANGUAGE_NAMES = {
    "en": "English",
    "ko": "Korean",
    "ja": "Japanese",
    "zh-CN": "Simplified Chinese",
    "zh-TW": "Traditional Chinese",
    "pt-BR": "Portuguese (Brazil)",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "id": "Indonesian",
}
_DAY = timedelta(days=1)


@value_class
class Phase:
    """One entry of a blueprint's lifecycle: a status from a first day on.

    `start` is the YAML's `from`: the first day of the status (a retirement's is the day after
    the last day the exam could be sat). None only for a first entry: since before any date
    the blueprint knows. `languages` empty means every language. `confirmed` is false where
    the date (or the status) comes from unofficial sources; the blueprint's notes say which.
    """

    status: str
    start: date | None = None
    languages: tuple[str, ...] = ()
    confirmed: bool = True
    note: str = ""

    def applies_to(self, language: str) -> bool:
        return not self.languages or language in self.languages

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "from": self.start.isoformat() if self.start else None,
            "languages": list(self.languages),
            "confirmed": self.confirmed,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Phase:
        start = data.get("from")
        return cls(
            status=data["status"],
            start=date.fromisoformat(start) if start else None,
            languages=tuple(data.get("languages") or ()),
            confirmed=data.get("confirmed", True),
            note=data.get("note", ""),
        )


def legacy_lifecycle(status: str, retired_on: date | None) -> tuple[Phase, ...]:
    """The lifecycle an old-style blueprint (`status` + `retired_on`) stands for.

    `retired_on` was the last day the exam could be sat, so it is retired from the day after
    and was sittable (current, or beta if it said so) before: an old file that said
    `status: retired` reads the same on any later day, and right on the days before too.
    """
    if retired_on is None:
        return (Phase(status),)
    before = "beta" if status == "beta" else "current"
    return (Phase(before), Phase("retired", retired_on + _DAY))


@value_class
class Standing:
    """An exam's status in some languages on one day.

    `status` is `upcoming` (not offered yet), `beta`, `current`, `retiring` or `retired`;
    `phase` the entry in force (`beta`/`current` under `retiring`, "" when upcoming); `since`
    its first day (upcoming: the day it starts); `last_day` the last day it can (could) be sat
    when retiring or retired; `following` the next dated change; `confirmed` whether the dates
    this rests on are confirmed.
    """

    status: str
    phase: str
    since: date | None
    last_day: date | None
    following: Phase | None
    confirmed: bool
    languages: tuple[str, ...] = ()
    restricted: bool = False  # the entry in force (or the next, when upcoming) names languages

    @property
    def live(self) -> bool:
        """Whether the exam can be sat (in these languages) that day."""
        return self.status in ("beta", "current", "retiring")

    def key(self) -> tuple[object, ...]:
        return (self.status, self.phase, self.since, self.last_day, self.following, self.confirmed)


def standing(lifecycle: Sequence[Phase], day: date, language: str = STATUS_LANGUAGE) -> Standing:
    """The exam's status in `language` on `day` (entries are in date order, as loaded)."""
    phases = [p for p in lifecycle if p.applies_to(language)]
    past = [p for p in phases if p.start is None or p.start <= day]
    future = [p for p in phases if p.start is not None and p.start > day]
    following = future[0] if future else None
    if not past:
        start = following.start if following else None
        confirmed = following.confirmed if following else True
        restricted = bool(following and following.languages)
        return Standing("upcoming", "", start, None, following, confirmed, (language,), restricted)
    now = past[-1]
    only = bool(now.languages)
    if now.status == "retired":
        last = now.start - _DAY if now.start else None
        confirmed = now.confirmed
        return Standing(
            "retired", "retired", now.start, last, following, confirmed, (language,), only
        )
    end = next((p for p in future if p.status == "retired"), None)
    if end is not None and end.start is not None:
        confirmed = now.confirmed and end.confirmed
        last = end.start - _DAY
        return Standing(
            "retiring", now.status, now.start, last, following, confirmed, (language,), only
        )
    return Standing(
        now.status, now.status, now.start, None, following, now.confirmed, (language,), only
    )


@value_class
class ExamStatus:
    """What an exam is on one day: its status in English, what differs in other languages,
    its successor and predecessor, and what its blueprint does not confirm."""

    code: str
    name: str
    day: date
    main: Standing
    others: tuple[Standing, ...]
    successor: str | None
    predecessor: str | None
    unconfirmed: tuple[str, ...]
    path: str

    @property
    def qualified(self) -> bool:
        """Whether `main` holds for English only (other languages differ, or it says so)."""
        return bool(self.others) or self.main.restricted

    @property
    def status(self) -> str:
        return self.main.status

    @property
    def live(self) -> bool:
        return self.main.live

    def describe(self) -> str:
        """One line naming the exam served and its status that day."""
        where = f"in {_languages(self.main.languages)}: " if self.qualified else ""
        text = f"Exam {self.code} ({self.name}): {where}{_standing_text(self.main)}"
        for other in self.others:
            text += f"; in {_languages(other.languages)}: {_standing_text(other)}"
        if self.main.live and self.main.status != "retiring" and self.main.following:
            nxt = self.main.following
            if nxt.start is not None:
                text += f"; {nxt.status} from {nxt.start}{_unconfirmed(nxt.confirmed)}"
        return text + "."

    def unconfirmed_line(self) -> str | None:
        """One line saying what the blueprint marks unconfirmed, or None."""
        if not self.unconfirmed:
            return None
        where = f" (see the notes in {self.path})" if self.path else ""
        return (
            f"Blueprint {self.code} is not confirmed on an official page for: "
            f"{', '.join(self.unconfirmed)}{where}."
        )

    def warning(self) -> str | None:
        """The one-line notice for a retiring or retired exam (None for a live one)."""
        main = self.main
        if main.status not in ("retiring", "retired"):
            return None
        where = f" in {_languages(main.languages)}" if self.qualified else ""
        mark = _unconfirmed(main.confirmed)
        if main.status == "retiring":
            text = f"Warning: {self.code} is retiring: its last day{where} is {main.last_day}{mark}"
        else:
            text = f"Warning: {self.code} is retired: its last day{where} was {main.last_day}{mark}"
        for other in self.others:
            if other.live:
                until = f" until {other.last_day}" if other.last_day else ""
                text += (
                    f"; still offered in {_languages(other.languages)}{until}"
                    f"{_unconfirmed(other.confirmed)}"
                )
        if self.successor:
            text += f"; its successor is {self.successor} (srs exam --exam {self.successor})"
        return text + "."

    def notice(self, *, serving: bool = True) -> list[str]:
        """The lines a command prints once, above its output, about the exam it works for.

        `serving` (`srs exam`, `srs plan`): which exam and its status, and what its blueprint
        leaves unconfirmed; always the warning when the exam is retiring or retired.
        """
        lines = [self.describe(), self.unconfirmed_line()] if serving else []
        lines.append(self.warning())
        return [line for line in lines if line]

    def to_dict(self) -> dict[str, Any]:
        """The JSON object (`exam_status` in `srs exam --json` and `srs plan --json`)."""

        def one(s: Standing) -> dict[str, Any]:
            return {
                "status": s.status,
                "phase": s.phase or None,
                "since": s.since.isoformat() if s.since else None,
                "last_day": s.last_day.isoformat() if s.last_day else None,
                "confirmed": s.confirmed,
                "languages": list(s.languages) if self.qualified else [],
            }

        return {
            "exam": self.code,
            "name": self.name,
            "day": self.day.isoformat(),
            **one(self.main),
            "other_languages": [one(s) for s in self.others],
            "successor": self.successor,
            "predecessor": self.predecessor,
            "unconfirmed": list(self.unconfirmed),
            "warning": self.warning(),
        }


def exam_status(blueprint: Blueprint, day: date) -> ExamStatus:
    """The exam's status on `day` (pure: the blueprint and the day decide)."""
    main = standing(blueprint.lifecycle, day)
    named = sorted({lang for p in blueprint.lifecycle for lang in p.languages})
    groups: dict[tuple[object, ...], Standing] = {}
    for language in named:
        if language == STATUS_LANGUAGE:
            continue
        s = standing(blueprint.lifecycle, day, language)
        if s.key() == main.key():
            continue
        if s.key() in groups:
            held = groups[s.key()]
            s = replace(s, languages=(*held.languages, language))
        groups[s.key()] = s
    others = tuple(replace(s, languages=_in_order(s.languages, blueprint)) for s in groups.values())
    return ExamStatus(
        code=blueprint.code,
        name=blueprint.name,
        day=day,
        main=main,
        others=others,
        successor=blueprint.successor,
        predecessor=blueprint.predecessor,
        unconfirmed=blueprint.unconfirmed,
        path=blueprint.path,
    )


def pick_current(blueprints: Sequence[Blueprint], day: date) -> Blueprint | None:
    """The default target exam on `day`.

    The rule: an exam that is current (one not retiring before one that is, then the one that
    can be sat longest), else a live beta (likewise), else the most recently retired, else the
    next to start; ties by code. A learner starting that day gets an exam they can still sit.
    """

    def rank(blueprint: Blueprint) -> tuple[int, int, str]:
        s = standing(blueprint.lifecycle, day)
        last = s.last_day.toordinal() if s.last_day else 0
        if s.status == "current":
            return (0, 0, blueprint.code)
        if s.status == "retiring" and s.phase == "current":
            return (1, -last, blueprint.code)  # the one that can be sat longest first
        if s.status == "beta":
            return (2, 0, blueprint.code)
        if s.status == "retiring":  # a beta with its end dated
            return (3, -last, blueprint.code)
        if s.status == "retired":
            return (4, -last, blueprint.code)  # the most recently retired first
        return (5, s.since.toordinal() if s.since else 0, blueprint.code)  # the next to start

    return min(blueprints, key=rank, default=None)


def _in_order(languages: Sequence[str], blueprint: Blueprint) -> tuple[str, ...]:
    """Languages in the order the blueprint names them."""
    order = [lang for p in blueprint.lifecycle for lang in p.languages]
    return tuple(sorted(languages, key=order.index))


def _languages(languages: Sequence[str]) -> str:
    names = [LANGUAGE_NAMES.get(lang, lang) for lang in languages]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _unconfirmed(confirmed: bool) -> str:
    return "" if confirmed else " (unconfirmed)"


def _standing_text(s: Standing) -> str:
    mark = _unconfirmed(s.confirmed)
    if s.status == "upcoming":
        nxt = s.following.status if s.following else "offered"
        return f"not offered yet; {nxt} from {s.since}{mark}"
    inner = "" if s.confirmed else ", unconfirmed"
    if s.status == "retiring":
        return f"{s.phase}, retiring (last day {s.last_day}{inner})"
    if s.status == "retired":
        return f"retired (last day {s.last_day}{inner})"
    since = f" since {s.since}" if s.since else ""
    return f"{s.status}{since}{mark}"
