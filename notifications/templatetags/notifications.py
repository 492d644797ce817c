from django import template

from ..selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/badge.html", takes_context=True)
def notification_badge(context):
    """The header's link to the notification centre with the unread count
    (one query, only on pages that show the header)."""
    return {"unread_notifications": unread_count(user=context["request"].user)}
