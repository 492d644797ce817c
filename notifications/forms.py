from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MANDATORY_KINDS, EventKind, Mode


class NotificationFilter(forms.Form):
    kind = forms.ChoiceField(label=_("Event"), required=False, choices=[("", _("All events")), *EventKind.choices])
    unread = forms.BooleanField(label=_("Unread only"), required=False)


class PreferencesForm(forms.Form):
    """One choice per kind of event; the mandatory ones offer no "off"."""

    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in EventKind.choices:
            choices = [(mode, text) for mode, text in Mode.choices if not (mode == Mode.OFF and kind in MANDATORY_KINDS)]
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=choices,
                initial=current.get(kind, Mode.IMMEDIATE),
                help_text=_("Cannot be switched off.") if kind in MANDATORY_KINDS else "",
            )
