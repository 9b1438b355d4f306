"""The project rules hold in the database itself, not only in forms."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from projects.models import Country, Funder, Partner, Programme, Project, Theme
from tests.factories import (
    CountryFactory,
    FunderFactory,
    PartnerFactory,
    ProgrammeFactory,
    ProjectFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def test_project_end_date_cannot_be_before_start_date():
    project = ProjectFactory()
    Project.objects.filter(pk=project.pk).update(end_date=datetime.date(2030, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(
            start_date=datetime.date(2020, 1, 2), end_date=datetime.date(2020, 1, 1)
        )


def test_project_budget_cannot_be_negative():
    project = ProjectFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Project.objects.filter(pk=project.pk).update(budget_sek=-1)
    project.refresh_from_db()
    assert project.budget_sek == 1_000_000


def test_project_without_end_date_or_budget_is_allowed():
    project = ProjectFactory(end_date=None, budget_sek=None)
    assert project.pk


def test_iati_identifier_is_unique():
    ProjectFactory(iati_identifier="SE-ON-TEST-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectFactory(iati_identifier="SE-ON-TEST-1")


def test_programme_end_date_cannot_be_before_start_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeFactory(start_date=datetime.date(2020, 1, 2), end_date=datetime.date(2020, 1, 1))


def test_country_code_is_two_capital_letters():
    CountryFactory(iso_code="PS")
    with pytest.raises(IntegrityError), transaction.atomic():
        CountryFactory(iso_code="ps")
    assert Country.objects.filter(iso_code="ps").count() == 0


def test_publishing_records_the_first_publication_time():
    project = ProjectFactory(published=False)
    assert project.published_at is None
    project.published = True
    project.save(update_fields=["published"])
    project.refresh_from_db()
    first = project.published_at
    assert first is not None
    project.save()
    project.refresh_from_db()
    assert project.published_at == first


# The keys by which the project spreadsheet names other records: unique and never empty,
# so that an exported file imports back with the same funder, partners, programme, themes.

@pytest.mark.parametrize("factory", [FunderFactory, PartnerFactory])
def test_funders_and_partners_have_unique_slugs(factory):
    factory(slug="samma")
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(slug="samma")


@pytest.mark.parametrize(("factory", "model"), [
    (FunderFactory, Funder), (PartnerFactory, Partner), (ProgrammeFactory, Programme),
    (ThemeFactory, Theme),
])
def test_a_slug_cannot_be_empty(factory, model):
    row = factory()
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(slug="")
