"""Tests for Java DateTimeFormatter pattern support and Pact date expressions."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.matching.javadate import (
    apply_date_expression,
    format_java_pattern,
    matches_java_pattern,
    strftime_to_java,
)

ISO_MILLIS = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"
RFC_1123 = "EEE, d MMM yyyy HH:mm:ss Z"

# The example instant from the Java SimpleDateFormat documentation.
LA = ZoneInfo("America/Los_Angeles")
JAVA_DOC_INSTANT = dt.datetime(2001, 7, 4, 12, 8, 56, 235000, tzinfo=LA)


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("2020-01-01", "yyyy-MM-dd"),
        ("2023-07-19T12:34:56.123+10:00", ISO_MILLIS),
        ("2023-07-19T12:34:56.123Z", ISO_MILLIS),
        ("2023-07-19T12:34:56.123-03:30", ISO_MILLIS),
        ("12:34", "HH:mm"),
        ("Wed, 4 Jul 2001 12:08:56 -0700", RFC_1123),
        ("Wed, 14 Jul 2001 12:08:56 +0000", RFC_1123),
        ("23/07/19", "dd/MM/yy"),
        ("1/2/2020", "d/M/yyyy"),
        ("12/31/2020", "MM/dd/yyyy"),
        ("Monday, January 6, 2020", "EEEE, MMMM d, yyyy"),
        ("12 o'clock PM", "hh 'o''clock' a"),
        ("'20", "''yy"),
        ("2001.07.04 AD at 12:08:56 PDT", "yyyy.MM.dd G 'at' HH:mm:ss z"),
        ("010704120856-0700", "yyMMddHHmmssZ"),
        ("20200101", "yyyyMMdd"),
        ("2020-366", "yyyy-DDD"),
        ("Q3 2020", "QQQ yyyy"),
        ("2020-W53-7", "YYYY-'W'ww-e"),
        ("12:00:00.123456789", "HH:mm:ss.SSSSSSSSS"),
        ("0:05 AM", "K:mm a"),
        ("24:00", "kk:mm"),
        ("2020", "yyyy[-MM[-dd]]"),
        ("2020-02", "yyyy[-MM[-dd]]"),
        ("2020-02-03", "yyyy[-MM[-dd]]"),
        ("10:15 Europe/Paris", "HH:mm VV"),
        ("10:15 +0530", "HH:mm XX"),
        ("10:15 +05", "HH:mm X"),
        ("10:15 GMT+05:30", "HH:mm ZZZZ"),
        ("10:15 Coordinated Universal Time", "HH:mm zzzz"),
        ("Anno Domini 2020", "GGGG yyyy"),
        ("+20200-01-01", "yyyy-MM-dd"),
        ("-0044-03-15", "uuuu-MM-dd"),
        ("202", "y"),
    ],
)
def test_accepts_valid_text(text: str, pattern: str) -> None:
    assert matches_java_pattern(text, pattern)


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("23/07/19", "yyyy-MM-dd"),
        ("2020-13-01", "yyyy-MM-dd"),
        ("2020-00-10", "yyyy-MM-dd"),
        ("2020-01-32", "yyyy-MM-dd"),
        ("2020-1-01", "yyyy-MM-dd"),
        ("2020-01-01 ", "yyyy-MM-dd"),
        (" 2020-01-01", "yyyy-MM-dd"),
        ("2020-01-01T00:00", "yyyy-MM-dd"),
        ("24:00", "HH:mm"),
        ("12:60", "HH:mm"),
        ("12:30:60", "HH:mm:ss"),
        ("2023-07-19T12:34:56.12+10:00", ISO_MILLIS),
        ("2023-07-19T12:34:56.123+1000", ISO_MILLIS),
        ("2023-07-19T12:34:56.123+19:00", ISO_MILLIS),
        ("2023-07-19T12:34:56.123", ISO_MILLIS),
        ("Wed, 4 July 2001 12:08:56 -0700", RFC_1123),
        ("wed, 4 Jul 2001 12:08:56 -0700", RFC_1123),
        ("13:00 PM", "hh:mm a"),
        ("00:00 AM", "hh:mm a"),
        ("0000-01-01", "yyyy-MM-dd"),
        ("20200-01-01", "yyyy-MM-dd"),  # Java's strict parser needs "+" for a wider year
        ("+2020-01-01", "yyyy-MM-dd"),
        ("２０２０-01-01", "yyyy-MM-dd"),  # non-ASCII digits
        ("2020-367", "yyyy-DDD"),
        ("Q5 2020", "QQQ yyyy"),
        ("2020-3", "yyyy[-MM[-dd]]"),
        ("o'clock", "'oclock'"),
    ],
)
def test_rejects_invalid_text(text: str, pattern: str) -> None:
    assert not matches_java_pattern(text, pattern)


@pytest.mark.parametrize(
    "pattern",
    ["yyyy-MM-ddd", "HHH", "yyyy-MM-dd 'T", "yyyy-MM-dd]", "bb", "yyyy#", "{yyyy}", "V", "a a aa"],
)
def test_invalid_patterns_raise(pattern: str) -> None:
    with pytest.raises(ValueError, match="pattern"):
        matches_java_pattern("2020", pattern)
    with pytest.raises(ValueError):
        format_java_pattern(JAVA_DOC_INSTANT, pattern)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        # Expected outputs are those documented for java.text.SimpleDateFormat/DateTimeFormatter.
        ("yyyy.MM.dd G 'at' HH:mm:ss z", "2001.07.04 AD at 12:08:56 PDT"),
        ("EEE, MMM d, ''yy", "Wed, Jul 4, '01"),
        ("h:mm a", "12:08 PM"),
        ("hh 'o''clock' a", "12 o'clock PM"),
        ("K:mm a, z", "0:08 PM, PDT"),
        (RFC_1123, "Wed, 4 Jul 2001 12:08:56 -0700"),
        ("yyMMddHHmmssZ", "010704120856-0700"),
        ("yyyy-MM-dd'T'HH:mm:ss.SSSZ", "2001-07-04T12:08:56.235-0700"),
        (ISO_MILLIS, "2001-07-04T12:08:56.235-07:00"),
        ("EEEE d MMMM yyyy, QQQQ", "Wednesday 4 July 2001, 3rd quarter"),
        ("EEEEE MMMMM GGGGG D DDD", "W J A 185 185"),
        ("X x xxxxx ZZZZ ZZZZZ VV", "-07 -07 -07:00 GMT-07:00 -07:00 America/Los_Angeles"),
        ("HH:mm:ss.SSSSSSSSS n", "12:08:56.235000000 235000000"),
    ],
)
def test_format_matches_java_output(pattern: str, expected: str) -> None:
    assert format_java_pattern(JAVA_DOC_INSTANT, pattern) == expected
    assert matches_java_pattern(expected, pattern)


def test_format_utc_and_naive_values() -> None:
    utc = dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    naive = utc.replace(tzinfo=None)
    assert format_java_pattern(utc, ISO_MILLIS) == "2020-01-02T03:04:05.000Z"
    # Naive values are formatted as UTC so generated pacts do not depend on the host zone.
    assert format_java_pattern(naive, ISO_MILLIS) == "2020-01-02T03:04:05.000Z"
    assert format_java_pattern(naive, "xx Z ZZZZ z VV") == "+0000 +0000 GMT UTC Z"


def test_format_date_and_time_values() -> None:
    assert format_java_pattern(dt.date(2024, 2, 29), "dd/MM/yyyy") == "29/02/2024"
    assert format_java_pattern(dt.time(7, 5, 3), "H:mm:ss a") == "7:05:03 AM"
    with pytest.raises(ValueError, match="needs a time"):
        format_java_pattern(dt.date(2024, 2, 29), "yyyy-MM-dd HH:mm")
    with pytest.raises(ValueError, match="needs a date"):
        format_java_pattern(dt.time(7, 5), "yyyy HH:mm")


ROUND_TRIP_PATTERNS = [
    "yyyy-MM-dd",
    ISO_MILLIS,
    "yyyy-MM-dd'T'HH:mm:ss.SSSSSSZ",
    "yyyy-MM-dd'T'HH:mm:ssX",
    RFC_1123,
    "HH:mm",
    "dd/MM/yy",
    "d/M/yyyy h:mm a",
    "EEEE, MMMM d, yyyy 'at' K:mm a",
    "yyyyMMddHHmmss",
    "uuuu-DDD",
    "YYYY-'W'ww-e",
    "QQQ QQQQ q",
    "kk:mm:ss.SSS xxxxx",
    "GGGG yy MMMMM EEEEE",
    "[yyyy][MM]dd",
    "HH:mm:ss.n",
    "hh 'o''clock' a z",
    "yyyy-MM-dd HH:mm VV",
    "yyyy-MM-dd HH:mm zzzz",
    "ZZZZ ZZZZZ XXXX",
]

OFFSETS = st.integers(min_value=-18 * 60, max_value=18 * 60).map(
    lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))
)
DATETIMES = st.datetimes(
    min_value=dt.datetime(1000, 1, 1),
    max_value=dt.datetime(9999, 12, 31),
    timezones=st.one_of(st.just(dt.UTC), OFFSETS, st.just(LA), st.none()),
)


@given(value=DATETIMES, pattern=st.sampled_from(ROUND_TRIP_PATTERNS))
def test_formatted_values_match_their_pattern(value: dt.datetime, pattern: str) -> None:
    text = format_java_pattern(value, pattern)
    assert matches_java_pattern(text, pattern), (text, pattern)


@given(value=st.dates(min_value=dt.date(1000, 1, 1)), pattern=st.sampled_from(["yyyy-MM-dd"]))
def test_dates_round_trip_through_strptime(value: dt.date, pattern: str) -> None:
    text = format_java_pattern(value, pattern)
    assert dt.datetime.strptime(text, "%Y-%m-%d").date() == value


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("%Y-%m-%d", "yyyy-MM-dd"),
        ("%Y-%m-%dT%H:%M:%S.%f%z", "yyyy-MM-dd'T'HH:mm:ss.SSSSSSZ"),
        ("%d/%m/%y", "dd/MM/yy"),
        ("%a, %d %b %Y %H:%M:%S %Z", "EEE, dd MMM yyyy HH:mm:ss z"),
        ("%A %B %I:%M %p", "EEEE MMMM hh:mm a"),
        ("%H o'clock", "HH 'o''clock'"),
        ("'%y", "''''yy"),
        ("%-d/%-m/%Y %-H:%M", "d/M/yyyy H:mm"),
        ("%F %T", "yyyy-MM-dd HH:mm:ss"),
        ("100%% at %R", "100% 'at' HH:mm"),
        ("%G-W%V-%u", "YYYY-'W'ww-e"),
        ("%j [%:z]", "DDD '['xxx']'"),
        ("yyyy-MM-dd", "yyyy-MM-dd"),  # no % means it is already a Java pattern
        ("HH:mm 'Uhr'", "HH:mm 'Uhr'"),
    ],
)
def test_strftime_to_java(fmt: str, expected: str) -> None:
    assert strftime_to_java(fmt) == expected


@pytest.mark.parametrize("fmt", ["%c", "%x", "%X", "%U", "%Y-%", "%Q", "%-Y"])
def test_strftime_to_java_rejects_untranslatable(fmt: str) -> None:
    with pytest.raises(ValueError, match="strftime directive"):
        strftime_to_java(fmt)


STRFTIME_FORMATS = [
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S.%f%z",
    "%d/%m/%y %I:%M %p",
    "%a, %d %b %Y %H:%M:%S %z",
    "%A %B %j",
    "%G-W%V-%u",
    "%F %T",
    "Day %d of %B at %H o'clock [sharp] {really} #1",
    "%-d/%-m %-H:%M:%S",
]


@given(
    value=st.datetimes(
        min_value=dt.datetime(1000, 1, 1),
        max_value=dt.datetime(9999, 12, 31),
        timezones=st.one_of(st.just(dt.UTC), OFFSETS),
    ),
    fmt=st.sampled_from(STRFTIME_FORMATS),
)
def test_translated_formats_agree_with_strftime(value: dt.datetime, fmt: str) -> None:
    java = strftime_to_java(fmt)
    assert format_java_pattern(value, java) == value.strftime(fmt)
    assert matches_java_pattern(value.strftime(fmt), java)


BASE = dt.datetime(2024, 1, 31, 9, 15, 30, 123456)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("", BASE),
        ("now", BASE),
        ("today", BASE),
        ("+ 1 day", dt.datetime(2024, 2, 1, 9, 15, 30, 123456)),
        ("+1 days", dt.datetime(2024, 2, 1, 9, 15, 30, 123456)),
        ("today + 2 weeks - 1 day", dt.datetime(2024, 2, 13, 9, 15, 30, 123456)),
        ("now + 3 hours", dt.datetime(2024, 1, 31, 12, 15, 30, 123456)),
        ("now - 90 minutes + 30 seconds", dt.datetime(2024, 1, 31, 7, 46, 0, 123456)),
        ("tomorrow", dt.datetime(2024, 2, 1, 9, 15, 30, 123456)),
        ("yesterday", dt.datetime(2024, 1, 30, 9, 15, 30, 123456)),
        ("next month", dt.datetime(2024, 2, 29, 9, 15, 30, 123456)),
        ("last year", dt.datetime(2023, 1, 31, 9, 15, 30, 123456)),
        ("+ 1 fortnight", dt.datetime(2024, 2, 14, 9, 15, 30, 123456)),
        ("+ 13 months", dt.datetime(2025, 2, 28, 9, 15, 30, 123456)),
        ("@ 2pm", dt.datetime(2024, 1, 31, 14, 0)),
        ("@ 12am", dt.datetime(2024, 1, 31, 0, 0)),
        ("@ 12 pm", dt.datetime(2024, 1, 31, 12, 0)),
        ("@ 14:30", dt.datetime(2024, 1, 31, 14, 30)),
        ("@ 7 o'clock pm", dt.datetime(2024, 1, 31, 19, 0)),
        ("+ 1 day @ noon", dt.datetime(2024, 2, 1, 12, 0)),
        ("tomorrow @ midnight + 1 hour", dt.datetime(2024, 2, 1, 1, 0)),
        ("midnight", dt.datetime(2024, 1, 31, 0, 0)),
        ("NOW + 1 HOUR", dt.datetime(2024, 1, 31, 10, 15, 30, 123456)),
        ("@ now", BASE),
    ],
)
def test_apply_date_expression(expression: str, expected: dt.datetime) -> None:
    assert apply_date_expression(BASE, expression) == expected


def test_apply_date_expression_keeps_timezone() -> None:
    base = dt.datetime(2024, 3, 9, 12, 0, tzinfo=dt.UTC)
    assert apply_date_expression(base, "+ 1 day").tzinfo is dt.UTC


@pytest.mark.parametrize(
    "expression",
    [
        "+ day",
        "1 day",
        "+ 1 parsec",
        "next",
        "today today",
        "@",
        "@ 13pm",
        "@ 25:00",
        "@ teatime",
        "+ 1 day!",
        "+ 10000 years",
        "   ",
    ],
)
def test_bad_expressions_raise(expression: str) -> None:
    if not expression.strip():
        assert apply_date_expression(BASE, expression) == BASE
        return
    with pytest.raises(ValueError, match="invalid date expression"):
        apply_date_expression(BASE, expression)


NUMERIC_RUNS = [(letter, count) for letter in "yuMLdHms" for count in (1, 2)]


@pytest.mark.parametrize(("letter", "count"), [*NUMERIC_RUNS, ("y", 3), ("u", 4), ("M", 3)])
def test_direct_numeric_fields_agree_with_the_general_path(letter: str, count: int) -> None:
    from accord.matching.javadate import _format_field

    pattern = letter * count
    for value in (dt.datetime(7, 3, 4, 5, 6, 7), dt.datetime(2024, 12, 31, 23, 59, 58)):
        assert format_java_pattern(value, pattern) == _format_field(value, letter, count)


def test_bad_patterns_raise_on_every_call() -> None:
    for _ in range(2):
        with pytest.raises(ValueError, match="unknown pattern letter"):
            format_java_pattern(dt.datetime(2024, 1, 1), "yyyy-bb")
