"""The two answers of a transition that are neither 403 nor a plain 400:
the wrong state (409) and unmet guards (400 naming each)."""

from __future__ import annotations


class Conflict(Exception):
    """The request does not fit the object as it is now (409): someone
    changed it first, or the change was already made. ``state`` is the
    state found, where there is one, so a client can refresh."""

    def __init__(self, message: str = "", *, state: str | None = None) -> None:
        super().__init__(message)
        self.state = state


class TransitionConflict(Conflict):
    """The object is not (or no longer) in a state that allows the
    transition: someone else moved it first, or it was never possible from
    here."""


class TransitionGuardFailed(Exception):
    """Conditions of the transition are not met; ``reasons`` names each,
    in words shown to users and returned by the API."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(str(reason) for reason in reasons))
        self.reasons = [str(reason) for reason in reasons]
