"""Restoring a version from an object's History restores that object's own fields and
translations and nothing else: never registrations, another project's visibility or
existence, or whatever else was saved at the same time. Registrants' personal data is
not kept in versions, and the history content editors read does not name them."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from common.history import change_message
from newsletter import registrations
from newsletter.models import Registration, Seminar
from projects.models import Programme, Project
from tests.admin_forms import submit
from tests.admin_personas import carl, nina, staff
from tests.factories import (
    CountryFactory,
    PartnerFactory,
    ProgrammeFactory,
    ProjectFactory,
    SeminarFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def history_urls(client, model, obj):
    """The addresses of the versions listed on the object's History page, oldest first."""
    opts = model._meta
    history = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_history",
                                 args=[obj.pk]))
    assert history.status_code == 200
    return [reverse(f"admin:{opts.app_label}_{opts.model_name}_revision",
                    args=[obj.pk, version.pk])
            for version in Version.objects.get_for_object(obj).order_by("pk")]


def restore(client, url, **changes):
    """Open a version's page and save it as shown, as an editor would."""
    page = client.get(url)
    assert page.status_code == 200
    return submit(client, page, **changes)


def edit(client, model, obj, **changes):
    """Open the object's change page and save it with `changes`."""
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    response = submit(client, client.get(url), **changes)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def register(seminar, name, email):
    """A registration from the public form, confirmed from its mail."""
    registration = registrations.register(
        seminar, name=name, email=email, language="sv", consent_text="Jag godkänner.",
        source="https://palmecentret.example/seminarier/")
    registrations.confirm(registration.pk)
    return registration


def seminar_added_by(client):
    """A seminar as an editor makes it in the admin: one version, no registrations."""
    starts = timezone.localtime(timezone.now() + datetime.timedelta(days=20))
    page = client.get(reverse("admin:newsletter_seminar_add"))
    response = submit(client, page, title_sv="Fackligt seminarium", slug="fackligt",
                      published="on", capacity="3",
                      starts_at_0=starts.strftime("%Y-%m-%d"), starts_at_1="18:00:00",
                      ends_at_0=starts.strftime("%Y-%m-%d"), ends_at_1="20:00:00")
    assert response.status_code == 302, response.content.decode()[:3000]
    return Seminar.objects.get(slug="fackligt")


def statuses(seminar):
    return dict(Registration.objects.filter(seminar=seminar).values_list("email", "status"))


def test_restoring_a_seminars_only_version_keeps_its_registrations(client):
    client.force_login(carl())
    seminar = seminar_added_by(client)
    for n in range(3):
        register(seminar, f"Deltagare {n}", f"deltagare{n}@example.org")
    before = statuses(seminar)
    mail.outbox.clear()

    [only] = history_urls(client, Seminar, seminar)
    response = restore(client, only)

    assert response.status_code == 302
    assert statuses(seminar) == before
    assert len(before) == 3
    assert mail.outbox == []


def test_restoring_a_later_version_leaves_registrations_as_they_are_now(client):
    client.force_login(nina())
    seminar = seminar_added_by(client)
    seminar.capacity = 1
    seminar.save()
    alice = register(seminar, "Alice", "alice@example.org")
    register(seminar, "Bob", "bob@example.org")
    # Nina saves the seminar with its registrations shown in the page.
    edit(client, Seminar, seminar, description_sv="Välkomna!")
    registrations.cancel(alice.pk)  # Bob moves up
    now = statuses(seminar)
    assert now == {"alice@example.org": "cancelled", "bob@example.org": "confirmed"}
    mail.outbox.clear()

    client.force_login(carl())
    response = restore(client, history_urls(client, Seminar, seminar)[-1])

    assert response.status_code == 302
    assert statuses(seminar) == now
    assert mail.outbox == []
    seminar.refresh_from_db()
    assert seminar.description_sv == "Välkomna!"


def test_registrants_are_kept_out_of_versions_and_out_of_the_seminars_history(client):
    client.force_login(nina())
    seminar = seminar_added_by(client)
    alice = register(seminar, "Alice Andersson", "alice@example.org")
    # Nina changes Alice's registration in the seminar's page.
    edit(client, Seminar, seminar, **{"registrations-0-organisation": "ABF Stockholm"})
    alice.refresh_from_db()
    assert alice.organisation == "ABF Stockholm"

    registration_type = ContentType.objects.get_for_model(Registration)
    assert not Version.objects.filter(content_type=registration_type).exists()
    for version in Version.objects.all():
        assert "Alice" not in version.serialized_data
        assert "alice@example.org" not in version.serialized_data

    client.force_login(carl())
    history = client.get(reverse("admin:newsletter_seminar_history", args=[seminar.pk]))
    assert history.status_code == 200
    assert "Alice" not in history.content.decode()


def test_restoring_a_programme_never_touches_its_projects(client):
    client.force_login(carl())
    country = CountryFactory(iso_code="PS")
    programme = ProgrammeFactory()
    programme.countries.set([country])
    hidden = ProjectFactory(programme=programme, countries=[country], slug="skyddat",
                            iati_identifier="SE-ON-DEMO-SKYDDAT",
                            partners=[PartnerFactory(name="Partnern i Gaza", country=country)])
    edit(client, Programme, programme, summary_sv="Första sammanfattningen.")
    # Since then: the project was made internal and another project joined.
    edit(client, Project, hidden, visibility="internal")
    newcomer = ProjectFactory(programme=programme, countries=[country])

    response = restore(client, history_urls(client, Programme, programme)[0])

    assert response.status_code == 302
    hidden.refresh_from_db()
    assert hidden.visibility == "internal"
    assert Project.objects.filter(pk=newcomer.pk, programme=programme).exists()
    client.logout()
    assert client.get(hidden.get_absolute_url()).status_code == 404
    iati = b"".join(client.get("/iati/activities.xml").streaming_content).decode()
    assert "Partnern i Gaza" not in iati


def test_restoring_a_project_from_a_bulk_action_leaves_the_others_alone(client):
    client.force_login(carl())
    first, second = (ProjectFactory(published=False, themes=[ThemeFactory()])
                     for _ in range(2))
    # One revision holds both: the bulk action saved them together.
    client.post(reverse("admin:projects_project_changelist"),
                {"action": "publish", "_selected_action": [first.pk, second.pk]})
    edit(client, Project, second, title_sv="Nytt namn", published="")

    response = restore(client, history_urls(client, Project, first)[0])

    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.title_sv, second.published) == ("Nytt namn", False)


def test_a_restore_brings_back_the_objects_own_fields_translations_and_links(client):
    client.force_login(carl())
    palestine, south_africa = CountryFactory(iso_code="PS"), CountryFactory(iso_code="ZA")
    project = ProjectFactory(countries=[palestine], title_sv="Unga i Gaza",
                             title_en="Youth in Gaza")
    edit(client, Project, project, summary_sv="Första versionen.")
    edit(client, Project, project, title_sv="Ändrad titel", title_en="Changed title",
         countries=[str(south_africa.pk)])

    response = restore(client, history_urls(client, Project, project)[0])

    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.title_sv, project.title_en) == ("Unga i Gaza", "Youth in Gaza")
    assert list(project.countries.all()) == [palestine]
    # The restore is itself a version, with who did it.
    latest = Version.objects.get_for_object(project).order_by("pk").last()
    assert latest.revision.user.username == "carl"
    # Its entry says so, and names the fields in the reader's language.
    entry = change_message(latest.revision.comment, Project)
    assert entry.startswith("Återställde") and "Titel [sv]" in entry, entry


def test_a_restore_needs_the_permission_to_edit(client):
    editor = carl()
    client.force_login(editor)
    seminar = seminar_added_by(client)
    url = history_urls(client, Seminar, seminar)[0]
    reader = staff("vera")
    reader.user_permissions.add(Permission.objects.get(codename="view_seminar"))
    client.force_login(reader)

    assert client.get(url).status_code == 403
    assert client.post(url, {"title_sv": "Kapad"}).status_code == 403
    seminar.refresh_from_db()
    assert seminar.title_sv == "Fackligt seminarium"


def test_recovering_a_deleted_project_leaves_the_others_alone(client):
    client.force_login(carl())
    first, second = (ProjectFactory(published=False, themes=[ThemeFactory()])
                     for _ in range(2))
    client.post(reverse("admin:projects_project_changelist"),
                {"action": "publish", "_selected_action": [first.pk, second.pk]})
    edit(client, Project, second, title_sv="Nytt namn")
    deleted_pk = first.pk
    client.post(reverse("admin:projects_project_delete", args=[first.pk]), {"post": "yes"})
    assert not Project.objects.filter(pk=deleted_pk).exists()

    [version] = Version.objects.get_deleted(Project)
    url = reverse("admin:projects_project_recover", args=[version.pk])
    response = restore(client, url)

    assert response.status_code == 302
    recovered = Project.objects.get(pk=deleted_pk)
    assert recovered.title_sv == first.title_sv
    second.refresh_from_db()
    assert second.title_sv == "Nytt namn"


def test_copies_kept_before_are_forgotten_by_the_migration():
    import importlib
    import json

    from django.apps import apps
    from django.contrib.admin.models import CHANGE, LogEntry
    from reversion.models import Revision

    from tests.factories import RegistrationFactory

    migration = importlib.import_module(
        "newsletter.migrations.0003_registrations_out_of_history")
    registration = RegistrationFactory(name="Alice Andersson", email="alice@example.org")
    seminar = registration.seminar
    # What the seminar admin kept until now: a copy of the registration in the
    # seminar's revision, and a history that names her.
    revision = Revision.objects.create(
        date_created=timezone.now(),
        comment=f"Ändrade organisation för seminarieanmälan “{registration}”.")
    Version.objects.create(
        revision=revision, object_id=str(registration.pk), db="default", format="json",
        content_type=ContentType.objects.get_for_model(Registration),
        object_repr=str(registration),
        serialized_data=json.dumps([{"model": "newsletter.registration",
                                     "pk": registration.pk,
                                     "fields": {"name": "Alice Andersson",
                                                "email": "alice@example.org"}}]))
    # And a revision whose registrant was deleted on the seminar's page: named in the
    # comment (in English, as an English editor saved it), never copied.
    deleted = Revision.objects.create(
        date_created=timezone.now(),
        comment=f"Deleted seminar registration “Bob Berg – {seminar}”.")
    for kept in (revision, deleted):
        Version.objects.create(
            revision=kept, object_id=str(seminar.pk), db="default", format="json",
            content_type=ContentType.objects.get_for_model(Seminar),
            object_repr=str(seminar), serialized_data="[]")
    entry = LogEntry.objects.create(
        user=carl(), content_type=ContentType.objects.get_for_model(Seminar),
        object_id=str(seminar.pk), object_repr=str(seminar), action_flag=CHANGE,
        change_message=json.dumps([{"changed": {
            "name": "seminar registration", "object": str(registration),
            "fields": ["organisation"]}}]))

    migration.forget_registrants(apps, None)

    assert not Version.objects.filter(
        content_type=ContentType.objects.get_for_model(Registration)).exists()
    revision.refresh_from_db()
    deleted.refresh_from_db()
    entry.refresh_from_db()
    for text in (revision.comment, entry.change_message, entry.get_change_message()):
        assert "Alice" not in text
    assert "Bob" not in deleted.comment
    assert f"#{registration.pk}" in entry.get_change_message()
