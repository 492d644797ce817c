"""The one access rule.

A user may view a protected object when **all** of these hold:

1. **need-to-know**: a grant of ``view_<model>`` on the object, to the user
   or to one of the user's groups (their delegation, a role such as "HWPCI
   delegate", the EEAS team); or, for viewing, the object's
   **distribution**: HWPCI reaches every organisation that receives HWPCI
   documents (the 27 delegations, the EEAS, SIAC, the secretariat), and an
   assessment "with its cases" reaches whoever may see one of them;
2. **clearance**: the user's clearance, if not expired, is at or above the
   object's classification;
3. **releasability**: the object is releasable to all, or to the user's
   organisation;
4. **TLP**: RED — only named recipients (a grant to the user personally);
   AMBER+STRICT — named recipients, or grant holders in the originator's
   organisation; AMBER, GREEN, CLEAR — any grant holder. A distribution
   counts as a group grant: it never opens TLP:RED, and opens
   TLP:AMBER+STRICT only inside the originator's organisation.

:func:`visible_to` is the rule as one SQL filter (used by every list,
detail, count, search, export, notification recipient list, API viewset and
admin changelist); :func:`can_view` is the same rule evaluated in Python for
one object. A property test checks they agree. Superusers and model-level
permissions grant nothing here: only object grants count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Exists, Expression, F, Model, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from cdt.directory.models import Organisation

from .markings import Classification, Distribution, Tlp
from .types import AnyUser, is_active_user, is_signed_in

if TYPE_CHECKING:
    from cdt.accounts.models import User

    from .models import Classified, Marked, MarkedChild

_K = TypeVar("_K")
_V = TypeVar("_V")
#: What the rule's SQL text depends on (see :func:`_key`).
RuleKey: TypeAlias = tuple[Any, ...]
_M = TypeVar("_M", bound=Model)
_C = TypeVar("_C", bound=Model)
#: A concrete ``<Model>UserObjectPermission`` / ``<Model>GroupObjectPermission``.
#: Each declares its own ``content_object`` foreign key, which the abstract
#: guardian bases (all the stubs can know) do not have.
PermissionModel: TypeAlias = Any


def permission_models(model: type[Model]) -> tuple[PermissionModel, PermissionModel]:
    """The direct user and group object-permission models of a protected
    model. Guardian's generic tables are refused: they cannot be joined
    efficiently, and every protected model must declare its own."""
    from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

    # Guardian annotates ``obj`` as an instance; it takes the class as well
    # (it only asks the content-type framework about it).
    found = get_user_obj_perms_model(model), get_group_obj_perms_model(model)  # type: ignore[arg-type]
    for permission_model in found:
        field = permission_model._meta.get_field("content_object")
        if getattr(field, "related_model", None) is not model:
            raise TypeError(f"{model.__name__} lacks a direct {permission_model.__name__} model")
    return found


def codename(model: type[Model], action: str = "view") -> str:
    return f"{action}_{model._meta.model_name}"


def _grant_subqueries(model: type[Model], user: User, action: str) -> tuple[Q, Q]:
    """The user's personal and group grants on ``model`` as uncorrelated
    ``pk IN (SELECT …)`` filters: PostgreSQL computes each set once and
    probes it per row (a hashed subplan). Correlated ``EXISTS`` on
    ``permission__codename`` re-read the permission table and the user's
    memberships for every case: 0.2 s to count 10,000 cases (``make bench``)."""
    from django.contrib.auth.models import Permission

    user_perm, group_perm = permission_models(model)
    permission = Permission.objects.filter(codename=codename(model, action)).values("pk")
    memberships = get_user_model().groups.through._default_manager.filter(user_id=user.pk).values("group_id")
    personal = Q(pk__in=user_perm.objects.filter(user_id=user.pk, permission_id__in=permission).values("content_object_id"))
    by_group = Q(pk__in=group_perm.objects.filter(group_id__in=memberships, permission_id__in=permission).values("content_object_id"))
    return personal, by_group


def _key(model: type[Model], user: User, action: str) -> RuleKey:
    """Everything the rule's SQL text depends on. Grants, memberships and
    markings are read when the query runs, never cached."""
    return (model._meta.label_lower, action, user.pk, user.organisation_id, int(user.effective_clearance()))


#: Built rules and compiled parent sets, per :func:`_key`, bounded.
_RULES: dict[RuleKey, Q] = {}
_COMPILED: dict[RuleKey, tuple[str, tuple[Any, ...]]] = {}
_CACHE_MAX = 4096


def _remember(cache: dict[_K, _V], key: _K, value: _V) -> _V:
    if len(cache) >= _CACHE_MAX:
        cache.clear()
    cache[key] = value
    return value


def _rule(model: type[Marked], user: User, action: str) -> Q:
    """The rule for ``user`` as a filter on ``model``'s own table, built
    once per :func:`_key` (a ``Q`` is never changed by filtering with it)."""
    key = _key(model, user, action)
    rule = _RULES.get(key)
    return rule if rule is not None else _remember(_RULES, key, _build_rule(model, user, action))


def _build_rule(model: type[Marked], user: User, action: str) -> Q:
    """The rule for ``user`` as a filter on ``model``'s own table.

    The TLP part tests each grant once: a personal grant opens every TLP
    level; a group grant opens CLEAR to AMBER, and AMBER+STRICT inside the
    originator's organisation. (Spelt level by level it repeated the same
    subquery five times.)"""
    personal, by_group = _grant_subqueries(model, user, action)
    releasable = Q(releasable_to_all=True)
    if user.organisation_id is not None:
        through = model.releasable_to.through
        releasable |= Q(pk__in=through._default_manager.filter(organisation_id=user.organisation_id).values(f"{model._meta.model_name}_id"))
    group_levels = Q(tlp__lte=Tlp.AMBER)
    if user.organisation_id is not None:
        group_levels |= Q(tlp=Tlp.AMBER_STRICT, originator_id=user.organisation_id)
    if action == "view":
        by_group |= _distributed(model, user)
    tlp_rule = (Q(tlp__lte=Tlp.RED) & personal) | (group_levels & by_group)
    return Q(classification__lte=int(user.effective_clearance())) & releasable & tlp_rule


def _in_hwpci(user: User) -> Exists:
    """Whether the user's organisation receives HWPCI documents, read when
    the query runs (the secretariat may change it): an uncorrelated
    ``EXISTS``, evaluated once per query."""
    return Exists(Organisation.objects.filter(pk=user.organisation_id or 0, in_hwpci_distribution=True))


def _distributed(model: type[Marked], user: User) -> Q:
    """Need-to-know from the object's distribution (viewing only: a
    distribution never gives the right to change)."""
    distributed = Q(Q(distribution=Distribution.HWPCI) & Q(_in_hwpci(user))) if user.organisation_id is not None else Q(pk__in=[])
    if model.distribution_via:
        field = model._meta.get_field(model.distribution_via)
        parents = cast("type[Marked]", field.related_model)
        through = cast(Any, field).remote_field.through
        source, target = _through_columns(model, field)
        visible_parents = parents._base_manager.filter(_rule(parents, user, "view")).order_by().values("pk")
        distributed |= Q(distribution=Distribution.WITH_CASES) & Q(
            pk__in=through._default_manager.filter(**{f"{target}__in": visible_parents}).values(source)
        )
    return distributed


def _through_columns(model: type[Model], field: Any) -> tuple[str, str]:
    """The through table's columns pointing at ``model`` and at the other side."""
    return field.m2m_field_name() + "_id", field.m2m_reverse_field_name() + "_id"


def _visible_pks(model: type[Marked], user: User, action: str, using: str) -> RawSQL:
    """``SELECT pk FROM <model> WHERE <rule>`` for ``user``, compiled once.

    Building and compiling the rule's ``EXISTS`` trees in the ORM cost more
    than running them: the case page asks for a dozen lists of children,
    each filtered through the rule (``make bench`` profile). The SQL text
    depends only on the model, the action, the user's id, organisation and
    effective clearance, and the database, so it is kept under that key."""
    key = (*_key(model, user, action), using)
    compiled = _COMPILED.get(key)
    if compiled is None:
        query = model._base_manager.using(using).filter(_rule(model, user, action)).order_by().values("pk").query
        sql, params = query.get_compiler(using).as_sql()
        compiled = _remember(_COMPILED, key, (sql, tuple(params)))
    return RawSQL(*compiled)


class RuleCondition(Expression):
    """The rule as a condition on the outer query's own rows, compiled once
    per :func:`_key` and database and spliced in with the row's alias.

    Building the rule's ``Q`` into a query and compiling it cost more than
    running it: 3 to 5 ms per access-filtered query, a dozen of which make
    up a case page (``make bench``, issue 29). Its SQL refers to the outer
    row only at its top level (every subquery in it is uncorrelated and
    aliased ``U0``, ``V0``…), as ``"<table>".<column>``; only those
    references are rewritten to the alias the outer query gives the table,
    which differs when the condition sits in a subquery (``W0``) or after a
    self-join. :func:`_rule` stays the one definition; this is its compiled
    form, and the property tests compare it with :func:`can_view`."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, model: type[Marked], user: User, action: str, row: Any = None):
        super().__init__(output_field=BooleanField())
        self.model, self.user, self.action, self.row = model, user, action, row

    def get_source_expressions(self) -> list[Any]:
        return [self.row]

    def set_source_expressions(self, expressions: Sequence[Any]) -> None:
        (self.row,) = expressions

    def resolve_expression(
        self, query: Any = None, allow_joins: bool = True, reuse: Any = None, summarize: bool = False, for_save: bool = False
    ) -> RuleCondition:
        clone = self.copy()
        clone.row = F("pk").resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return clone

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        sql, params = _compiled_condition(self.model, self.user, self.action, connection.alias)
        table = connection.ops.quote_name(self.model._meta.db_table)
        alias = compiler.quote_name_unless_alias(self.row.alias)  # as the query writes it: ``U0``, ``"cases_case"``
        if alias != table:
            sql = sql.replace(f"{table}.", f"{alias}.")
        return f"({sql})", params

    def __eq__(self, other: object) -> bool:  # per-rule identity for Django's query comparison
        return isinstance(other, RuleCondition) and (self.model, self.action, _key(self.model, self.user, self.action), self.row) == (
            other.model,
            other.action,
            _key(other.model, other.user, other.action),
            other.row,
        )

    def __hash__(self) -> int:
        return hash((self.model, self.action, _key(self.model, self.user, self.action)))


#: The compiled WHERE text of each rule, per :func:`_key` and database.
_CONDITIONS: dict[RuleKey, tuple[str, tuple[Any, ...]]] = {}


def _compiled_condition(model: type[Marked], user: User, action: str, using: str) -> tuple[str, tuple[Any, ...]]:
    key = (*_key(model, user, action), using)
    compiled = _CONDITIONS.get(key)
    if compiled is None:
        query = model._base_manager.using(using).filter(_rule(model, user, action)).query
        compiler = query.get_compiler(using)
        compiler.pre_sql_setup()  # the base table's alias is its name
        sql, params = compiler.compile(query.where)
        compiled = _remember(_CONDITIONS, key, (_INNER_ALIAS.sub(r"cdt_rule_\1", sql), tuple(params)))
    return compiled


#: The aliases Django gives the tables of subqueries (``U0``, ``V1``, ``AB3``),
#: never quoted, always followed by a column (``U0."id"``) or written after
#: their table (``"cases_case" U0``). The rule's own are renamed ``cdt_rule_U0``,
#: so no alias of the query the rule is spliced into can shadow them, nor they
#: it: a correlated reference (``"awareness_assessment"."id"`` in the
#: distribution's ``EXISTS``) then names the outer row whatever its alias.
_INNER_ALIAS = re.compile(r'(?<![\w"])([A-Z]{1,2}\d+)(?=\."|\s|\)|$)')


def visible_to(queryset: QuerySet[_M], user: AnyUser, action: str = "view") -> QuerySet[_M]:
    """``queryset`` narrowed to what ``user`` may see (or change, with
    ``action="change"``): the rule in SQL, one query, no per-row work."""
    if not is_active_user(user):
        return queryset.none()
    model = cast("type[Marked]", queryset.model)
    # Inline on the model's own rows (not ``pk IN (…)``): a page of the
    # newest cases then walks the ordering index and stops after 25 visible
    # rows instead of building the whole visible set first.
    return queryset.filter(RuleCondition(model, user, action))


def viewers_of(obj: Marked, users: QuerySet[User] | None = None, action: str = "view") -> QuerySet[User]:
    """The users (active, from ``users`` or all) who may see ``obj``: the
    rule read the other way round, in SQL, for notification recipient lists.
    A property test keeps it equal to :func:`can_view` for every user."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.all() if users is None else users
    model = type(obj)
    user_perm, group_perm = permission_models(model)
    name = codename(model, action)
    personal = Exists(user_perm.objects.filter(content_object=obj.pk, user_id=OuterRef("pk"), permission__codename=name))
    by_group = Exists(group_perm.objects.filter(content_object=obj.pk, group__user=OuterRef("pk"), permission__codename=name))
    cleared = cleared_for(int(obj.classification))
    releasable = Q() if obj.releasable_to_all else Q(organisation__in=obj.releasable_to.values("pk"))
    group_rule = Q(by_group)
    if action == "view":
        group_rule |= _distributed_to(obj, users)
    tlp = Tlp(obj.tlp)
    if tlp == Tlp.RED:
        tlp_rule = Q(personal)
    elif tlp == Tlp.AMBER_STRICT:
        tlp_rule = Q(personal) | (Q(organisation_id=obj.originator_id) & group_rule)
    else:
        tlp_rule = Q(personal) | group_rule
    return users.filter(Q(is_active=True) & cleared & releasable & tlp_rule)


def _distributed_to(obj: Marked, users: QuerySet[User]) -> Q:
    """:func:`_distributed` read the other way round: the users the
    object's distribution reaches."""
    if obj.distribution == Distribution.HWPCI:
        return Q(organisation__in_hwpci_distribution=True)
    if obj.distribution == Distribution.WITH_CASES and obj.distribution_via:
        reached = Q(pk__in=[])
        for parent in _parents(obj):
            reached |= Q(pk__in=viewers_of(parent, users).values("pk"))
        return reached
    return Q(pk__in=[])


def cleared_for(level: int) -> Q:
    """Users whose clearance, if not expired, reaches ``level`` (a filter on
    users; an expired clearance still leaves "unclassified")."""
    from django.utils import timezone

    if int(level) == 0:
        return Q()
    return Q(clearance__gte=int(level)) & (Q(clearance_expires_on__isnull=True) | Q(clearance_expires_on__gte=timezone.localdate()))


def visible_children(queryset: QuerySet[_C], user: AnyUser, action: str = "view") -> QuerySet[_C]:
    """Children (:class:`~cdt.security.models.MarkedChild`) of objects
    ``user`` may see, limited to the children's own classification."""
    if not is_active_user(user):
        return queryset.none()
    model = cast("type[MarkedChild]", queryset.model)
    parent_model = cast("type[Marked]", model._meta.get_field(model.parent_field).related_model)
    # Correlated on the child's parent (not ``parent IN (every visible
    # parent)``): the children of one case probe that case alone, and a
    # list stopping after 25 rows probes 25 parents, so the cost does not
    # grow with the register; PostgreSQL still hashes the visible parents
    # when a query reads most children (issue 29, ``make bench --scale``).
    parent_visible = Exists(
        parent_model._base_manager.filter(pk=OuterRef(model.parent_field)).filter(RuleCondition(parent_model, user, action))
    )
    return queryset.filter(parent_visible, classification__lte=int(user.effective_clearance()))


def can_view_child(user: AnyUser, child: MarkedChild, action: str = "view") -> bool:
    """:func:`visible_children` for one child, in Python."""
    return is_signed_in(user) and int(user.effective_clearance()) >= int(child.classification) and can_view(user, child.parent, action)


def is_classified(obj: Classified) -> bool:
    """Reads of classified objects (RESTREINT UE and above) are audited."""
    return int(obj.classification) > 0


def can_view(user: AnyUser, obj: Marked, action: str = "view") -> bool:
    """The same rule for one object, in Python (reads the grants of this
    object only). Use :func:`visible_to` for anything that lists."""
    if not is_active_user(user):
        return False
    if int(user.effective_clearance()) < int(obj.classification):
        return False
    if not obj.releasable_to_all and (user.organisation_id is None or not obj.releasable_to.filter(pk=user.organisation_id).exists()):
        return False
    user_perm, group_perm = permission_models(type(obj))
    name = codename(type(obj), action)
    personal = user_perm.objects.filter(content_object=obj, user=user, permission__codename=name).exists()
    by_group = group_perm.objects.filter(content_object=obj, group__in=user.groups.all(), permission__codename=name).exists()
    if action == "view" and not by_group:
        by_group = _reaches(obj, user)
    tlp = Tlp(obj.tlp)
    if tlp == Tlp.RED:
        return personal
    if tlp == Tlp.AMBER_STRICT:
        return personal or (by_group and obj.originator_id == user.organisation_id)
    return personal or by_group


def _reaches(obj: Marked, user: User) -> bool:
    """Whether ``obj``'s distribution reaches ``user`` (:func:`_distributed`
    for one object, in Python)."""
    if obj.distribution == Distribution.HWPCI:
        return (
            user.organisation_id is not None and Organisation.objects.filter(pk=user.organisation_id, in_hwpci_distribution=True).exists()
        )
    if obj.distribution == Distribution.WITH_CASES and obj.distribution_via:
        return any(can_view(user, parent) for parent in _parents(obj))
    return False


def _parents(obj: Marked) -> QuerySet[Marked]:
    """All the objects ``obj`` follows, read from the table (never from a
    prefetch, which a view may have narrowed to what its reader sees)."""
    field = cast(Any, type(obj)._meta.get_field(obj.distribution_via))
    source, target = _through_columns(type(obj), field)
    linked = field.remote_field.through._default_manager.filter(**{source: obj.pk}).values(target)
    return cast("QuerySet[Marked]", field.related_model._base_manager.filter(pk__in=linked))


def classification_check(user: AnyUser, classification: int, *, field: str = "classification") -> None:
    """Refuse (400 on ``field``) a marking above ``user``'s own clearance:
    the author of a document must be able to read it (and to hold it), so
    a service that lets a user choose the marking checks this first."""
    from django.utils.translation import gettext as _

    cleared = user.effective_clearance() if is_active_user(user) else Classification(0)
    if int(classification) > int(cleared):
        raise ValidationError(
            {field: _("Above your own clearance (%(clearance)s): you could not read it.") % {"clearance": Classification(cleared).label}}
        )
