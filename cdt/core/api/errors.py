"""Service errors as API answers."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers


def service_validation_error(error: DjangoValidationError) -> serializers.ValidationError:
    """A service's Django ``ValidationError`` as DRF's: a 400 naming the field."""
    return serializers.ValidationError(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages})
