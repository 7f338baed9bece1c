"""Java ``DateTimeFormatter`` patterns, strftime translation and Pact date expressions.

Pact files are shared with JVM and Rust implementations, and their ``date``/``time``/
``timestamp`` matchers and generators carry *Java* patterns (``yyyy-MM-dd'T'HH:mm:ss.SSSXXX``).
Python's ``strptime`` uses a different language, so to read and write pacts faithfully we
interpret the Java pattern language directly: patterns are compiled once to a regex whose
numeric groups are then range-checked, and formatting walks the same token stream.

Text fields (month and day names, AM/PM, eras) use fixed English names rather than the host
locale, because a contract must not change meaning depending on where the tests run.
Week-based fields (``Y``, ``w``, ``e``) follow ISO-8601 rules (weeks start on Monday).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import operator
import re
from collections.abc import Callable

from accord.errors import RuleError

__all__ = [
    "apply_date_expression",
    "format_java_pattern",
    "matches_java_pattern",
    "strftime_to_java",
]

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_QUARTERS = ("1st quarter", "2nd quarter", "3rd quarter", "4th quarter")
_ERAS = (("BC", "AD"), ("Before Christ", "Anno Domini"), ("B", "A"))

# Longest run accepted per pattern letter; Java rejects longer runs, and so do we.
_MAX_COUNT = {
    "G": 5, "u": 9, "y": 9, "Y": 9, "M": 5, "L": 5, "d": 2, "D": 3, "E": 5, "e": 5, "c": 5,
    "Q": 5, "q": 5, "w": 2, "a": 1, "H": 2, "h": 2, "K": 2, "k": 2, "m": 2, "s": 2, "S": 9,
    "n": 9, "X": 5, "x": 5, "Z": 5, "z": 4, "V": 2,
}  # fmt: skip
_DATE_LETTERS = frozenset("GuyYMLdDEecQqw")
_ZONE_LETTERS = frozenset("XxZzV")
# Offset layouts for X/x by letter count: (colon, minutes optional, optional seconds).
_OFFSET_STYLES = {1: (False, True, False), 2: (False, False, False), 3: (True, False, False)}
_OFFSET_STYLES.update({4: (False, False, True), 5: (True, False, True)})

_Token = tuple[str, int, str]  # (letter or "" for literal or "[" / "]", count, literal text)
_Check = tuple[str, int, int]  # (regex group name, minimum, maximum)
DateLike = dt.datetime | dt.date | dt.time


# A quoted literal ('' inside quotes is a quote), a run of one ASCII letter, or anything else.
_PATTERN_TOKEN = re.compile(r"'((?:[^']|'')*)'|([A-Za-z])\2*|(.)", re.DOTALL)


@functools.lru_cache(maxsize=512)
def _tokenize(pattern: str) -> tuple[_Token, ...]:
    """Split a pattern into letter runs and literals, quoting exactly as Java does."""
    tokens: list[_Token] = []
    for found in _PATTERN_TOKEN.finditer(pattern):
        quoted, letter, other = found.groups()
        if quoted is not None:  # Java: '' is a quote, and so is '' inside a quoted text
            tokens.append(("", 0, quoted.replace("''", "'") if quoted else "'"))
        elif letter is not None:
            count, limit = len(found.group()), _MAX_COUNT.get(letter)
            if limit is None:
                raise RuleError(f"unknown pattern letter {letter!r} in date pattern {pattern!r}")
            if count > limit or (letter == "V" and count != 2):
                raise RuleError(f"invalid letter run {found.group()!r} in pattern {pattern!r}")
            tokens.append((letter, count, ""))
        elif other == "'":
            raise RuleError(f"unterminated quoted literal in date pattern {pattern!r}")
        elif other in ("{", "}", "#"):
            raise RuleError(f"reserved character {other!r} in date pattern {pattern!r}")
        else:
            tokens.append((other, 0, "") if other in "[]" else ("", 0, other))
    return tuple(tokens)


class _RegexBuilder:
    """Builds the regex for one pattern, recording which numeric groups need range checks."""

    def __init__(self) -> None:
        self.checks: list[_Check] = []

    def num(self, low: int, high: int, min_width: int, max_width: int) -> str:
        name = f"g{len(self.checks)}"
        self.checks.append((name, low, high))
        width = str(min_width) if min_width == max_width else f"{min_width},{max_width}"
        return f"(?P<{name}>[0-9]{{{width}}})"  # [0-9], not \d: Java rejects non-ASCII digits

    def width(self, count: int, low: int, high: int, digits: int = 2) -> str:
        """One letter means "as many digits as needed", more letters mean zero-padded."""
        return self.num(low, high, 1 if count == 1 else count, max(digits, count))

    def offset(self, colon: bool, minutes_optional: bool, seconds: bool) -> str:
        sep = ":" if colon else ""
        tail = sep + self.num(0, 59, 2, 2)
        if seconds:
            tail += f"(?:{sep}{self.num(0, 59, 2, 2)})?"
        hours = f"[+-]{self.num(0, 18, 2, 2)}"
        return hours + (f"(?:{tail})?" if minutes_optional else tail)

    def field(self, letter: str, count: int) -> str:
        if letter == "G":
            return _alt(_ERAS[max(count, 3) - 3])
        if letter in "uyY":
            if count == 2:
                return self.num(0, 99, 2, 2)
            sign, low = ("-?", 0) if letter == "u" else ("", 1 if letter == "y" else 0)
            if count < 4:
                return sign + self.num(low, 999_999_999, count, 9)
            # Java's strict parser wants a '+' before a year wider than a 4+ letter field.
            padded = self.num(low, 10**count - 1, count, count)
            return f"(?:{sign}{padded}|\\+[0-9]{{{count + 1},}})"
        if letter in "ML":
            return self.width(count, 1, 12) if count <= 2 else _names(_MONTHS, count)
        if letter in "Eec":
            if letter != "E" and count <= 2:
                return self.num(1, 7, count, count)
            return _names(_DAYS, count)
        if letter in "Qq":
            if count in (3, 5):
                return ("Q" if count == 3 else "") + self.num(1, 4, 1, 1)
            return _alt(_QUARTERS) if count == 4 else self.num(1, 4, count, count)
        ranges = {"d": (1, 31), "w": (1, 53), "H": (0, 23), "h": (1, 12), "K": (0, 11)}
        ranges.update({"k": (1, 24), "m": (0, 59), "s": (0, 59)})
        if letter in ranges:
            return self.width(count, *ranges[letter])
        if letter == "D":
            return self.width(count, 1, 366, 3)
        if letter == "a":
            return "(?:AM|PM|am|pm)"
        if letter == "S":
            return self.num(0, 10**count - 1, count, count)
        if letter == "n":
            return self.num(0, 999_999_999, count, 9)
        if letter in "Xx":
            zulu = "Z|" if letter == "X" else ""
            return f"(?:{zulu}{self.offset(*_OFFSET_STYLES[count])})"
        if letter == "Z":
            if count <= 3:
                return self.offset(False, False, False)
            prefix = "GMT" if count == 4 else "Z|"
            return f"(?:{prefix}(?:{self.offset(True, False, True)}){'?' if count == 4 else ''})"
        if letter == "z":
            name = "[A-Z][A-Za-z]{1,5}" if count <= 3 else "[A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*)*"
            return f"(?:Z|{name}|{self.offset(True, False, False)})"
        # "V" (VV): a region id such as Europe/Paris, or an offset id.
        return f"(?:Z|{self.offset(True, False, True)}|[A-Za-z][A-Za-z0-9_+\\-/:]*)"


def _alt(options: tuple[str, ...]) -> str:
    return "(?:" + "|".join(re.escape(option) for option in options) + ")"


def _names(names: tuple[str, ...], count: int) -> str:
    return _alt(tuple(dict.fromkeys(_text(names, i, count) for i in range(len(names)))))


def _text(names: tuple[str, ...], index: int, count: int) -> str:
    """Java text styles: up to 3 letters short, 4 full, 5 narrow."""
    name = names[index]
    return name[:3] if count <= 3 else name if count == 4 else name[0]


@functools.lru_cache(maxsize=512)
def _compile(pattern: str) -> tuple[re.Pattern[str], tuple[_Check, ...]]:
    builder = _RegexBuilder()
    parts: list[str] = []
    depth = 0
    for letter, count, literal in _tokenize(pattern):
        if letter == "[":
            parts.append("(?:")
            depth += 1
        elif letter == "]":
            if depth == 0:
                raise RuleError(f"unmatched ']' in date pattern {pattern!r}")
            parts.append(")?")
            depth -= 1
        else:
            parts.append(builder.field(letter, count) if letter else re.escape(literal))
    parts.append(")?" * depth)  # like Java, unclosed optional sections end with the pattern
    return re.compile("".join(parts)), tuple(builder.checks)


def _compiled(pattern: str) -> tuple[re.Pattern[str], tuple[_Check, ...]]:
    """:func:`_compile`, with a pattern too deep or too long for ``re`` refused clearly."""
    if len(pattern) > 1000:
        raise RuleError(f"date pattern of {len(pattern)} characters is too long (limit 1000)")
    try:
        return _compile(pattern)
    except (RecursionError, OverflowError, re.error) as exc:
        raise RuleError(f"date pattern {pattern[:40]!r} cannot be compiled: {exc}") from exc


def matches_java_pattern(text: str, pattern: str) -> bool:
    """True iff the whole of ``text`` parses with the Java ``DateTimeFormatter`` ``pattern``.

    Fields are range-checked individually (month 1-12, day 1-31, hour 0-23, ...), mirroring
    Java's default SMART resolver, which likewise accepts day 31 in any month.
    Raises ``ValueError`` if ``pattern`` itself is invalid, so a broken contract is loud.
    """
    regex, checks = _compiled(pattern)
    found = regex.fullmatch(text)
    if found is None:
        return False
    for name, low, high in checks:
        value = found.group(name)
        if value is not None and not low <= int(value) <= high:
            return False
    return True


def format_java_pattern(value: DateLike, pattern: str) -> str:
    """Format ``value`` with a Java pattern, for Pact's Date/Time/DateTime generators.

    Naive values are treated as UTC for zone fields: the alternative, the host's zone, would
    make generated contracts depend on the machine. Optional sections are always printed.
    """
    return "".join([part if isinstance(part, str) else part(value) for part in _formatter(pattern)])


_Field = Callable[[DateLike], str]


@functools.lru_cache(maxsize=512)
def _formatter(pattern: str) -> tuple[str | _Field, ...]:
    """The pattern as literals and one function per field, worked out once: a generator
    formats the same few patterns for every example. Errors are not cached: a bad
    pattern raises every time."""
    _compiled(pattern)  # validate the whole pattern (brackets included) the same way
    parts: list[str | _Field] = []
    for letter, count, literal in _tokenize(pattern):
        if letter in ("[", "]"):
            continue
        parts.append(_field(letter, count) if letter else literal)
    return tuple(parts)


def _field(letter: str, count: int) -> _Field:
    """Formats one letter run; the common numeric fields go straight to their attribute."""
    attribute = _PLAIN_NUMBERS.get(letter)
    if attribute is None or (count == 2 and letter in "yu") or (count > 2 and letter in "ML"):
        return functools.partial(_format_field, letter=letter, count=count)
    needed = dt.date if letter in _DATE_LETTERS else (dt.datetime, dt.time)
    getter = operator.attrgetter(attribute)

    def number(value: DateLike) -> str:
        if not isinstance(value, needed):
            return _format_field(value, letter, count)  # raises, naming what is missing
        return str(getter(value)).zfill(count)

    return number


_PLAIN_NUMBERS = {"y": "year", "u": "year", "M": "month", "L": "month", "d": "day"}
_PLAIN_NUMBERS.update({"H": "hour", "m": "minute", "s": "second"})
"""Letters whose text is the attribute's number, zero-padded to the run's length; ``yy``
(two digits of the year) and ``MMM`` on (month names) are left to :func:`_format_field`."""


def _pad(number: int, count: int) -> str:
    return str(number).zfill(count)


def _format_field(value: DateLike, letter: str, count: int) -> str:
    if letter in _DATE_LETTERS:
        if not isinstance(value, dt.date):
            raise RuleError(f"pattern letter {letter!r} needs a date, got {value!r}")
        return _format_date(value, letter, count)
    if not isinstance(value, dt.datetime | dt.time):
        raise RuleError(f"pattern letter {letter!r} needs a time, got {value!r}")
    if letter in _ZONE_LETTERS:
        return _format_zone(value, letter, count)
    hour = value.hour
    if letter == "a":
        return "AM" if hour < 12 else "PM"
    if letter == "S":
        return f"{value.microsecond:06d}000"[:count]
    if letter == "n":
        return _pad(value.microsecond * 1000, count)
    numbers = {"H": hour, "h": hour % 12 or 12, "K": hour % 12, "k": hour or 24}
    numbers.update({"m": value.minute, "s": value.second})
    return _pad(numbers[letter], count)


def _format_date(day: dt.date, letter: str, count: int) -> str:
    if letter == "G":
        return _ERAS[max(count, 3) - 3][1]
    if letter in "uyY":
        year = day.isocalendar().year if letter == "Y" else day.year
        return f"{year % 100:02d}" if count == 2 else _pad(year, count)
    if letter in "ML":
        return _pad(day.month, count) if count <= 2 else _text(_MONTHS, day.month - 1, count)
    if letter in "Eec":
        if letter != "E" and count <= 2:
            return _pad(day.isoweekday(), count)
        return _text(_DAYS, day.weekday(), count)
    if letter in "Qq":
        quarter = (day.month - 1) // 3 + 1
        if count == 3:
            return f"Q{quarter}"
        return _QUARTERS[quarter - 1] if count == 4 else _pad(quarter, 1 if count == 5 else count)
    numbers = {"d": day.day, "D": day.timetuple().tm_yday, "w": day.isocalendar().week}
    return _pad(numbers[letter], count)


def _offset_text(seconds: int, count: int) -> str:
    """Render an offset the way X/x do for the given letter count."""
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if count == 1:
        return f"{sign}{hours:02d}" + (f"{minutes:02d}" if minutes else "")
    sep = ":" if count in (3, 5) else ""
    text = f"{sign}{hours:02d}{sep}{minutes:02d}"
    return text + (f"{sep}{secs:02d}" if count >= 4 and secs else "")


def _format_zone(value: dt.datetime | dt.time, letter: str, count: int) -> str:
    delta = value.utcoffset()
    seconds = int(delta.total_seconds()) if delta is not None else 0
    if seconds == 0 and (letter == "X" or (letter == "Z" and count == 5)):
        return "Z"
    if letter in "Xx":
        return _offset_text(seconds, count)
    if letter == "Z":
        if count <= 3:
            return _offset_text(seconds, 2)
        return ("GMT" if count == 4 else "") + (_offset_text(seconds, 5) if seconds else "")
    if letter == "V":
        key = getattr(value.tzinfo, "key", None)
        if isinstance(key, str):
            return key
        return "Z" if seconds == 0 else _offset_text(seconds, 5)
    name = value.tzname() if value.tzinfo is not None else "UTC"
    if name is None or (name.startswith("UTC") and name != "UTC"):
        return _offset_text(seconds, 3)  # Java prints fixed-offset zones by their id
    return name


_STRFTIME = {
    "Y": "yyyy", "y": "yy", "m": "MM", "d": "dd", "H": "HH", "I": "hh", "M": "mm", "S": "ss",
    "f": "SSSSSS", "z": "Z", ":z": "xxx", "Z": "z", "a": "EEE", "A": "EEEE", "b": "MMM",
    "h": "MMM", "B": "MMMM", "p": "a", "j": "DDD", "G": "YYYY", "V": "ww", "u": "e",
    "F": "yyyy-MM-dd", "T": "HH:mm:ss", "R": "HH:mm", "D": "MM/dd/yy",
}  # fmt: skip
_UNPADDED = frozenset("dmHIMSj")  # glibc's "%-d" style, common in hand-written formats
_NEEDS_QUOTING = re.compile(r"[A-Za-z'\[\]{}#]+")


def strftime_to_java(fmt: str) -> str:
    """Translate a Python ``strftime`` format into the equivalent Java pattern.

    Lets users state formats the Python way while pacts keep carrying Java patterns. A string
    without ``%`` is assumed to be a Java pattern already and is returned unchanged. Locale
    directives (``%c``, ``%x``, ``%X``) and Sunday-based weeks have no Java equivalent and
    raise ``ValueError``.
    """
    if "%" not in fmt:
        return fmt
    out: list[str] = []
    literal = ""
    for index, piece in enumerate(re.split(r"(%[-:]?.?)", fmt, flags=re.DOTALL)):
        if index % 2 == 0 or piece == "%%":
            literal += piece if index % 2 == 0 else "%"
            continue
        directive = piece[1:]
        unpadded = directive.startswith("-") and directive[1:] in _UNPADDED
        java = _STRFTIME.get(directive[1:] if unpadded else directive)
        if java is None:
            raise RuleError(f"unsupported strftime directive {piece!r} in {fmt!r}")
        out += [_quote(literal), java[0] if unpadded else java]
        literal = ""
    out.append(_quote(literal))
    return "".join(out)


def _quote(text: str) -> str:
    """Quote only the runs Java would misread (letters, quotes, brackets), for readability."""
    return _NEEDS_QUOTING.sub(lambda run: "'" + run.group().replace("'", "''") + "'", text)


_EXPR_TOKEN = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?|\d+|[+\-@]|[a-z][a-z']*")
_BASES = {"today": 0, "now": 0, "tomorrow": 1, "yesterday": -1}
# Units with a fixed length, in seconds; months and years need calendar arithmetic.
_FIXED_UNITS = {"millisecond": 0.001, "second": 1, "minute": 60, "hour": 3600, "day": 86400}
_FIXED_UNITS.update({"week": 7 * 86400, "fortnight": 14 * 86400})


def apply_date_expression(base: dt.datetime, expression: str) -> dt.datetime:
    """Evaluate a Pact generator expression such as ``"today + 2 weeks - 1 day @ noon"``.

    Grammar: an optional base (today, now, tomorrow, yesterday), then any number of offsets
    (``+ N unit``, ``- N unit``, ``next unit``, ``last unit``) and time-of-day settings
    (``@ 2pm``, ``@ 14:30``, ``@ midnight``, a bare ``midnight``/``noon``). Months and years
    clamp the day (Jan 31 + 1 month = Feb 28/29). An empty expression returns ``base``.
    """
    tokens = _EXPR_TOKEN.findall(expression.lower())
    if "".join(tokens) != "".join(expression.lower().split()):
        raise _bad(expression, "contains characters that are not part of the grammar")
    result, index = base, 0
    if tokens and tokens[0] in _BASES:
        result, index = base + dt.timedelta(days=_BASES[tokens[0]]), 1
    try:
        while index < len(tokens):
            token = tokens[index]
            if token in ("+", "-") and index + 2 < len(tokens) and tokens[index + 1].isdigit():
                if len(tokens[index + 1]) > 9:
                    raise _bad(expression, f"{tokens[index + 1][:12]}... is too large")
                amount = int(tokens[index + 1]) * (-1 if token == "-" else 1)
                result = _shift(result, amount, tokens[index + 2], expression)
                index += 3
            elif token in ("next", "last") and index + 1 < len(tokens):
                step = 1 if token == "next" else -1
                result = _shift(result, step, tokens[index + 1], expression)
                index += 2
            elif token == "@" or token in ("midnight", "noon"):
                result, index = _time_of_day(result, tokens, index + (token == "@"), expression)
            else:
                raise _bad(expression, f"unexpected {token!r}")
    except OverflowError as exc:
        raise _bad(expression, "result is out of range") from exc
    return result


def _bad(expression: str, reason: str) -> RuleError:
    return RuleError(f"invalid date expression {expression!r}: {reason}")


def _shift(value: dt.datetime, amount: int, unit: str, expression: str) -> dt.datetime:
    unit = unit.removesuffix("s")
    if unit in _FIXED_UNITS:
        return value + dt.timedelta(seconds=_FIXED_UNITS[unit] * amount)
    if unit not in ("month", "year"):
        raise _bad(expression, f"unknown unit {unit!r}")
    index = value.year * 12 + value.month - 1 + amount * (12 if unit == "year" else 1)
    year, month = divmod(index, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise OverflowError(year)
    day = min(value.day, calendar.monthrange(year, month + 1)[1])
    return value.replace(year=year, month=month + 1, day=day)


def _time_of_day(
    value: dt.datetime, tokens: list[str], index: int, expression: str
) -> tuple[dt.datetime, int]:
    token = tokens[index] if index < len(tokens) else ""
    named = {"midnight": 0, "noon": 12}
    if token == "now":
        return value, index + 1
    if token in named:
        return value.replace(hour=named[token], minute=0, second=0, microsecond=0), index + 1
    if not token[:1].isdigit():
        raise _bad(expression, f"expected a time of day, got {token or 'nothing'!r}")
    hour, minute, second = ([int(part) for part in token.split(":")] + [0, 0])[:3]
    index += 1
    if index < len(tokens) and tokens[index] == "o'clock":
        index += 1
    if index < len(tokens) and tokens[index] in ("am", "pm"):
        if not 1 <= hour <= 12:
            raise _bad(expression, f"{hour} is not a 12-hour clock hour")
        hour = hour % 12 + (12 if tokens[index] == "pm" else 0)
        index += 1
    if hour > 23 or minute > 59 or second > 59:
        raise _bad(expression, f"{token!r} is not a valid time of day")
    return value.replace(hour=hour, minute=minute, second=second, microsecond=0), index
