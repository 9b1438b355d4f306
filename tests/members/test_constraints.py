"""Member organisation rules hold in the database itself."""

import pytest
from django.db import IntegrityError, transaction

from members.models import MemberOrganisation
from tests.factories import MemberOrganisationFactory

pytestmark = pytest.mark.django_db


def test_an_organisation_cannot_be_its_own_parent():
    lo = MemberOrganisationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberOrganisation.objects.filter(pk=lo.pk).update(parent=lo)


def test_membership_cannot_predate_palmecentret():
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberOrganisationFactory(member_since=1991)
    assert MemberOrganisationFactory(member_since=1992).pk


def test_slugs_are_unique():
    MemberOrganisationFactory(slug="abf")
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberOrganisationFactory(slug="abf")


def test_a_slug_cannot_be_empty():
    # It names the organisation in the project spreadsheet, where empty means "none".
    abf = MemberOrganisationFactory(slug="abf")
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberOrganisation.objects.filter(pk=abf.pk).update(slug="")
