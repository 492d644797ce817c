from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import model_ngettext
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, CharField, Q, QuerySet, Value, When
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cdt.accounts.roles import Role
from cdt.directory.models import Organisation

from .access import codename, permission_models
from .grants import access_grant, access_revoke, organisation_group
from .history import visible_versions
from .models import AuditEntry, AuditTrailLine, Classified, Marked
from .selectors import is_protected, protected_list_record, protected_queryset, protected_read_record, visible_ids
from .types import AnyUser, is_active_user


class ReadOnlyAdmin(admin.ModelAdmin):
    """A log shown in the console: nobody adds, changes or deletes rows."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RestrictedChoicesAdmin(admin.ModelAdmin):
    """Every console form field that chooses a protected object offers only
    what the console user may see (issue 25): the admin builds relation
    fields from the related model's default manager, so a claim form listed
    SIAC-only assessments and a plan form every measure. Every admin of a
    model with a relation to a protected one derives from this class (a
    test walks the registry for a user who sees nothing)."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        return _restricted(super().formfield_for_foreignkey(db_field, request, **kwargs), request)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        return _restricted(super().formfield_for_manytomany(db_field, request, **kwargs), request)

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj.cdt_hidden_relations = hide_unseen_relations([obj], request)
        return obj

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """A relation naming something the user may not see is shown, not
        edited: the form could neither show it nor keep it on save."""
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly + tuple(name for name in getattr(obj, "cdt_hidden_relations", ()) if name not in readonly)

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        changelist = super().get_changelist_instance(request)
        hide_unseen_relations(list(changelist.result_list), request)  # the list's rows, fetched once and kept
        return changelist


def hide_unseen_relations(rows: list[Any], request: HttpRequest) -> set[str]:
    """Make the console's rows name only related objects ``request.user``
    may see (decision 0023): a hidden single reference reads as empty, a
    hidden member of a many-to-many relation is left out. Asked once per
    related model for all ``rows``. Returns the names of the relations in
    which something was hidden. A child's own parent is always visible."""
    if not rows:
        return set()
    model, memo, hidden = type(rows[0]), visible_ids(request), set()
    parent_field = getattr(model, "parent_field", None)
    for field in model._meta.get_fields():
        if not (field.concrete and field.is_relation) or field.name == parent_field or not is_protected(field.related_model):
            continue
        if field.many_to_many:
            # Shown on the change form only (a changelist cannot list them).
            for row in rows if len(rows) == 1 else ():
                related = getattr(row, field.name).all()
                members = protected_queryset(related, request.user)
                if related.count() != members.count():
                    hidden.add(field.name)
                row._prefetched_objects_cache = {**getattr(row, "_prefetched_objects_cache", {}), field.name: members}
            continue
        shown = memo.visible(field.related_model, [getattr(row, field.attname) for row in rows])
        for row in rows:
            if getattr(row, field.attname) is not None and getattr(row, field.attname) not in shown:
                field.set_cached_value(row, None)
                hidden.add(field.name)
    return hidden


def _restricted(formfield: Any, request: HttpRequest) -> Any:
    queryset = getattr(formfield, "queryset", None)
    if queryset is not None and is_protected(queryset.model):
        formfield.queryset = protected_queryset(queryset, request.user)
    return formfield


@admin.register(AuditTrailLine)
class AuditTrailAdmin(ReadOnlyAdmin):
    """The audit trail is read-only everywhere, the console included. It
    lists the chained entries and the reads still queued for the chain
    (decision 0032), in the chain's order, so a read shows the moment it is
    recorded. The console lists the entries about objects its user may see
    and those that name no protected object: an entry naming a hidden case
    carried its reference and title, and the search found them (issue 25).
    The whole chain is verified by ``manage.py verify_audit``, not here.
    Who may open it is unchanged: the view permission on the audit entry."""

    list_display = ("position", "at", "actor_name", "action", "object_type", "object_id", "object_repr", "ip_address", "chained")
    list_filter = ("action", "object_type")
    search_fields = ("actor_name", "object_repr", "object_id")
    date_hierarchy = "at"
    #: The line's fields in the order a reader takes them in (the model's own
    #: order puts the shared :class:`AuditRecord` fields first).
    readonly_fields = (
        "key",
        "position",
        "pending_id",
        "at",
        "actor",
        "actor_name",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "details",
        "ip_address",
    )

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(f"security.view_{AuditEntry._meta.model_name}")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(audit_entries_shown(request.user))

    @admin.display(boolean=True, description=_("in the chain"))
    def chained(self, line: AuditTrailLine) -> bool:
        """False while the read waits for the chainer (seconds)."""
        return line.position is not None


def audit_entries_shown(user: AnyUser) -> Q:
    """Entries naming no protected object, or one ``user`` may see (in SQL)."""
    from django.apps import apps

    protected: list[Any] = [model for model in apps.get_models() if is_protected(model)]
    shown = ~Q(object_type__in=[model._meta.label_lower for model in protected])
    for model in protected:
        visible = protected_queryset(model._base_manager.all(), user).annotate(id_text=Cast("pk", CharField())).values("id_text")
        shown |= Q(object_type=model._meta.label_lower, object_id__in=visible)
    return shown


class OrganisationField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return f"{obj} — {obj.get_kind_display()}"


class OrganisationChoiceForm(forms.Form):
    # Delegations first, then the secretariat, EU bodies and partners (the order of Kind).
    organisation = OrganisationField(
        queryset=Organisation.objects.alias(
            kind_order=Case(*(When(kind=kind, then=Value(i)) for i, kind in enumerate(Organisation.Kind.values)))
        ).order_by("kind_order", "name"),
        label=_("Delegation or body"),
        help_text=_("Everyone in this organisation, now or later, gains or loses access."),
    )


class ProtectedModelAdmin(RestrictedChoicesAdmin):
    """Admin for a protected model (or a child of one). Access follows the
    one rule, never model-level permissions (nobody holds those on protected
    models): the secretariat sees in the console exactly what its grants let
    it see; an object outside them is reported as not existing."""

    # Protected querysets are costly to count (grant subqueries): one count
    # per changelist, not a second one for the unfiltered total.
    list_per_page = 50
    show_full_result_count = False
    actions = ["grant_delegation_access", "withdraw_delegation_access"]
    delegation_access_template = "admin/cdt/delegation_access.html"

    def _is_secretariat(self, request: HttpRequest) -> bool:
        user = request.user
        return is_active_user(user) and user.is_staff and user.has_role(Role.SECRETARIAT)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return protected_queryset(super().get_queryset(request), request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._is_secretariat(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not self._is_secretariat(request):
            return False
        return obj is None or self._can(request.user, obj, "view")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not self._is_secretariat(request):
            return False
        return obj is None or self._can(request.user, obj, "change")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # created through the application's services, which grant access

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        """The distribution is shown, never edited here: it changes through
        the object's share panel, which checks who may, audits and tells
        those who gain access."""
        readonly = tuple(super().get_readonly_fields(request, obj))
        if any(field.name == "distribution" for field in self.model._meta.fields) and "distribution" not in readonly:
            readonly += ("distribution",)
        return readonly

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # protected records are kept; the audit trail refers to them

    @staticmethod
    def _can(user: AnyUser, obj: Classified, action: str) -> bool:
        # Decided on the stored row, not on ``obj``: after a rejected POST the
        # admin passes the instance with the submitted (invalid) markings.
        if obj.pk is None:
            return False
        return protected_queryset(type(obj)._default_manager.filter(pk=obj.pk), user, action).exists()

    # --- Need-to-know for a whole delegation, from the changelist -------------

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not issubclass(self.model, Marked):  # children have no grants: they follow their parent
            for name in ("grant_delegation_access", "withdraw_delegation_access"):
                actions.pop(name, None)
        return actions

    @admin.action(description=_("Grant a delegation access"), permissions=["change"])
    def grant_delegation_access(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse | None:
        return self._delegation_access(request, queryset, grant=True)

    @admin.action(description=_("Withdraw a delegation’s access"), permissions=["change"])
    def withdraw_delegation_access(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse | None:
        return self._delegation_access(request, queryset, grant=False)

    def _delegation_access(self, request: HttpRequest, queryset: QuerySet[Any], *, grant: bool) -> HttpResponse | None:
        """The intermediate page (choose the organisation), then the grants or
        revocations through the audited services, all or none. ``queryset``
        is the changelist's, already narrowed to what the user may see, so a
        posted id outside it is simply not there."""
        form = OrganisationChoiceForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            organisation = form.cleaned_data["organisation"]
            group = organisation_group(organisation)
            actions = ("view",) if grant else ("view", "change")
            # Read before writing: withdrawing the secretariat's own
            # organisation may narrow ``queryset`` as we go.
            objects = list(queryset)
            held = {action: self._held_by(group, queryset, action) for action in actions}
            changed = set()
            with transaction.atomic():
                # Only what changes is written (and audited): a grant already
                # held, or a revocation of nothing, would be noise in the trail.
                for action in actions:
                    for obj in objects:
                        if (obj.pk in held[action]) == grant:
                            continue
                        (access_grant if grant else access_revoke)(target=obj, by=request.user, group=group, action=action)
                        changed.add(obj.pk)
            if changed:
                message = (
                    gettext("%(organisation)s now has access to %(count)d %(items)s.")
                    if grant
                    else gettext("%(organisation)s no longer has access to %(count)d %(items)s.")
                )
                self.message_user(
                    request,
                    message % {"organisation": organisation, "count": len(changed), "items": model_ngettext(self.opts, len(changed))},
                    messages.SUCCESS,
                )
            else:
                message = (
                    gettext("%(organisation)s already had access; nothing changed.")
                    if grant
                    else gettext("%(organisation)s had no access to withdraw; nothing changed.")
                )
                self.message_user(request, message % {"organisation": organisation}, messages.INFO)
            return None  # back to the changelist
        select_across = request.POST.get("select_across") == "1"
        shown = list(queryset[:21])
        context = {
            **self.admin_site.each_context(request),
            "title": _("Grant a delegation access") if grant else _("Withdraw a delegation’s access"),
            "grant": grant,
            "form": form,
            "opts": self.opts,
            "objects": shown[:20],
            "more": queryset.count() - 20 if len(shown) > 20 else 0,
            "select_across": select_across,
            # With "all N selected", the admin still wants the page's ticked ids
            # posted, and applies the action to the whole filtered list.
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME) if select_across else queryset.values_list("pk", flat=True),
            "action": "grant_delegation_access" if grant else "withdraw_delegation_access",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.delegation_access_template, context)

    def _held_by(self, group: Group, queryset: QuerySet[Any], action: str) -> set[Any]:
        _user_perm, group_perm = permission_models(self.model)
        return set(
            group_perm.objects.filter(
                group=group,
                permission__codename=codename(self.model, action),
                content_object__in=queryset.values("pk"),
            ).values_list("content_object_id", flat=True)
        )

    def _visible_or_404(self, request: HttpRequest, object_id: str) -> Any:
        """The object as the user may see it now, or 404 as for one that does not exist."""
        from django.contrib.admin.utils import unquote
        from django.http import Http404

        try:
            return self.get_queryset(request).get(pk=unquote(object_id))
        except (self.model.DoesNotExist, ValueError, ValidationError):
            raise Http404 from None

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        # simple-history would fall back to the last historical version of an
        # object the user cannot see, and answer 403; we answer as for a
        # non-existent object.
        self._visible_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def get_history_queryset(self, request: HttpRequest, history_manager: Any, pk_name: str, object_id: Any) -> QuerySet[Any]:
        """The versions listed on the history page (and diffed against each
        other there): only those whose own markings the user may see, so
        neither a row nor a change summary shows an earlier, stricter version."""
        obj = self._visible_or_404(request, str(object_id))
        # Concrete admins put SimpleHistoryAdmin (untyped) after this class.
        versions = super().get_history_queryset(request, history_manager, pk_name, object_id)  # type: ignore[misc]
        return visible_versions(versions, obj, request.user)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """One version: 404, as for a version that does not exist, unless the
        user may see the object now and that version's own markings."""
        from django.http import Http404

        obj = self._visible_or_404(request, object_id)
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        try:
            version = visible_versions(history.filter(**{self.opts.pk.attname: obj.pk, "history_id": version_id}), obj, request.user).get()
        except (history.model.DoesNotExist, ValueError, ValidationError):
            raise Http404 from None
        response = super().history_form_view(request, object_id, version_id, extra_context)  # type: ignore[misc]
        if request.method == "GET":
            protected_read_record(obj=version.instance, user=request.user, request=request, via="admin history")
        return response

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True  # history is a record; changes go through the services

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """The console's list is a list read like any other: one audit entry
        naming the classified rows of the page shown."""
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if request.method == "GET" and changelist is not None:
            # Evaluated here rather than by the template: the same queryset
            # object, so its rows are fetched once.
            protected_list_record(objects=changelist.result_list, user=request.user, request=request, via="admin")
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        context_data = getattr(response, "context_data", None)  # a TemplateResponse's
        if request.method == "GET" and context_data and context_data.get("original"):
            protected_read_record(obj=context_data["original"], user=request.user, request=request, via="admin")
        return response
