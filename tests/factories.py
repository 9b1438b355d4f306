"""Factories for the portal's models (factory-boy), shared by every test folder."""

import datetime

import factory
from django.utils import timezone

from members.models import MemberOrganisation, Network
from newsletter.models import (
    ConsentRecord,
    Delivery,
    Mailing,
    MailingList,
    Registration,
    Seminar,
    Subscriber,
    Subscription,
    email_hash,
)
from projects.models import Country, Funder, Partner, Programme, Project, Region, Theme
from stories.models import Story


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name_sv = factory.Sequence(lambda n: f"Region {n}")
    name_en = factory.Sequence(lambda n: f"Region {n} (en)")
    slug = factory.Sequence(lambda n: f"region-{n}")
    focus_sv = "Fokus på arbetares rättigheter."
    focus_en = "Focus on workers' rights."


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country

    name_sv = factory.Sequence(lambda n: f"Land {n}")
    name_en = factory.Sequence(lambda n: f"Country {n}")
    slug = factory.Sequence(lambda n: f"land-{n}")
    # AA..ZZ, then wraps; tests never need more than 676 countries.
    iso_code = factory.Sequence(lambda n: chr(65 + (n // 26) % 26) + chr(65 + n % 26))
    region = factory.SubFactory(RegionFactory)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    name_sv = factory.Sequence(lambda n: f"Tema {n}")
    name_en = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"tema-{n}")
    dac_purpose_code = "15150"


class FunderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Funder

    name_sv = factory.Sequence(lambda n: f"Finansiär {n}")
    slug = factory.Sequence(lambda n: f"finansiar-{n}")
    short_name = factory.Sequence(lambda n: f"F{n}")


class MemberOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberOrganisation

    name_sv = factory.Sequence(lambda n: f"Medlemsorganisation {n}")
    name_en = factory.Sequence(lambda n: f"Member organisation {n}")
    slug = factory.Sequence(lambda n: f"medlem-{n}")
    kind = MemberOrganisation.Kind.TRADE_UNION
    published = True


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    name_sv = factory.Sequence(lambda n: f"Nätverk {n}")
    slug = factory.Sequence(lambda n: f"natverk-{n}")
    scope = Network.Scope.NATIONAL
    published = True


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name_sv = factory.Sequence(lambda n: f"Program {n}")
    name_en = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    region = factory.SubFactory(RegionFactory)
    funding_framework = Programme.FundingFramework.SIDA_CSO
    start_date = datetime.date(2016, 1, 1)
    end_date = datetime.date(2019, 12, 31)
    published = True


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partnerorganisation {n}")
    slug = factory.Sequence(lambda n: f"partnerorganisation-{n}")
    country = factory.SubFactory(CountryFactory)
    place = factory.Sequence(lambda n: f"Ort {n}")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    title_sv = factory.Sequence(lambda n: f"Projekt {n}")
    title_en = factory.Sequence(lambda n: f"Project {n}")
    slug = factory.Sequence(lambda n: f"projekt-{n}")
    iati_identifier = factory.Sequence(lambda n: f"SE-ON-TEST-{n}")
    status = Project.Status.ONGOING
    start_date = datetime.date(2020, 1, 1)
    end_date = datetime.date(2023, 12, 31)
    budget_sek = 1_000_000
    summary_sv = "Sammanfattning."
    summary_en = "Summary."
    published = True
    visibility = Project.Visibility.PUBLIC

    @factory.post_generation
    def countries(self, create, extracted, **kwargs):
        if create:
            self.countries.set(extracted if extracted is not None else [CountryFactory()])

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)

    @factory.post_generation
    def partners(self, create, extracted, **kwargs):
        if create and extracted:
            self.partners.set(extracted)

    @factory.post_generation
    def member_organisations(self, create, extracted, **kwargs):
        if create and extracted:
            self.member_organisations.set(extracted)


class MailingListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MailingList

    name_sv = factory.Sequence(lambda n: f"Lista {n}")
    slug = factory.Sequence(lambda n: f"lista-{n}")


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"person{n}@example.org")


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    subscriber = factory.SubFactory(SubscriberFactory)
    mailing_list = factory.SubFactory(MailingListFactory)


class SeminarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seminar

    title_sv = factory.Sequence(lambda n: f"Seminarium {n}")
    title_en = factory.Sequence(lambda n: f"Seminar {n}")
    slug = factory.Sequence(lambda n: f"seminarium-{n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    place_sv = "Stockholm"
    published = True


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    seminar = factory.SubFactory(SeminarFactory)
    name = factory.Sequence(lambda n: f"Deltagare {n}")
    email = factory.Sequence(lambda n: f"deltagare{n}@example.org")


class ConsentRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentRecord

    subscriber = factory.SubFactory(SubscriberFactory)
    email_hash = factory.LazyAttribute(lambda o: email_hash(o.subscriber.email))
    action = ConsentRecord.Action.SUBSCRIBE
    consent_text = "Jag vill ha nyhetsbrevet."


class MailingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mailing
        skip_postgeneration_save = True

    subject_sv = factory.Sequence(lambda n: f"Nyhetsbrev {n}")
    body_sv = "Hej!\n\nHär är **nyheterna**."

    @factory.post_generation
    def mailing_lists(self, create, extracted, **kwargs):
        if create and extracted:
            self.mailing_lists.set(extracted)


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    mailing = factory.SubFactory(MailingFactory)
    subscriber = factory.SubFactory(SubscriberFactory)


class StoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Story
        skip_postgeneration_save = True

    title_sv = factory.Sequence(lambda n: f"Berättelse {n}")
    title_en = factory.Sequence(lambda n: f"Story {n}")
    slug = factory.Sequence(lambda n: f"berattelse-{n}")
    lead_sv = "Ingress."
    lead_en = "Lead."
    body_sv = "Brödtext."
    body_en = "Body."
    published_on = datetime.date(2026, 11, 1)
    published = True

    @factory.post_generation
    def projects(self, create, extracted, **kwargs):
        if create and extracted:
            self.projects.set(extracted)

    @factory.post_generation
    def countries(self, create, extracted, **kwargs):
        if create and extracted:
            self.countries.set(extracted)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)

    @factory.post_generation
    def member_organisations(self, create, extracted, **kwargs):
        if create and extracted:
            self.member_organisations.set(extracted)
