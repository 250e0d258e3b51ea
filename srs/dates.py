"""The only module that reads the clock or parses user date strings.

Two kinds of time: instants (timezone-aware UTC `datetime`s, stored as UTC milliseconds)
and scheduler days (calendar `date`s). A scheduler day starts at `day_starts_at` o'clock in
the user's local time zone, so 02:00 on 5 March still belongs to the day of 4 March with the
default 4 am start. Day arithmetic is on calendar dates, so DST changes and travel never
shift a due day (Anki's `days_elapsed` works the same way).
"""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, timedelta, tzinfo

from srs.errors import SrsError
from srs.model import value_class

# Forms `datetime.fromisoformat` reads exactly as dateutil's `isoparse` does; others go to it.
_PLAIN_ISO = re.compile(r"\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d{3}|\.\d{6})?)?(Z|[+-]\d\d:\d\d)?)?")

DEFAULT_DAY_STARTS_AT = 4


def user_timezone() -> tzinfo:
    """The user's time zone: `SRS_TZ` or `TZ` if set (IANA name), else the system's."""
    from dateutil import tz

    name = os.environ.get("SRS_TZ") or os.environ.get("TZ")
    if name:
        zone = tz.gettz(name)
        if zone is None:
            raise SrsError(f"unknown time zone {name!r} (use an IANA name such as Europe/Berlin)")
        return zone
    return tz.tzlocal()


def utc_now() -> datetime:
    """The current instant; the one place srs reads the clock."""
    return datetime.now(UTC)


def parse_instant(text: str, zone: tzinfo | None = None) -> datetime:
    """Parse an ISO 8601 instant given by the user; a time without offset is local time."""
    try:  # the usual forms, without importing dateutil (~10 ms of a command's start-up)
        parsed = datetime.fromisoformat(text) if _PLAIN_ISO.fullmatch(text) else None
    except ValueError:
        parsed = None
    if parsed is None:
        from dateutil import parser as date_parser

        try:
            parsed = date_parser.isoparse(text)
        except (ValueError, OverflowError):
            raise SrsError(
                f"invalid time {text!r}: expected ISO 8601, e.g. 2026-11-28T09:30:00Z"
            ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone or user_timezone())
    return parsed.astimezone(UTC)


def to_ms(instant: datetime) -> int:
    """UTC milliseconds since the epoch, the storage form of an instant."""
    return round(instant.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    """The inverse of `to_ms`."""
    return datetime.fromtimestamp(ms / 1000, UTC)


def iso(instant: datetime | None) -> str | None:
    """ISO 8601 UTC with a `Z`, second precision unless there are milliseconds."""
    if instant is None:
        return None
    text = instant.astimezone(UTC).isoformat(timespec="milliseconds")
    text = text.replace("+00:00", "Z")
    return text.replace(".000Z", "Z")


def scheduler_date(instant: datetime, zone: tzinfo, day_starts_at: int) -> date:
    """The scheduler day an instant belongs to: local date, shifted back by the start hour."""
    local = instant.astimezone(zone)
    return (local - timedelta(hours=day_starts_at)).date()


def day_start(day: date, zone: tzinfo, day_starts_at: int) -> datetime:
    """The UTC instant at which scheduler day `day` begins (local `day_starts_at` o'clock)."""
    from dateutil import tz

    local = datetime(day.year, day.month, day.day, day_starts_at, tzinfo=zone)
    # A start hour inside a DST gap does not exist locally; move to the first valid instant.
    local = tz.resolve_imaginary(local)
    return local.astimezone(UTC)


@value_class
class Moment:
    """'Now' as the scheduler needs it: the instant, its scheduler day, and the next rollover."""

    now: datetime
    today: date
    next_day_at: datetime

    @property
    def day_began(self) -> datetime:
        """The instant the current scheduler day began (a day before the next rollover; an
        hour off only on a day whose rollover hour moved with daylight saving time)."""
        return self.next_day_at - timedelta(days=1)

    @property
    def secs_until_rollover(self) -> int:
        """Whole seconds until the next scheduler day begins.

        `now` is truncated to the second first, as Anki's clock is, so learning steps that
        cross the rollover turn into days exactly where Anki's do.
        """
        return max(int(self.next_day_at.timestamp() // 1) - int(self.now.timestamp() // 1), 0)


def moment(now: datetime, zone: tzinfo, day_starts_at: int = DEFAULT_DAY_STARTS_AT) -> Moment:
    """Build the `Moment` for an instant in a time zone."""
    now = now.astimezone(UTC)
    today = scheduler_date(now, zone, day_starts_at)
    return Moment(now, today, day_start(today + timedelta(days=1), zone, day_starts_at))
