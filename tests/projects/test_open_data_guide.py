"""The open-data page explains to a reader (a journalist, a researcher) what each part of
the IATI files, the CSV and the JSON means, in Swedish and English, and links every file."""

import pytest
from django.urls import reverse
from django.utils import translation

from projects.models import AnnualReport
from tests.projects.opendata_world import ORGANISATION

pytestmark = pytest.mark.django_db

# What a reader looks for, by the heading of its explanation.
PARTS = {
    "sv": ["Aktivitetens id", "Status och datum", "Länder och procentsatser", "Sektorer",
           "Deltagande organisationer och roller", "Budget per år", "Transaktioner",
           "Klassificeringar", "Policymarkörer", "Resultat och indikatorer", "Humanitärt",
           "Kontakt", "Total budget per år", "Budget per land", "Årsberättelser"],
    "en": ["Activity identifier", "Status and dates", "Countries and percentages", "Sectors",
           "Participating organisations and roles", "Budgets per year", "Transactions",
           "Classifications", "Policy markers", "Results and indicators", "Humanitarian",
           "Contact", "Total budget per year", "Budget per country", "Annual reports"],
}
# The IATI element each explanation is about, shown beside its heading.
ELEMENTS = ["iati-identifier", "activity-status", "recipient-country", "sector",
            "participating-org", "budget", "transaction", "provider-activity-id",
            "default-aid-type", "default-tied-status", "policy-marker", "result", "indicator",
            "humanitarian", "contact-info", "total-budget", "recipient-country-budget",
            "document-link"]
# The CSV columns and JSON fields issue 28 adds.
NEW_COLUMNS = ["incoming_funds_sek", "disbursements_sek", "expenditure_sek",
               "other_currency_totals", "aid_type", "flow_type", "finance_type",
               "collaboration_type", "tied_status", "policy_markers", "humanitarian",
               "result_count", "classifications", "transactions", "transaction_totals",
               "results"]


@pytest.fixture
def page(client, settings):
    settings.SITE_URL = "https://palmecentret.example"
    settings.IATI_ORGANISATION_IDENTIFIER = ORGANISATION

    def get(language):
        with translation.override(language):
            return client.get(reverse("projects:open-data")).content.decode()
    return get


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_part_of_the_files_is_explained_in_the_readers_language(page, language):
    html = page(language)
    for heading in PARTS[language]:
        assert f"<dt>{heading} <code>" in html, heading
    for element in ELEMENTS:
        assert f"<code>{element}</code>" in html, element


def test_a_hidden_partner_is_named_as_the_files_name_it(page):
    assert "”en lokal partner”" in page("sv")
    assert '"a local partner"' in page("en")
    # The JSON is language-neutral: English on the Swedish page too.
    assert '{"name": "a local partner"}' in page("sv")


@pytest.mark.parametrize("language", ["sv", "en"])
def test_both_iati_files_and_the_exports_are_linked(page, language):
    html = page(language)
    for address in ("https://palmecentret.example/iati/activities.xml",
                    "https://palmecentret.example/iati/organisation.xml"):
        assert f'<a href="{address}">{address}</a>' in html
    with translation.override(language):
        for name in ("projects:project-list-csv", "projects:project-list-json"):
            assert f'href="https://palmecentret.example{reverse(name)}"' in html


def test_the_new_csv_columns_and_json_fields_are_documented(page):
    html = page("en")
    for name in NEW_COLUMNS:
        assert f"<code>{name}</code>" in html, name


def test_the_page_contents_lead_to_each_section(page):
    html = page("sv")
    for anchor in ("iati-title", "reading-activities-title", "organisation-title",
                   "reading-organisation-title", "exports-title", "columns-title",
                   "feeds-title"):
        assert f'href="#{anchor}"' in html and f'id="{anchor}"' in html


def test_the_annual_reports_are_linked_in_each_language_they_exist_in(page):
    AnnualReport.objects.create(year=2023, url_sv="https://example.org/ab-2023.pdf")
    AnnualReport.objects.create(year=2024, url_sv="https://example.org/ab-2024.pdf",
                                url_en="https://example.org/ar-2024.pdf")
    html = page("sv")
    assert ('<li>Årsberättelse 2024: <a href="https://example.org/ab-2024.pdf" hreflang="sv" '
            'lang="sv">svenska</a>, <a href="https://example.org/ar-2024.pdf" hreflang="en" '
            'lang="en">English</a></li>') in html
    assert ('<li>Årsberättelse 2023: <a href="https://example.org/ab-2023.pdf" hreflang="sv" '
            'lang="sv">svenska</a></li>') in html
    assert "Annual report 2024:" in page("en")
