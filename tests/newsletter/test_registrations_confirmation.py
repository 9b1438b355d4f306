"""A registration from the public form is confirmed from its mail (a signed link: GET shows
a button, POST confirms); until then its place, or its place on the waiting list, is held
for SEMINAR_REGISTRATION_HOLD_HOURS only, then released and the waiting list moves up."""

import datetime
import io
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation

from newsletter import links, registrations, tokens
from newsletter.models import Registration
from tests.admin_personas import nina
from tests.factories import RegistrationFactory, SeminarFactory
from tests.newsletter.mail_links import cancel_path
from tests.newsletter.task_queue import run_queue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]

FORM = {"name": "Alice Andersson", "organisation": "LO", "consent": "on"}


def register(seminar, email, name="Alice Andersson", language="sv"):
    """Registering as the page does: the rules, then the mail its task sends."""
    registration = registrations.register(
        seminar, name=name, email=email, organisation="LO", language=language,
        consent_text="ok", source="test")
    registrations.send_registration_mail(registration.pk)
    return registration


def registered_hours_ago(registration, hours):
    Registration.objects.filter(pk=registration.pk).update(
        created=timezone.now() - datetime.timedelta(hours=hours))


def confirm_path(message, language="sv"):
    """The path of the mail's link to the confirmation page, if it has one."""
    with translation.override(language):
        for link in re.findall(r"https?://\S+", message.body):
            try:
                match = resolve(urlsplit(link).path)
            except Resolver404:
                continue
            if match.view_name == "newsletter:registration-confirm":
                return urlsplit(link).path
    return None


def main_of(response):
    html = response.content.decode()
    return html[html.index("<main"):html.index("</main>")]


def status(registration):
    registration = Registration.objects.filter(pk=registration.pk).first()
    if registration is None:
        return "released"
    confirmed = "confirmed" if registration.address_confirmed_at else "unconfirmed"
    return f"{registration.status}, {confirmed}"


# --- The mail and the confirm link --------------------------------------------------------

def test_a_new_registration_holds_a_place_and_its_mail_asks_to_confirm():
    seminar = SeminarFactory(capacity=2, online_url="https://meet.example/abc",
                             title_sv="Fred")
    response = Client().post(reverse("newsletter:seminar-register",
                                     kwargs={"slug": seminar.slug}),
                             {**FORM, "email": "alice@example.org", "name": "Mallory Text"})
    assert response.status_code == 302
    alice = Registration.objects.get()
    assert status(alice) == "confirmed, unconfirmed"
    assert registrations.places_left(seminar) == 1

    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert message.subject == "Bekräfta din anmälan: Fred"
    html = message.alternatives[0][0]
    # Nothing a stranger typed, no online link, no calendar, until the owner confirms.
    for text in (message.body, html):
        assert "Mallory" not in text and "https://meet.example/abc" not in text
    assert message.attachments == []
    assert confirm_path(message).startswith("/seminarier/bekrafta/")
    assert cancel_path(message)
    held_until = timezone.localtime(alice.created + datetime.timedelta(hours=24))
    assert f"{held_until:%H:%M}" in message.body and "24 timmar" in message.body


def test_the_confirm_link_shows_one_button_and_only_the_post_confirms(client):
    seminar = SeminarFactory(capacity=2, online_url="https://meet.example/abc")
    alice = register(seminar, "alice@example.org")
    link = confirm_path(mail.outbox[0])
    mail.outbox.clear()

    page = client.get(link)
    assert page.status_code == 200
    assert page["X-Robots-Tag"] == "noindex" and "no-store" in page["Cache-Control"]
    html = main_of(page)
    assert html.count('type="submit"') == 1 and "Bekräfta min anmälan" in html
    # A mail scanner following the link confirms nothing.
    assert status(alice) == "confirmed, unconfirmed" and mail.outbox == []

    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == link
    assert status(alice) == "confirmed, confirmed"
    assert "<h1>Din anmälan är bekräftad</h1>" in client.get(link).content.decode()
    # Now the mail with everything: the calendar file and the online link.
    (message,) = mail.outbox
    assert message.subject.startswith("Du är anmäld")
    assert "Alice Andersson" in message.body and "https://meet.example/abc" in message.body
    assert message.attachments

    # The second click is harmless.
    assert client.post(link).status_code == 302
    assert len(mail.outbox) == 1


def test_the_confirm_button_needs_the_csrf_token():
    alice = register(SeminarFactory(), "alice@example.org")
    link = confirm_path(mail.outbox[0])
    assert Client(enforce_csrf_checks=True).post(link).status_code == 403
    assert status(alice) == "confirmed, unconfirmed"


def test_a_tampered_or_foreign_confirm_link_gets_a_clear_page(client):
    alice = RegistrationFactory(address_confirmed_at=None)
    token = tokens.make("confirm-registration", alice.pk)
    for bad in (token[:-2] + "xx", "not-a-token", tokens.make("cancel", alice.pk)):
        url = reverse("newsletter:registration-confirm", kwargs={"token": bad})
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 400
            assert "Länken fungerar inte" in response.content.decode()
    assert status(alice) == "confirmed, unconfirmed"


def test_a_link_to_a_registration_no_longer_held_says_so(client):
    alice = register(SeminarFactory(), "alice@example.org")
    link = confirm_path(mail.outbox[0])
    registered_hours_ago(alice, 25)

    page = client.get(link)
    assert page.status_code == 404
    assert "Anmälan gäller inte längre" in page.content.decode()
    assert client.post(link).status_code == 404
    assert status(alice) == "released"


def test_a_waiting_person_who_confirms_hears_they_are_on_the_waiting_list(client):
    seminar = SeminarFactory(capacity=1)
    RegistrationFactory(seminar=seminar)
    bob = register(seminar, "bob@example.org", name="Bob")
    (message,) = mail.outbox
    assert message.subject.startswith("Bekräfta din anmälan")
    assert "väntelistan" in message.body
    mail.outbox.clear()

    client.post(confirm_path(message))
    assert status(bob) == "waitlisted, confirmed"
    assert "väntelistan" in main_of(client.get(confirm_path(message)))
    assert mail.outbox == []  # the page says it; the mail comes when a place opens up


def test_registering_again_before_confirming_sends_the_confirmation_again():
    seminar = SeminarFactory()
    alice = register(seminar, "alice@example.org")
    cache.clear()  # the re-send interval has passed
    register(seminar, "ALICE@example.org", name="Mallory Else")
    first, second = mail.outbox
    assert first.subject == second.subject and confirm_path(second)
    assert Registration.objects.get() == alice
    # The hold still counts from the first registration: registering again extends nothing.
    assert "Mallory" not in second.body


# --- Releasing what nobody confirmed ------------------------------------------------------

def test_a_place_not_confirmed_in_time_goes_to_the_first_confirmed_person_waiting():
    seminar = SeminarFactory(capacity=1, online_url="https://meet.example/abc")
    mallory = register(seminar, "made-up@example.org", name="Made Up")
    bob = RegistrationFactory(seminar=seminar, status="waitlisted", email="bob@example.org")
    registered_hours_ago(mallory, 25)
    mail.outbox.clear()

    carol = register(seminar, "carol@example.org", name="Carol")

    assert status(mallory) == "released"
    assert status(bob) == "confirmed, confirmed"
    assert status(carol) == "waitlisted, unconfirmed"
    promoted, carols = mail.outbox
    # Mails as for a cancellation: the one who moves up hears so; the released one nothing.
    assert promoted.to == ["bob@example.org"] and promoted.attachments
    assert "https://meet.example/abc" in promoted.body
    assert carols.to == ["carol@example.org"]


def test_a_place_nobody_confirmed_goes_to_the_waiting_list_when_the_hold_ends(clock,
                                                                            task_queue):
    """No one registers, confirms or cancels, and the backstop command has not run: the
    worker releases the place at the end of its hold, and the first confirmed person
    waiting moves up then, not a day later (or never, if the seminar starts first)."""
    seminar = SeminarFactory(capacity=1, starts_at=clock.now + datetime.timedelta(hours=30))
    mallory = register(seminar, "made-up@example.org", name="Made Up")
    bob = RegistrationFactory(seminar=seminar, status="waitlisted", email="bob@example.org")
    held_until = mallory.held_until
    mail.outbox.clear()

    run_queue(clock, at_most=datetime.timedelta(days=2), task_path=None)

    assert status(mallory) == "released"
    assert status(bob) == "confirmed, confirmed"
    assert Registration.objects.get(pk=bob.pk).promoted_at == held_until
    (promoted,) = mail.outbox
    assert promoted.to == ["bob@example.org"] and promoted.attachments


def test_a_hold_confirmed_in_time_is_left_alone_when_it_would_have_ended(client, clock,
                                                                        task_queue):
    seminar = SeminarFactory(capacity=1)
    alice = register(seminar, "alice@example.org")
    bob = RegistrationFactory(seminar=seminar, status="waitlisted", email="bob@example.org")
    client.post(confirm_path(mail.outbox[0]))
    mail.outbox.clear()

    run_queue(clock, at_most=datetime.timedelta(days=2), task_path=None)

    assert status(alice) == "confirmed, confirmed"
    assert status(bob) == "waitlisted, confirmed"
    (confirmed,) = mail.outbox
    assert confirmed.to == ["alice@example.org"]


def test_the_hold_is_a_setting_and_the_seminar_page_counts_only_places_held(client,
                                                                            settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.SEMINAR_REGISTRATION_HOLD_HOURS = 2
    seminar = SeminarFactory(capacity=2)
    RegistrationFactory(seminar=seminar)
    alice = register(seminar, "alice@example.org")
    assert "2, alla upptagna: väntelista" in client.get(seminar.get_absolute_url()).content.decode()
    assert "2 timmar" in mail.outbox[0].body

    registered_hours_ago(alice, 3)
    # Not yet released (no one has registered or cancelled since), but no longer held.
    assert "2, varav 1 ledig" in client.get(seminar.get_absolute_url()).content.decode()
    assert registrations.places_left(seminar) == 1


def test_the_daily_command_releases_what_waited_too_long_everywhere():
    full = SeminarFactory(capacity=1)
    stale = RegistrationFactory(seminar=full, address_confirmed_at=None)
    bob = RegistrationFactory(seminar=full, status="waitlisted", email="bob@example.org")
    other = SeminarFactory()
    stale_waiting = RegistrationFactory(seminar=other, address_confirmed_at=None)
    fresh = RegistrationFactory(seminar=other, address_confirmed_at=None)
    for registration in (stale, stale_waiting):
        registered_hours_ago(registration, 30)

    out = io.StringIO()
    call_command("release_unconfirmed_registrations", stdout=out)

    assert ("Released 2 unconfirmed seminar registration(s); 1 person moved up from a "
            "waiting list.") in out.getvalue()
    assert status(stale) == status(stale_waiting) == "released"
    assert status(fresh) == "confirmed, unconfirmed"
    assert status(bob) == "confirmed, confirmed"
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]

    again = io.StringIO()
    call_command("release_unconfirmed_registrations", stdout=again)
    assert "Released 0 unconfirmed seminar registration(s)" in again.getvalue()
    assert len(mail.outbox) == 1


def test_people_waiting_unconfirmed_are_passed_over_until_they_confirm(client):
    """A place goes only to someone who has confirmed: the promotion mail carries the
    calendar and the online link, and a made-up address must never take a real place."""
    seminar = SeminarFactory(capacity=1)
    holder = RegistrationFactory(seminar=seminar)
    dan = register(seminar, "dan@example.org", name="Dan")
    erin = RegistrationFactory(seminar=seminar, status="waitlisted", email="erin@example.org")
    dans_link = confirm_path(mail.outbox[0])
    mail.outbox.clear()

    registrations.cancel(holder.pk)
    assert status(erin) == "confirmed, confirmed"
    assert status(dan) == "waitlisted, unconfirmed"

    registrations.cancel(erin.pk)
    assert status(dan) == "waitlisted, unconfirmed"  # the place waits for a confirmed one
    # ... and someone new does not get it: Dan was waiting first.
    assert registrations.places_left(seminar) == 0

    client.post(dans_link)
    assert status(dan) == "confirmed, confirmed"
    promoted = mail.outbox[-1]
    assert promoted.to == ["dan@example.org"] and promoted.attachments
    assert promoted.subject.startswith("En plats till dig")


def test_a_newcomer_does_not_take_a_released_place_from_someone_waiting_first(client):
    """The place a made-up address held is released while only people who have not
    confirmed yet are waiting: someone registering now joins the queue behind them, and
    the first to confirm takes the place."""
    seminar = SeminarFactory(capacity=1)
    mallory = register(seminar, "made-up@example.org", name="Made Up")
    dan = register(seminar, "dan@example.org", name="Dan")
    dans_link = confirm_path(mail.outbox[-1])
    registered_hours_ago(mallory, 25)
    registered_hours_ago(dan, 2)
    mail.outbox.clear()

    carol = register(seminar, "carol@example.org", name="Carol")

    assert status(mallory) == "released"
    assert status(carol) == "waitlisted, unconfirmed"
    assert registrations.places_left(seminar) == 0
    client.post(dans_link)
    assert status(dan) == "confirmed, confirmed"
    assert [m.to for m in mail.outbox][-1] == ["dan@example.org"]
    assert mail.outbox[-1].subject.startswith("En plats till dig")


def test_reminders_go_only_to_confirmed_registrants():
    start = timezone.now() + datetime.timedelta(hours=30)
    seminar = SeminarFactory(starts_at=start, ends_at=start + datetime.timedelta(hours=2),
                             online_url="https://meet.example/abc")
    register(seminar, "unconfirmed@example.org")
    RegistrationFactory(seminar=seminar, email="confirmed@example.org")
    mail.outbox.clear()

    call_command("send_seminar_reminders", stdout=io.StringIO())

    (reminder,) = mail.outbox
    assert reminder.to == ["confirmed@example.org"]


def test_registrations_entered_by_staff_need_no_confirmation(client):
    seminar = SeminarFactory(capacity=1)
    client.force_login(nina())
    response = client.post(reverse("admin:newsletter_registration_add"), {
        "seminar": seminar.pk, "name": "Per Telefon", "email": "per@example.org",
        "language": "sv", "status": "confirmed"})
    assert response.status_code == 302
    assert status(Registration.objects.get()) == "confirmed, confirmed"


# --- Staff ------------------------------------------------------------------------------

def test_staff_see_unconfirmed_registrations_as_such(client):
    seminar = SeminarFactory(capacity=10)
    RegistrationFactory(seminar=seminar, email="confirmed@example.org")
    RegistrationFactory(seminar=seminar, email="waiting@example.org",
                        address_confirmed_at=None)
    expired = RegistrationFactory(seminar=seminar, email="expired@example.org",
                                  address_confirmed_at=None)
    registered_hours_ago(expired, 30)
    client.force_login(nina())

    changelist = reverse("admin:newsletter_registration_changelist")
    page = client.get(changelist).content.decode()
    assert "Ej bekräftad" in page
    unconfirmed = client.get(changelist + "?confirmed=no").content.decode()
    assert "waiting@example.org" in unconfirmed and "confirmed@example.org" not in unconfirmed
    confirmed = client.get(changelist + "?confirmed=yes").content.decode()
    assert "confirmed@example.org" in confirmed and "waiting@example.org" not in confirmed

    seminars = client.get(reverse("admin:newsletter_seminar_changelist")).content.decode()
    # Two hold a place (one of them not yet confirmed); the expired one counts for nothing.
    assert re.search(r'class="field-registered_count">2<', seminars)
    assert re.search(r'class="field-unconfirmed_count">1<', seminars)
    inline = client.get(reverse("admin:newsletter_seminar_change", args=[seminar.pk]))
    assert "Ej bekräftad: hålls till" in inline.content.decode()
    assert "Ej bekräftad i tid: släpps" in inline.content.decode()


# --- Registrations made before confirmation existed ------------------------------------

@pytest.mark.django_db(transaction=True)
def test_registrations_made_before_this_change_count_as_confirmed():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("newsletter", "0003_registrations_out_of_history")]
    after = [("newsletter", "0004_registration_address_confirmed_at")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    Seminar = old_apps.get_model("newsletter", "Seminar")
    OldRegistration = old_apps.get_model("newsletter", "Registration")
    start = timezone.now() + datetime.timedelta(days=3)
    seminar = Seminar.objects.create(title="Gammalt", title_sv="Gammalt", slug="gammalt",
                                     starts_at=start, ends_at=start, published=True)
    old = OldRegistration.objects.create(seminar=seminar, name="Old", email="old@example.org")
    OldRegistration.objects.filter(pk=old.pk).update(
        created=timezone.now() - datetime.timedelta(days=40))

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    migrated = Registration.objects.get(pk=old.pk)
    assert migrated.address_confirmed_at == migrated.created
    assert registrations.places_left(migrated.seminar) is None
    assert Registration.objects.holding_a_place().filter(pk=old.pk).exists()
