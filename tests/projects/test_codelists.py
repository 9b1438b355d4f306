"""Every code staff can pick in the admin is a code IATI's codelists accept today: each
TextChoices that stands for an IATI codelist, choice by choice, against the copy of the
codelist the portal checks with (projects/data/iati-codelists, withdrawn codes left out)."""

import pytest

from projects.codelists import active_codes
from projects.models import (AidType, CollaborationType, FinanceType, FlowType, Indicator,
                             PolicyMarker, Project, Result, TiedStatus, Transaction)

# (choices, the codelist they are codes of)
CHOICES = [
    (AidType.values, "AidType"),
    (FlowType.values, "FlowType"),
    (FinanceType.values, "FinanceType"),
    (CollaborationType.values, "CollaborationType"),
    (TiedStatus.values, "TiedStatus"),
    (PolicyMarker.Code.values, "PolicyMarker"),
    (PolicyMarker.Significance.values, "PolicySignificance"),
    (Result.Type.values, "ResultType"),
    (Indicator.Measure.values, "IndicatorMeasure"),
    (Transaction.Type.values, "TransactionType"),
    ([code for code, _name in Project._meta.get_field("budget_not_provided").choices],
     "BudgetNotProvided"),
]


@pytest.mark.parametrize(("codes", "codelist"), CHOICES, ids=[c for _v, c in CHOICES])
def test_every_choice_is_an_active_code_of_its_codelist(codes, codelist):
    active = active_codes(codelist)
    assert codes
    assert [code for code in codes if code not in active] == []


def test_a_withdrawn_code_is_not_active():
    # The check above would let a withdrawn code through if they counted: Sector.xml
    # keeps them, marked withdrawn (15162 human rights, now 15160).
    assert "15160" in active_codes("Sector")
    assert "15162" not in active_codes("Sector")
    assert "15159" not in active_codes("Sector")  # never a sector
