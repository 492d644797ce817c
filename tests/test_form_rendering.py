"""One include draws every field with ECL's markup, and one summary lists a
page's refused input (issue 28, point 3): whatever the form, every box has
its label, every link of the summary and every aria-describedby points at
an element of the page."""

import re
from html.parser import HTMLParser

from django import forms
from django.template import Context, Template

from cdt.core.forms import EclFormMixin

PAGE = Template(
    '{% include "includes/form_errors.html" %}<form>{% for field in form %}{% include "includes/field.html" %}{% endfor %}</form>'
)
COLOURS = [("red", "Red"), ("green", "Green"), ("blue", "Blue")]


class Everything(forms.Form):
    name = forms.CharField(help_text="As written in the register.")
    kind = forms.ChoiceField(choices=[("", "---"), *COLOURS])
    several = forms.MultipleChoiceField(choices=COLOURS)
    boxes = forms.MultipleChoiceField(choices=COLOURS, widget=forms.CheckboxSelectMultiple, help_text="Any of them.")
    one = forms.ChoiceField(choices=COLOURS, widget=forms.RadioSelect)
    agreed = forms.BooleanField(help_text="Tick to agree.")
    on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(widget=forms.Textarea, required=False)


class EclEverything(EclFormMixin, Everything):
    pass


def render(**context) -> str:
    return PAGE.render(Context(context))


def ids(html: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', html))


class Controls(HTMLParser):
    """Every input, select and textarea of a page: its attributes by id."""

    def __init__(self, html: str):
        super().__init__()
        self.found: dict[str, dict[str, str]] = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag in ("input", "select", "textarea"):
            found = {key: value or "" for key, value in attrs}
            self.found[found["id"]] = {"tag": tag, **found}


def controls(html: str) -> dict[str, dict[str, str]]:
    return Controls(html).found


def test_every_kind_of_field_is_drawn_with_ecl_markup_with_or_without_the_form_mixin():
    for form_class in (Everything, EclEverything):
        html = render(form=form_class())
        drawn = controls(html)
        assert drawn["id_name"]["class"] == "ecl-text-input ecl-text-input--l"
        assert drawn["id_name"]["aria-describedby"] == "id_name_helptext"
        assert drawn["id_kind"]["class"] == "ecl-select"
        assert '<div class="ecl-select__container ecl-select__container--l"><select name="kind"' in html
        assert drawn["id_on"]["class"] == "ecl-text-input ecl-text-input--s" and drawn["id_on"]["type"] == "date"
        assert drawn["id_notes"]["class"] == "ecl-text-area ecl-text-area--l"
        assert drawn["id_agreed"] == {
            "tag": "input",
            "type": "checkbox",
            "name": "agreed",
            "class": "ecl-checkbox__input",
            "aria-describedby": "id_agreed_helptext",
            "id": "id_agreed",
            "required": "",
        }
        # A list of several choices is drawn as checkboxes, not a two-row <select multiple>.
        for name, kind, css in (
            ("several", "checkbox", "ecl-checkbox__input"),
            ("boxes", "checkbox", "ecl-checkbox__input"),
            ("one", "radio", "ecl-radio__input"),
        ):
            group = [drawn[f"id_{name}_{index}"] for index in range(3)]
            assert [(box["type"], box["name"], box["value"], box["class"]) for box in group] == [
                (kind, name, value, css) for value, _ in COLOURS
            ]
        assert "multiple" not in html
        # Every hidden ECL input has its label, holding the box the user clicks.
        boxes = [key for key, attrs in drawn.items() if attrs["class"] in ("ecl-checkbox__input", "ecl-radio__input")]
        assert len(boxes) == 3 + 3 + 3 + 1
        for input_id in boxes:
            assert re.search(rf'<label class="ecl-(checkbox|radio)__label" for="{input_id}"><span class="ecl-\1__box', html), input_id
        assert 'data-testid="error-summary"' not in html


def test_a_refused_form_opens_on_a_summary_linking_to_each_field_and_each_field_says_why():
    form = EclEverything(data={"name": "", "kind": "purple", "notes": "kept"})
    assert not form.is_valid()
    html = render(form=form, other=form)  # the same form twice in the context is listed once
    summary = html.split('data-testid="error-summary"', 1)[1].split("</ul>", 1)[0]
    assert 'role="alert" tabindex="-1" autofocus' in html
    assert "7 problems to correct" in summary
    links = dict(re.findall(r'<a class="ecl-link" href="#([^"]+)">([^<]+)</a>', summary))
    assert links == {
        "id_name": "Name: This field is required.",
        "id_kind": "Kind: Select a valid choice. purple is not one of the available choices.",
        "id_several_0": "Several: This field is required.",
        "id_boxes_0": "Boxes: This field is required.",
        "id_one_0": "One: This field is required.",
        "id_agreed": "Agreed: This field is required.",
        "id_on": "On: This field is required.",
    }
    page_ids = ids(html)
    assert set(links) <= page_ids
    for described in re.findall(r'aria-describedby="([^"]+)"', html):
        assert set(described.split()) <= page_ids, described
    name = controls(html)["id_name"]
    assert (name["class"], name["aria-describedby"], name["aria-invalid"]) == (
        "ecl-text-input ecl-text-input--l ecl-text-input--invalid",
        "id_name_error id_name_helptext",
        "true",
    )
    assert controls(html)["id_boxes_1"]["aria-invalid"] == "true"
    assert '<div class="ecl-feedback-message" id="id_several_error">This field is required.</div>' in html
    assert 'class="ecl-select__container ecl-select__container--l ecl-select__container--invalid"' in html
    assert "Notes:" not in summary and ">\nkept</textarea>" in html


def test_the_summary_lists_a_refusal_not_tied_to_a_field_and_leaves_unchecked_forms_alone():
    class Pair(forms.Form):
        first = forms.CharField()

        def clean(self):
            raise forms.ValidationError("The two dates are in the wrong order.")

    refused = Pair(data={"first": "x"})
    refused.is_valid()
    unchecked = Pair(data={})  # bound, never validated by its view
    html = render(form=refused, unchecked=unchecked)
    assert "1 problem to correct" in html and "<li>The two dates are in the wrong order.</li>" in html
    assert unchecked._errors is None  # the summary ran no validation
    assert 'data-testid="error-summary"' not in render(form=Pair(), unchecked=unchecked)

    class InPlace(Pair):
        error_summary_in_place = True  # its panel shows its own summary

    panel = InPlace(data={"first": "x"})
    panel.is_valid()
    assert 'data-testid="error-summary"' not in render(share_form=panel)


def test_a_native_date_picker_gets_an_iso_date_in_every_language():
    """``<input type="date">`` reads ISO 8601 only: in French Django would
    write 07/12/2026, which the browser shows as an empty field (and the
    form, its field required, cannot be sent)."""
    import datetime

    from django.utils import translation

    from awareness.forms import AssessmentFields
    from cdt.core.date_input import NativeDateInput, NativeDateTimeInput

    day = datetime.date(2026, 12, 7)
    for language in ("en", "fr"):
        with translation.override(language):
            assert 'value="2026-12-07"' in NativeDateInput().render("on", day)
            assert 'value="2026-12-07T09:30"' in NativeDateTimeInput().render("at", datetime.datetime(2026, 12, 7, 9, 30))
    assert isinstance(AssessmentFields.base_fields["assessed_on"].widget, NativeDateInput)
