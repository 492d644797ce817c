import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from cdt.directory.models import Organisation

from .models import Assessment, ThreatActor


class AssessmentFilter(django_filters.FilterSet):
    source = django_filters.ModelChoiceFilter(label=_("Source"), queryset=Organisation.objects.order_by("name"), to_field_name="code")
    kind = django_filters.ChoiceFilter(label=_("Type"), choices=Assessment.Kind.choices)
    actor = django_filters.ModelChoiceFilter(label=_("Threat actor"), field_name="actors", queryset=ThreatActor.objects.all(), distinct=True)
    case = django_filters.ModelChoiceFilter(label=_("Case"), field_name="cases", queryset=Case.objects.all(), distinct=True)
    date_from = django_filters.DateFilter(label=_("From"), field_name="assessed_on", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("To"), field_name="assessed_on", lookup_expr="lte")
    q = django_filters.CharFilter(label=_("Text"), method="filter_text")

    class Meta:
        model = Assessment
        fields = ["source", "kind", "actor", "case", "date_from", "date_to", "q"]

    def filter_text(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(body__icontains=value)) if value else queryset
