"""Fixtures the open-data tests share."""

import pytest

from tests.projects.opendata_world import ORGANISATION


@pytest.fixture
def iati_settings(settings):
    """The test world's organisation identifier and a public address, as the IATI files
    print them."""
    settings.IATI_ORGANISATION_IDENTIFIER = ORGANISATION
    settings.SITE_URL = "https://palmecentret.example"
    return settings
