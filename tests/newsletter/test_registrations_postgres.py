"""Raced registrations, confirmations, releases and cancellations on PostgreSQL: one place,
one row, one promotion, one mail."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from newsletter import registrations
from newsletter.models import Registration
from tests.concurrency import at_once
from tests.factories import RegistrationFactory, SeminarFactory
from tests.newsletter.task_queue import run_due

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def register(seminar, email):
    return registrations.register(seminar, name="Racer", email=email, language="sv",
                                  consent_text="ok", source="test")


def test_the_last_place_goes_to_exactly_one_of_many_at_once():
    seminar = SeminarFactory(capacity=2)
    register(seminar, "first@example.org")

    assert at_once(THREADS, lambda n: register(seminar, f"racer{n}@example.org")) == []

    statuses = list(Registration.objects.filter(seminar=seminar)
                    .values_list("status", flat=True))
    assert statuses.count("confirmed") == 2
    assert statuses.count("waitlisted") == THREADS - 1


def test_the_same_address_many_times_at_once_is_one_row():
    seminar = SeminarFactory()
    assert at_once(THREADS, lambda n: register(seminar, "Alice@Example.org".swapcase()
                                      if n % 2 else "alice@example.org")) == []
    assert Registration.objects.filter(seminar=seminar).count() == 1


def test_cancellations_at_once_give_each_freed_place_to_one_person():
    seminar = SeminarFactory(capacity=THREADS)
    holders = [register(seminar, f"holder{n}@example.org")
               for n in range(THREADS)]
    for n in range(THREADS * 2):
        # Confirmed from the mail: only then can a freed place go to them.
        registrations.confirm(register(seminar, f"waiting{n}@example.org").pk)

    # Each place is cancelled twice at once (a double click in two tabs).
    assert at_once(THREADS * 2, lambda n: registrations.cancel(holders[n // 2].pk)) == []
    assert at_once(THREADS, lambda n: registrations.cancel(holders[n].pk)) == []

    live = Registration.objects.filter(seminar=seminar)
    assert live.filter(status="confirmed").count() == THREADS
    assert live.filter(status="cancelled").count() == THREADS
    assert live.filter(status="waitlisted").count() == THREADS
    promoted = live.filter(promoted_at__isnull=False).order_by("created")
    assert [r.email for r in promoted] == [f"waiting{n}@example.org" for n in range(THREADS)]


def test_releases_confirmations_and_registrations_at_once_give_each_place_to_one_person():
    """Three places held by addresses nobody confirmed in time; three people waiting who
    have confirmed, three who confirm now; and at the same time new registrations and the
    daily release. Each freed place goes to one confirmed person, in order, mailed once."""
    seminar = SeminarFactory(capacity=3)
    stale = RegistrationFactory.create_batch(3, seminar=seminar, address_confirmed_at=None)
    Registration.objects.filter(pk__in=[r.pk for r in stale]).update(
        created=timezone.now() - datetime.timedelta(hours=30))
    waiting = [RegistrationFactory(seminar=seminar, status="waitlisted",
                                   email=f"waiting{n}@example.org") for n in range(3)]
    confirming = [register(seminar, f"confirming{n}@example.org")
                  for n in range(3)]

    def act(n):
        if n % 3 == 0:
            register(seminar, f"new{n}@example.org")
        elif n % 3 == 1:
            registrations.release_unconfirmed()
        else:
            registrations.confirm(confirming[n // 3 % 3].pk)

    assert at_once(THREADS + 1, act) == []
    run_due()  # the mails, as the worker sends them

    live = Registration.objects.filter(seminar=seminar)
    assert not live.filter(pk__in=[r.pk for r in stale]).exists()
    assert list(live.filter(status="confirmed").order_by("created")
                .values_list("email", flat=True)) == [r.email for r in waiting]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in waiting)
    assert live.filter(status="waitlisted").count() == live.count() - 3


def test_the_same_confirmation_many_times_at_once_confirms_once_and_mails_once():
    seminar = SeminarFactory(capacity=2)
    alice = register(seminar, "alice@example.org")

    assert at_once(THREADS, lambda n: registrations.confirm(alice.pk)) == []
    run_due()

    alice.refresh_from_db()
    assert alice.address_confirmed_at is not None
    (message,) = mail.outbox
    assert message.to == ["alice@example.org"] and message.attachments


def test_daily_releases_at_once_free_each_place_once():
    seminar = SeminarFactory(capacity=THREADS)
    stale = RegistrationFactory.create_batch(THREADS, seminar=seminar,
                                             address_confirmed_at=None)
    Registration.objects.filter(pk__in=[r.pk for r in stale]).update(
        created=timezone.now() - datetime.timedelta(hours=30))
    RegistrationFactory.create_batch(THREADS * 2, seminar=seminar, status="waitlisted")

    assert at_once(THREADS, lambda n: registrations.release_unconfirmed()) == []
    run_due()

    live = Registration.objects.filter(seminar=seminar)
    assert live.count() == THREADS * 2
    assert live.filter(status="confirmed").count() == THREADS
    assert len(mail.outbox) == THREADS
