"""The staff roles: content editors never see personal data, newsletter managers never
edit projects; both groups come from a migration."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.admin_personas import carl, nina, root
from tests.factories import (
    ConsentRecordFactory,
    ProjectFactory,
    RegistrationFactory,
    SeminarFactory,
    SubscriberFactory,
    SubscriptionFactory,
)

pytestmark = pytest.mark.django_db


def test_the_groups_exist_after_migrating():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Content editors", "Newsletter managers"}


@pytest.fixture
def personal_data():
    subscription = SubscriptionFactory()
    registration = RegistrationFactory()
    consent = ConsentRecordFactory(subscriber=subscription.subscriber)
    return {"subscriber": subscription.subscriber, "subscription": subscription,
            "registration": registration, "consentrecord": consent}


def personal_data_urls(objects):
    urls = []
    for model, obj in objects.items():
        base = f"admin:newsletter_{model}"
        urls += [reverse(f"{base}_changelist"), reverse(f"{base}_change", args=[obj.pk]),
                 reverse(f"{base}_history", args=[obj.pk]),
                 reverse(f"{base}_delete", args=[obj.pk])]
        if model != "consentrecord":
            urls.append(reverse(f"{base}_add"))
    urls.append(reverse("admin:newsletter_subscriber_export"))
    return urls


def test_a_content_editor_gets_403_on_every_personal_data_page(client, personal_data):
    client.force_login(carl())
    for url in personal_data_urls(personal_data):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("admin:newsletter_subscriber_export"),
                       {"format": "0"}).status_code == 403


def test_a_content_editor_sees_a_seminar_without_its_registrations(client, personal_data):
    client.force_login(carl())
    seminar = personal_data["registration"].seminar
    html = client.get(reverse("admin:newsletter_seminar_change", args=[seminar.pk])).content
    assert personal_data["registration"].email.encode() not in html


def test_a_newsletter_manager_sees_personal_data(client, personal_data):
    client.force_login(nina())
    for url in personal_data_urls(personal_data):
        # The consent log is read-only for everyone: no deleting it.
        expected = 403 if "consentrecord" in url and url.endswith("/delete/") else 200
        assert client.get(url).status_code == expected, url
    response = client.post(reverse("admin:newsletter_subscriber_export"),
                           {"format": "0", "resource": "0",
                            "subscriberresource_email": "on"})
    assert response.status_code == 200
    # The CSV is streamed (tests/newsletter/test_subscriber_export.py).
    assert personal_data["subscriber"].email in b"".join(response.streaming_content).decode()


def test_a_newsletter_manager_cannot_change_a_project(client):
    project = ProjectFactory(title_sv="Orört")
    client.force_login(nina())
    change = reverse("admin:projects_project_change", args=[project.pk])
    assert client.get(change).status_code == 403
    assert client.post(change, {"title_sv": "Ändrat"}).status_code == 403
    assert client.get(reverse("admin:projects_project_changelist")).status_code == 403
    assert client.get(reverse("admin:projects_project_import")).status_code == 403
    project.refresh_from_db()
    assert project.title_sv == "Orört"


def test_the_consent_log_cannot_be_edited_even_by_a_superuser(client, personal_data):
    client.force_login(root())
    consent = personal_data["consentrecord"]
    url = reverse("admin:newsletter_consentrecord_change", args=[consent.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "erase"}).status_code == 403


def test_every_admin_list_opens_for_a_superuser(client, personal_data):
    ProjectFactory()
    SeminarFactory()
    SubscriberFactory()
    client.force_login(root())
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    for model in ["members/memberorganisation", "members/network", "projects/region",
                  "projects/country", "projects/theme", "projects/funder",
                  "projects/programme", "projects/partner", "projects/project",
                  "newsletter/mailinglist", "newsletter/subscriber", "newsletter/subscription",
                  "newsletter/consentrecord", "newsletter/seminar",
                  "newsletter/registration"]:
        assert client.get(f"/admin/{model}/").status_code == 200, model
        if model != "newsletter/consentrecord":
            assert client.get(f"/admin/{model}/add/").status_code == 200, model


def test_content_editors_may_edit_what_a_project_reports_and_newsletter_managers_may_not():
    models = ["transaction", "policymarker", "result", "indicator", "indicatorperiod",
              "annualreport"]
    editor, manager = carl(), nina()
    for model in models:
        for action in ("add", "change", "delete", "view"):
            assert editor.has_perm(f"projects.{action}_{model}"), (action, model)
            assert not manager.has_perm(f"projects.{action}_{model}"), (action, model)
