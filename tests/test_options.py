"""Options: parsing user text, refusing bad values with the valid range, and round trips."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from srs.errors import ConfigError
from srs.options import OPTION_NAMES, Options, format_option, parse_option, with_values


def test_defaults_are_ankis_default_preset() -> None:
    o = Options()
    assert o.learning_steps == (1.0, 10.0) and o.relearning_steps == (10.0,)
    assert (o.graduating_interval, o.easy_interval, o.starting_ease) == (1, 4, 2.5)
    assert (o.easy_bonus, o.interval_modifier, o.hard_interval) == (1.3, 1.0, 1.2)
    assert (o.maximum_interval, o.new_interval, o.minimum_interval) == (36500, 0.0, 1)
    assert (o.leech_threshold, o.leech_action) == (8, "tag")
    assert (o.new_per_day, o.reviews_per_day, o.day_starts_at) == (20, 200, 4)
    assert o.fuzz and o.bury_siblings and o.scheduler == "sm2" and o.learn_ahead_minutes == 20
    assert tuple(f.name for f in dataclasses.fields(Options)) == OPTION_NAMES


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("1m 10m", (1.0, 10.0)),
        ("1m 10m 1h 2d", (1.0, 10.0, 60.0, 2880.0)),
        ("1 10", (1.0, 10.0)),
        ("30s 1.5m", (0.5, 1.5)),
        ("", ()),
        ("15m,1h", (15.0, 60.0)),
    ],
)
def test_steps_parse(text: str, minutes: tuple[float, ...]) -> None:
    assert parse_option("learning_steps", text) == minutes
    assert parse_option("relearning_steps", text) == minutes


def test_steps_format() -> None:
    assert format_option("learning_steps", (1.0, 10.0)) == "1m 10m"
    assert format_option("learning_steps", (0.5, 60.0, 2880.0, 90.0)) == "30s 1h 2d 90m"
    assert format_option("relearning_steps", ()) == ""


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        ("hard_interval", "1.5", "hard_interval must be between 0.5 and 1.3 (got 1.5)"),
        ("starting_ease", "1.3", "starting_ease must be between 1.31 and 5 (got 1.3)"),
        ("interval_modifier", "3", "interval_modifier must be between 0.5 and 2 (got 3)"),
        ("new_interval", "-0.1", "new_interval must be between 0 and 1 (got -0.1)"),
        ("maximum_interval", "40000", "maximum_interval must be between 1 and 36500 (got 40000)"),
        ("graduating_interval", "0", "graduating_interval must be between 1 and 36500 (got 0)"),
        ("leech_threshold", "0", "leech_threshold must be between 1 and 9999 (got 0)"),
        ("day_starts_at", "24", "day_starts_at must be between 0 and 23 (got 24)"),
        ("new_per_day", "ten", "new_per_day must be a whole number between 0 and 9999"),
        ("easy_bonus", "nan", "easy_bonus must be between 1 and 5 (got nan)"),
        ("leech_action", "delete", "leech_action must be one of tag, suspend (got 'delete')"),
        ("scheduler", "anki", "scheduler must be one of sm2, sm2-classic, fsrs (got 'anki')"),
        (
            "exam_date",
            "31/03/2027",
            "exam_date must be a date like 2027-03-31, or off (got '31/03/2027')",
        ),
        ("desired_retention", "0.5", "desired_retention must be between 0.7 and 0.99 (got 0.5)"),
        ("fuzz", "maybe", "fuzz must be on or off (got 'maybe')"),
        ("learning_steps", "1m 10x", "cannot read step '10x'; write steps like '1m 10m 1h 2d'"),
        ("learning_steps", "0m", "each step must be longer than 0"),
    ],
)
def test_invalid_values_name_the_valid_range(key: str, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_option(key, text)
    assert message in str(caught.value)


def test_unknown_key_lists_valid_keys() -> None:
    with pytest.raises(ConfigError, match="unknown option 'ease'; valid options: learning_steps, "):
        parse_option("ease", "2.5")
    with pytest.raises(ConfigError, match="unknown option"):
        with_values(Options(), {"ease": 2.5})


def test_bool_and_choice_values() -> None:
    assert parse_option("fuzz", "off") is False and parse_option("bury_siblings", "ON") is True
    assert parse_option("leech_action", "Suspend") == "suspend"
    assert format_option("fuzz", False) == "off"


def test_with_values_applies_parsed_values() -> None:
    base = Options()
    values = {"hard_interval": parse_option("hard_interval", "1.1"), "fuzz": False}
    changed = with_values(base, values)
    assert changed.hard_interval == 1.1 and changed.fuzz is False
    assert base.hard_interval == 1.2  # frozen: the base is untouched


@given(st.sampled_from(OPTION_NAMES), st.data())
def test_format_parse_round_trip(key: str, data: st.DataObject) -> None:
    value = getattr(Options(), key)
    if key.endswith("steps"):
        value = tuple(
            data.draw(st.lists(st.sampled_from([0.5, 1.0, 5.0, 10.0, 60.0, 90.0, 1440.0, 4320.0])))
        )
    assert parse_option(key, format_option(key, value)) == value
