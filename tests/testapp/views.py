"""Pages over the test dossier: a list (with search and count) and a detail
page with its notes, built the way domain pages are."""

from django import forms
from django.shortcuts import redirect, render

from cdt.core.access import AUTHENTICATED, DETAIL, LIST, OBJECT, declare_access
from cdt.core.forms import EclFormMixin
from cdt.security.access import visible_children
from cdt.security.selectors import highest_marking, protected_get, protected_queryset

from .models import Dossier, DossierNote
from .services import dossier_create


@declare_access(OBJECT, model=Dossier, kind=LIST)
def dossier_list(request):
    dossiers = protected_queryset(Dossier.objects.order_by("pk"), request.user)
    query = request.GET.get("q", "").strip()
    if query:
        dossiers = dossiers.filter(title__icontains=query)
    dossiers = list(dossiers)
    return render(request, "testapp/dossier_list.html", {"dossiers": dossiers, "query": query, "marking": highest_marking(dossiers)})


@declare_access(OBJECT, model=Dossier, kind=DETAIL, lookup="dossier_id")
def dossier_detail(request, dossier_id: int):
    dossier = protected_get(Dossier.objects.all(), request.user, request=request, pk=dossier_id)
    notes = visible_children(DossierNote.objects.filter(dossier=dossier).order_by("pk"), request.user)
    return render(request, "testapp/dossier_detail.html", {"dossier": dossier, "notes": notes, "marking": dossier})


@declare_access(OBJECT, model=DossierNote, kind=DETAIL, lookup="note_id")
def note_detail(request, note_id: int):
    note = protected_get(DossierNote.objects.select_related("dossier"), request.user, request=request, pk=note_id)
    return render(request, "testapp/note_detail.html", {"note": note, "marking": note})


class DossierForm(EclFormMixin, forms.ModelForm):
    class Meta:
        model = Dossier
        fields = ["title", "classification", "limite", "tlp", "originator", "releasable_to_all", "releasable_to"]


@declare_access(AUTHENTICATED)
def dossier_new(request):
    form = DossierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        dossier = dossier_create(by=request.user, **data)
        return redirect("test-dossier-page", dossier_id=dossier.pk)
    return render(request, "testapp/dossier_form.html", {"form": form}, status=400 if form.errors else 200)
