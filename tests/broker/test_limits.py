"""The broker's input limits as pure functions: the JSON parser, name checks, column types,
and the settings that configure the deadlines."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from accord.broker.db.types import BoundedString, CheckedText, StoredValueRefused
from accord.broker.http.safe_json import JsonRefused, loads
from accord.broker.limits import MAX_JSON_DEPTH, MAX_NAME_LENGTH, name_problem
from accord.broker.settings import Settings


def test_ordinary_json_parses_as_json_loads_does() -> None:
    text = '{"a": [1, 2.5, -3e2, true, null, "x\\"[{", "\\ud83d\\ude00"], "b": {}}'
    assert loads(text) == json.loads(text)
    assert loads(text.encode()) == json.loads(text)


def test_depth_counts_brackets_outside_strings_only() -> None:
    inside = '"' + "[" * (MAX_JSON_DEPTH * 2) + '"'
    assert loads(f"[{inside}]") == ["[" * (MAX_JSON_DEPTH * 2)]
    assert loads("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH) is not None
    with pytest.raises(JsonRefused, match=f"deeper than {MAX_JSON_DEPTH}"):
        loads("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[NaN]", "NaN is not a JSON number"),
        ('{"a": -Infinity}', "-Infinity is not a JSON number"),
        ("[1e999]", "out of range"),
        ('["a\\u0000"]', "NUL"),
        ('{"\\u0000": 1}', "NUL"),
        ('["\\\\\\u0000"]', "NUL"),  # an escaped backslash, then a real \u0000
        ('["\\udc00"]', "surrogates"),
        ("[" + "9" * 5000 + "]", "digits"),
        ('{"a": ', "invalid JSON at line 1"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_refused_json_says_why(text: str | bytes, reason: str) -> None:
    with pytest.raises(JsonRefused, match=reason):
        loads(text)


def test_an_escaped_backslash_before_u0000_is_text_not_nul() -> None:
    assert loads('["\\\\u0000"]') == ["\\u0000"]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("x" * MAX_NAME_LENGTH, None),
        ("naïve 名前 with spaces", None),
        ("x" * (MAX_NAME_LENGTH + 1), "at most 255 characters (got 256)"),
        ("a\nb", "control characters"),
        ("a\x00b", "control characters"),
        ("a\tb", "control characters"),
        ("a\x7fb", "control characters"),
    ],
)
def test_name_problems(value: str, problem: str | None) -> None:
    found = name_problem(value)
    assert found is None if problem is None else problem in str(found)


def test_column_types_refuse_what_postgresql_would_on_sqlite_too() -> None:
    engine = sa.create_engine("sqlite://")
    table = sa.Table(
        "t", sa.MetaData(), sa.Column("name", BoundedString(5)), sa.Column("body", CheckedText)
    )
    table.create(engine)
    with engine.begin() as conn:
        conn.execute(table.insert(), {"name": "12345", "body": "ok"})
        for row in ({"name": "123456", "body": "x"}, {"name": "a", "body": "a\x00"}):
            with pytest.raises(sa.exc.StatementError) as caught:
                conn.execute(table.insert(), row)
            assert isinstance(caught.value.orig, StoredValueRefused)
        assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar() == 1


def test_deadlines_come_from_the_environment_and_must_be_positive() -> None:
    settings = Settings.from_env(
        {
            "ACCORD_BROKER_HEADER_TIMEOUT": "3",
            "ACCORD_BROKER_BODY_TIMEOUT": "4.5",
            "ACCORD_BROKER_LOCK_TIMEOUT": "2",
            "ACCORD_BROKER_QUEUE_TIMEOUT": "9",
        }
    )
    assert (settings.header_timeout, settings.body_timeout) == (3.0, 4.5)
    assert (settings.lock_timeout, settings.queue_timeout) == (2.0, 9.0)
    with pytest.raises(ValueError, match="must be > 0"):
        Settings(body_timeout=0)
