"""Every field staff edit explains itself (issue 26, item 2): on each of the portal's admin
add forms, every field the editor can fill in, and every field of its inline rows, has a
help text, in Swedish on /admin/ and in English on /en/admin/; and every slug is filled in
from the Swedish name or title."""

import html
import json
import re

import pytest
from django.apps import apps
from django.contrib import admin as django_admin
from django.utils import translation

from tests.admin_personas import root

pytestmark = pytest.mark.django_db

# The portal's own models (the libraries' admins, such as users and login attempts, are
# theirs) that staff add in the admin, with the field each slug is made from.
ADD_FORMS = {
    "members.memberorganisation": "name_sv",
    "members.network": "name_sv",
    "projects.region": "name_sv",
    "projects.country": "name_sv",
    "projects.theme": "name_sv",
    "projects.funder": "name_sv",
    "projects.partner": "name",
    "projects.programme": "name_sv",
    "projects.project": "title_sv",
    "projects.result": None,
    "projects.indicator": None,
    "projects.annualreport": None,
    "stories.story": "title_sv",
    "newsletter.mailinglist": "name_sv",
    "newsletter.seminar": "title_sv",
    "newsletter.subscriber": None,
    "newsletter.subscription": None,
    "newsletter.registration": None,
    "newsletter.mailing": None,
}


@pytest.fixture
def admin(client):
    client.force_login(root())
    return client


def add_url(label, language="sv"):
    app, model = label.split(".")
    return f"{'/en' if language == 'en' else ''}/admin/{app}/{model}/add/"


def fields_staff_fill_in(response):
    """(name, form field) of each visible field of the page's form and of its inline
    rows (the row template: the fields a new row has), without the inlines' own
    bookkeeping (delete boxes, the link to the object being edited)."""
    form = response.context["adminform"].form
    fields = [(bound.name, bound.field) for bound in form.visible_fields()]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        row = formset.empty_form
        fields += [(f"{formset.prefix}-{bound.name}", bound.field)
                   for bound in row.visible_fields()
                   if bound.name not in ("DELETE", getattr(formset, "fk", None) and
                                         formset.fk.name)]
    return fields


def test_every_admin_with_an_add_form_of_the_portal_is_covered():
    ours = {f"{model._meta.app_label}.{model._meta.model_name}"
            for label in ("members", "projects", "newsletter", "stories")
            for model in apps.get_app_config(label).get_models()
            if django_admin.site.is_registered(model)}
    no_add_form = {"newsletter.consentrecord", "newsletter.delivery"}  # records, read-only
    assert ours - no_add_form == set(ADD_FORMS)


@pytest.mark.parametrize("label", ADD_FORMS)
def test_every_field_of_the_form_has_a_help_text_in_swedish(admin, label):
    response = admin.get(add_url(label))
    assert response.status_code == 200
    page = response.content.decode()
    fields = fields_staff_fill_in(response)
    assert len(fields) >= 3
    for name, field in fields:
        with translation.override("en"):
            english = str(field.help_text)
        with translation.override("sv"):
            swedish = str(field.help_text)
        assert english, f"{label}: {name} has no help text"
        assert swedish != english, f"{label}: {name}'s help text is not translated"
        assert swedish in page or html.escape(swedish) in page, (
            f"{label}: {name}'s Swedish help text is not on the form")


@pytest.mark.parametrize("label", ADD_FORMS)
def test_the_english_admin_shows_the_english_help_texts(admin, label):
    response = admin.get(add_url(label, "en"))
    page = response.content.decode()
    for name, field in fields_staff_fill_in(response):
        with translation.override("en"):
            english = str(field.help_text)
        assert english in page or html.escape(english) in page, (
            f"{label}: {name}'s English help text is not on the English form")


def test_the_help_texts_say_where_visitors_see_the_field(admin):
    page = admin.get(add_url("projects.country")).content.decode()
    assert ("Landets två versaler enligt ISO 3166-1, t.ex. PS för Palestina. Placerar "
            "landet på kartan och i IATI-filen.") in page
    page = admin.get(add_url("newsletter.seminar", "en")).content.decode()
    assert ("The link to join online, starting with https://. Sent only to those who "
            "register; the page says only that there is one.") in page


def test_a_network_member_row_explains_itself(admin):
    page = admin.get(add_url("members.network")).content.decode()
    assert page.count("De medlemsorganisationer som deltar. Listas på nätverkets sida och "
                      "i nätverkslistan.") >= 2  # the empty row and the row template


@pytest.mark.parametrize("label", [label for label, source in ADD_FORMS.items() if source])
def test_every_slug_is_filled_in_from_the_swedish_name(admin, label):
    page = admin.get(add_url(label)).content.decode()
    found = re.search(r'data-prepopulated-fields="([^"]*)"', page)
    assert found, f"{label}: nothing is prepopulated"
    prepopulated = json.loads(html.unescape(found.group(1)))
    slug = next(field for field in prepopulated if field["id"] == "#id_slug")
    assert slug["dependency_ids"] == [f"#id_{ADD_FORMS[label]}"]
