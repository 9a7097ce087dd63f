"""Datetimes in and out of both databases as aware UTC.

SQLite keeps no offset (it hands back naive values), and a value written
with a non-UTC offset would be stored as local time: so every datetime is
converted to UTC on the way in and made aware again on the way out.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
