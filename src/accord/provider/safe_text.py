"""Text from a pact or a producer, made safe to print and to put in XML.

Descriptions, state names, values and mismatch messages come from files other people wrote
and from user code. A lone surrogate (``"\\ud800"``) cannot be encoded as UTF-8, so
printing it raises ``UnicodeEncodeError``; control characters can rewrite a terminal
(``"\\x1b[2J"``); and XML 1.0 forbids most control characters outright, so one of them
makes a JUnit report unreadable. These functions replace exactly those characters with a
visible escape and leave every other character as it is.
"""

from __future__ import annotations

import functools
import re

_CONSOLE_UNSAFE = r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]"
"""C0 and C1 controls except tab and newline, DEL, lone surrogates, line separators."""

_XML_UNSAFE = r"[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
"""Everything outside XML 1.0's ``Char`` production, plus C1 controls (discouraged there)."""


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    """Compiled on first use: these wide classes cost ``import accord`` ~3 ms up front."""
    return re.compile(pattern)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_console(text: str) -> str:
    """``text`` with control characters and lone surrogates shown as ``\\xNN``/``\\uNNNN``.

    Tabs and newlines are kept. The result can always be encoded as UTF-8.
    """
    return _compiled(_CONSOLE_UNSAFE).sub(_escape, text)


def for_xml(text: str) -> str:
    """``text`` with every character XML 1.0 cannot carry shown as ``\\xNN``/``\\uNNNN``.

    Escape ``<``/``&`` as usual afterwards (``xml.etree`` does that); this only removes
    what no escaping can carry.
    """
    return _compiled(_XML_UNSAFE).sub(_escape, text)


def encodable(text: str, encoding: str | None) -> str:
    """``for_console(text)``, then anything ``encoding`` cannot carry as ``\\uNNNN``.

    For a console whose encoding is not UTF-8 (``cp1252``, ``ascii``).
    """
    safe = for_console(text)
    if not encoding:
        return safe
    try:
        safe.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return safe.encode(encoding if _known(encoding) else "ascii", "backslashreplace").decode(
            encoding if _known(encoding) else "ascii"
        )
    return safe


def _known(encoding: str) -> bool:
    import codecs

    try:
        codecs.lookup(encoding)
    except LookupError:
        return False
    return True
