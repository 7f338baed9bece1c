"""The consumer: a handler for user events, kept apart from any queue or broker."""

from __future__ import annotations

from dataclasses import dataclass

from accord import Message


@dataclass
class User:
    id: int
    name: str
    lastName: str
    datetime: str


class InvalidUser(ValueError):
    pass


def handle_user(user: User) -> None:
    """The real business logic: reject users it cannot process."""
    if user.id == -1:
        raise InvalidUser("invalid object supplied, missing fields (id)")
    # ... actually consume the user


def on_message(message: Message) -> None:
    """The small adapter from a transport-neutral message to the domain handler."""
    handle_user(message.content_as(User))
