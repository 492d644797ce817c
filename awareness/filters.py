import django_filters
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from cdt.core.api.filters import BooleanWidget, OrderingFilter, RestrictedFilterSet
from cdt.directory.models import Organisation
from cdt.security.selectors import protected_queryset

from .models import Assessment, FeedIngestion, RequestForInformation, ThreatActor


def visible_cases(request: HttpRequest | None) -> QuerySet[Case]:
    """The cases a filter may offer and accept: those the user may see (an
    id they may not see is refused like one that does not exist). Without a
    request, none."""
    if request is None:
        return Case.objects.none()
    return protected_queryset(Case.objects.all(), request.user).order_by("-brought_on", "-id")


class AssessmentFilter(RestrictedFilterSet):
    source = django_filters.ModelChoiceFilter(label=_("Source"), queryset=Organisation.objects.order_by("name"), to_field_name="code")
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=Assessment.Kind.choices)
    actor = django_filters.ModelChoiceFilter(
        label=_("Threat actor"), field_name="actors", queryset=ThreatActor.objects.all(), distinct=True
    )
    case = django_filters.ModelChoiceFilter(label=_("Case"), field_name="cases", queryset=visible_cases, distinct=True)
    date_from = django_filters.DateFilter(label=_("From"), field_name="assessed_on", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("To"), field_name="assessed_on", lookup_expr="lte")
    q = django_filters.CharFilter(label=_("Text"), method="filter_text")
    sort = OrderingFilter(
        label=_("Sort by"),
        fields=(("assessed_on", "assessed_on"), ("title", "title")),
        field_labels={"assessed_on": _("date"), "title": _("title")},
    )

    class Meta:
        model = Assessment
        fields = ["source", "kind", "actor", "case", "date_from", "date_to", "q"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(body__icontains=value)) if value else queryset


class ActorFilter(RestrictedFilterSet):
    q = django_filters.CharFilter(label=_("Name or alias"), method="filter_text")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ThreatActor.Kind.choices)
    persistent = django_filters.BooleanFilter(label=_("Persistent threat actors only"), method="filter_persistent", widget=BooleanWidget())
    sort = OrderingFilter(
        label=_("Sort by"),
        fields=(("name", "name"), ("last_seen", "last_seen")),
        field_labels={"name": _("name"), "last_seen": _("last seen")},
    )

    class Meta:
        model = ThreatActor
        fields = ["q", "kind", "persistent"]

    def filter_text(self, queryset, name, value):
        # Aliases are a JSON list: matched as text, which both databases do.
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(aliases__icontains=value)) if value else queryset

    def filter_persistent(self, queryset, name, value):
        return queryset.filter(persistent=True) if value else queryset


class RfiFilter(RestrictedFilterSet):
    q = django_filters.CharFilter(label=_("Text"), method="filter_text")
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        method="filter_status",
        choices=[("open", _("Not answered")), ("answered", _("Answered")), ("overdue", _("Overdue"))],
    )
    sort = OrderingFilter(
        label=_("Sort by"),
        fields=(("due_on", "due_on"), ("case__reference", "case")),
        field_labels={"due_on": _("due date"), "case__reference": _("case")},
    )

    class Meta:
        model = RequestForInformation
        fields = ["q", "status"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(question__icontains=value) | Q(case__reference__icontains=value)) if value else queryset

    def filter_status(self, queryset, name, value):
        from django.utils import timezone

        if value == "answered":
            return queryset.exclude(answer=None)
        queryset = queryset.filter(answer=None)
        return queryset.filter(due_on__lt=timezone.localdate()) if value == "overdue" else queryset


class FeedIngestionFilter(RestrictedFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=FeedIngestion.Status.choices)
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=FeedIngestion.Channel.choices)
    received_from = django_filters.DateFilter(label=_("From"), field_name="received_at", lookup_expr="date__gte")
    sort = OrderingFilter(
        label=_("Sort by"),
        fields=(("received_at", "received_at"), ("object_count", "objects")),
        field_labels={"received_at": _("received"), "object_count": _("objects")},
    )

    class Meta:
        model = FeedIngestion
        fields = ["status", "channel", "received_from"]
