"""Dates of the two Hijri calendars phones may write in an export's headers, as Gregorian dates:
the Solar Hijri calendar of Iran and Afghanistan (years about 1400) and the Islamic (Umm al-Qura)
calendar of Saudi Arabia (years about 1445). A year tells them apart: WhatsApp's years are
1388-1425 in the first (2009-2046) and 1430 on in the second."""

from __future__ import annotations

from datetime import date

from hijridate import Gregorian, Hijri

SOLAR_HIJRI = range(1300, 1426)  # 1921-2047
ISLAMIC_HIJRI = range(1426, 1501)  # 2005-2078: the Umm al-Qura tables end at 1500
# The day before 1 Farvardin of year 1, as a proleptic Gregorian ordinal (ICU's Persian epoch).
_SOLAR_EPOCH = 226894


def calendar_of(year: int, *, islamic_mark: bool = False) -> str | None:
    """Which Hijri calendar a header's year is in ("solar", "islamic"), or None (Gregorian)."""
    if islamic_mark or year in ISLAMIC_HIJRI:
        return "islamic"
    return "solar" if year in SOLAR_HIJRI else None


def to_gregorian(calendar: str, year: int, month: int, day: int) -> date:
    """The Gregorian date of a Hijri one; an impossible date raises ValueError."""
    if calendar == "islamic":
        try:
            return Hijri(year, month, day).to_gregorian()
        except OverflowError as error:
            raise ValueError(str(error)) from None
    if not (1 <= month <= 12 and 1 <= day <= _solar_month_length(year, month)):
        raise ValueError(f"no day {day} in month {month} of the Solar Hijri year {year}")
    return date.fromordinal(_solar_new_year(year) + _solar_days_before(month) + day)


def from_gregorian(calendar: str, when: date) -> tuple[int, int, int]:
    """(year, month, day) of a Gregorian date in a Hijri calendar."""
    if calendar == "islamic":
        return Gregorian(when.year, when.month, when.day).to_hijri().datetuple()
    year = when.year - 621
    if when.toordinal() <= _solar_new_year(year):
        year -= 1
    left = when.toordinal() - _solar_new_year(year)
    month = next(m for m in range(12, 0, -1) if _solar_days_before(m) < left)
    return year, month, left - _solar_days_before(month)


def _solar_new_year(year: int) -> int:
    """The ordinal of the day before 1 Farvardin: the 33-year arithmetic rule phones use (ICU)."""
    return _SOLAR_EPOCH + 365 * (year - 1) + (8 * year + 21) // 33


def _solar_days_before(month: int) -> int:
    """Six months of 31 days, five of 30, then Esfand."""
    return 31 * (month - 1) if month <= 7 else 30 * (month - 1) + 6


def _solar_month_length(year: int, month: int) -> int:
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return _solar_new_year(year + 1) - _solar_new_year(year) - 336
