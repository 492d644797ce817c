"""Domain errors as HTTP, once for every view.

The API: :func:`api_exception_handler` is DRF's exception handler, so a
service's ``ValidationError`` (400 naming the field), ``PermissionDenied``
(403), :class:`TransitionConflict` (409, with the state found) and
:class:`TransitionGuardFailed` (400, with ``guards``, also as ``checks``) answer the same way
from every view, and views call services without try/except.

Pages: :func:`page_attempt` runs a service and returns either its result or
the errors and status to render the form again with (the form, a redirect
target and messages stay the view's)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from .errors import TransitionConflict, TransitionGuardFailed

_R = TypeVar("_R")


def validation_detail(error: DjangoValidationError) -> dict[str, Any]:
    """A Django ``ValidationError`` as a 400 body naming each field."""
    if hasattr(error, "error_dict"):
        return {name: [str(message) for message in messages] for name, messages in error.message_dict.items()}
    return {"detail": [str(message) for message in error.messages]}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, TransitionConflict):
        body: dict[str, Any] = {"detail": str(exc)}
        if exc.state is not None:
            body["state"] = exc.state
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, TransitionGuardFailed):
        # ``checks`` is the name the attribution and measures APIs gave the
        # same list before the engine; kept so their clients keep working.
        return Response({"detail": str(exc), "guards": exc.reasons, "checks": exc.reasons}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_detail(exc))
    elif isinstance(exc, DjangoPermissionDenied) and str(exc):
        exc = exceptions.PermissionDenied(str(exc))
    return exception_handler(exc, context)


@dataclass
class Attempt(Generic[_R]):
    """What a page does next: ``result`` when the service succeeded, else
    the ``errors`` (all messages), ``field_errors`` (by field, to put on a
    form) and the HTTP ``status`` to render the page again with."""

    result: _R | None = None
    errors: list[str] = field(default_factory=list)
    field_errors: dict[str, list[str]] = field(default_factory=dict)
    status: int = 200

    @property
    def failed(self) -> bool:
        return self.status >= 400


def page_attempt(run: Callable[[], _R]) -> Attempt[_R]:
    """Run a service for a page and turn its domain errors into what the
    page shows: 403 for the role, 409 for the state, 400 for guards and
    input."""
    try:
        return Attempt(result=run())
    except DjangoPermissionDenied as error:
        return Attempt(errors=[str(error)], status=403)
    except TransitionConflict as error:
        return Attempt(errors=[str(error)], status=409)
    except TransitionGuardFailed as error:
        return Attempt(errors=list(error.reasons), status=400)
    except DjangoValidationError as error:
        field_errors = validation_detail(error)
        return Attempt(
            errors=[message for messages in field_errors.values() for message in messages], field_errors=field_errors, status=400
        )


def form_errors_add(form: Any, attempt: Attempt[Any]) -> None:
    """Put an attempt's errors on a Django form: by field where the form has
    it, else as non-field errors (shown in the form's error summary)."""
    for name, messages in attempt.field_errors.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)
    if not attempt.field_errors:
        for message in attempt.errors:
            form.add_error(None, message)
