"""Raced registrations and cancellations on PostgreSQL: one place, one row, one promotion."""

import pytest

from newsletter import registrations
from newsletter.models import Registration
from tests.concurrency import at_once
from tests.factories import SeminarFactory

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
    holders = [register(seminar, f"holder{n}@example.org").registration
               for n in range(THREADS)]
    for n in range(THREADS * 2):
        register(seminar, f"waiting{n}@example.org")

    # Each place is cancelled twice at once (a double click in two tabs).
    assert at_once(THREADS * 2, lambda n: registrations.cancel(holders[n // 2].pk)) == []
    assert at_once(THREADS, lambda n: registrations.cancel(holders[n].pk)) == []

    live = Registration.objects.filter(seminar=seminar)
    assert live.filter(status="confirmed").count() == THREADS
    assert live.filter(status="cancelled").count() == THREADS
    assert live.filter(status="waitlisted").count() == THREADS
    promoted = live.filter(promoted_at__isnull=False).order_by("created")
    assert [r.email for r in promoted] == [f"waiting{n}@example.org" for n in range(THREADS)]
