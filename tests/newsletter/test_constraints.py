"""Subscriber and seminar rules hold in the database itself."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from newsletter.models import Registration, Subscriber
from tests.factories import (
    MailingListFactory,
    RegistrationFactory,
    SeminarFactory,
    SubscriberFactory,
    SubscriptionFactory,
)

pytestmark = pytest.mark.django_db


def test_one_subscriber_per_address_whatever_its_case():
    SubscriberFactory(email="Anna.Svensson@Example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscriber.objects.create(email="anna.svensson@example.ORG")
    assert Subscriber.objects.count() == 1


def test_one_subscription_per_list():
    subscription = SubscriptionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        SubscriptionFactory(subscriber=subscription.subscriber,
                            mailing_list=subscription.mailing_list)
    SubscriptionFactory(subscriber=subscription.subscriber, mailing_list=MailingListFactory())


def test_seminar_cannot_end_before_it_starts():
    starts = datetime.datetime(2030, 5, 1, 18, tzinfo=datetime.UTC)
    with pytest.raises(IntegrityError), transaction.atomic():
        SeminarFactory(starts_at=starts, ends_at=starts - datetime.timedelta(hours=1))


def test_one_live_registration_per_address_and_seminar():
    registration = RegistrationFactory(email="Per@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(seminar=registration.seminar, email="per@EXAMPLE.org")
    # After cancelling, the same person may register again.
    registration.status = Registration.Status.CANCELLED
    registration.save()
    RegistrationFactory(seminar=registration.seminar, email="per@example.org")


@pytest.mark.postgres
def test_case_insensitive_address_index_exists_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
            ["newsletter_subscriber_email_ci_unique"],
        )
        (definition,) = cursor.fetchone()
    assert "UNIQUE" in definition
    assert "lower((email)::text)" in definition
