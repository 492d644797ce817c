from django import forms
from django.utils.translation import gettext_lazy as _


class CommentForm(forms.Form):
    anchor = forms.CharField(widget=forms.HiddenInput)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Comment"))
