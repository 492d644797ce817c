"""API building blocks for protected objects: the markings as fields, and a
viewset mixin that applies the one access rule to every query."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import IntegerChoices, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cdt.core.api import fields as json_fields
from cdt.directory.models import Organisation

from .kept import kept_api_answer
from .markings import Classification, Distribution, Tlp, validate_classification_ceiling
from .selectors import protected_queryset, protected_read_record

if TYPE_CHECKING:
    from rest_framework.generics import GenericAPIView

    _ViewSetBase = GenericAPIView[Any]
else:
    _ViewSetBase = object


class NamedChoiceField(serializers.ChoiceField):
    """An integer choice exposed by its name (``"RESTREINT_UE"``,
    ``"AMBER_STRICT"``): self-describing for API clients."""

    def __init__(self, choices_class: type[IntegerChoices], **kwargs: Any) -> None:
        self.choices_class = choices_class
        super().__init__(choices=[member.name for member in choices_class], **kwargs)

    def to_internal_value(self, data: Any) -> int:  # type: ignore[override]  # stubs fix ChoiceField values to str
        return int(self.choices_class[super().to_internal_value(data)])

    def to_representation(self, value: Any) -> str:
        return self.choices_class(int(value)).name


class MarkingsSerializer(json_fields.ModelSerializer):
    """Base serializer of a :class:`~cdt.security.models.Marked` model.
    Every marking is required on input; the ceiling is enforced here (the
    same validator as the model, forms and the admin)."""

    classification = NamedChoiceField(Classification, validators=[validate_classification_ceiling])
    tlp = NamedChoiceField(Tlp)
    originator = json_fields.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all())
    releasable_to_all = json_fields.BooleanField()
    releasable_to = json_fields.SlugRelatedField(slug_field="code", queryset=Organisation.objects.all(), many=True, required=False)
    limite = json_fields.BooleanField()
    marking = json_fields.CharField(source="marking_label", read_only=True)
    distribution = serializers.ChoiceField(
        choices=Distribution.choices,
        read_only=True,
        help_text=_("Who is in the loop before the markings cut in; changed through the object's own share actions."),
    )

    MARKING_FIELDS = ("classification", "limite", "tlp", "originator", "releasable_to_all", "releasable_to", "marking", "distribution")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if not attrs.get("releasable_to_all", getattr(self.instance, "releasable_to_all", False)) and not attrs.get(
            "releasable_to", [] if self.instance is None else list(self.instance.releasable_to.all())
        ):
            raise serializers.ValidationError({"releasable_to": _("Name at least one organisation, or make it releasable to all.")})
        return attrs


class ProtectedViewSetMixin(_ViewSetBase):
    """Every query of the viewset goes through the access rule: lists,
    counts and searches omit what the user may not see, details and actions
    on it answer 404. Detail reads of classified objects are audited.

    A list or a detail read is kept for its reader until the next committed
    write (:mod:`cdt.security.kept`), once authentication, the scope check
    and the throttles have let the request through."""

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        action = getattr(self, "action", None)
        if request.method == "GET" and action in ("list", "retrieve"):
            handler = getattr(self, "get")  # noqa: B009  # the handler DRF's dispatch calls next
            self.get = lambda request, *args, **kwargs: kept_api_answer(request, handler, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        return protected_queryset(super().get_queryset(), self.request.user)

    def get_object(self) -> Any:
        obj = super().get_object()
        protected_read_record(obj=obj, user=self.request.user, request=self.request, via="api")
        return obj
