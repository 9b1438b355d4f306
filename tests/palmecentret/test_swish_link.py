"""The support page's Swish link: Swish's payment link with the fund's number, the chosen
amount and the message filled in; an amount that cannot be used gives the page back with
a clear error in the visitor's language (400), never a 500."""

from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest

from palmecentret.views import swish_payment_link
from tests.html import select

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fund_number(settings):
    settings.SWISH_NUMBER = "123 900 12 34"


def swish_link(response):
    (link,) = select(lxml.html.fromstring(response.content.decode()), "a", "swish-link")
    return link


def query(href):
    parts = urlsplit(href)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "app.swish.nu", "/1/p/sw/")
    return {name: values[0] for name, values in parse_qs(parts.query).items()}


def test_link_without_an_amount_has_number_and_message_and_lets_the_app_ask(client):
    link = swish_link(client.get("/stod-oss/"))

    assert link.text_content() == "Öppna Swish"
    assert query(link.get("href")) == {"sw": "1239001234", "cur": "SEK",
                                       "msg": "Gåva till solidaritetsfonden",
                                       "edit": "amt,msg", "src": "url"}


@pytest.mark.parametrize(("path", "amount", "text", "message"), [
    ("/stod-oss/?amount=250", "250", "Öppna Swish och ge 250 kr", "Gåva till solidaritetsfonden"),
    ("/stod-oss/?other_amount=75", "75", "Öppna Swish och ge 75 kr", "Gåva till solidaritetsfonden"),
    # A typed amount wins over a chosen one.
    ("/stod-oss/?amount=100&other_amount=1000", "1000", "Öppna Swish och ge 1000 kr",
     "Gåva till solidaritetsfonden"),
    ("/en/support-us/?amount=500", "500", "Open Swish to give 500 kr", "Gift to the solidarity fund"),
    ("/en/support-us/?amount=&other_amount=100000", "100000", "Open Swish to give 100000 kr",
     "Gift to the solidarity fund"),
])
def test_chosen_amount_goes_into_the_link(client, path, amount, text, message):
    response = client.get(path)

    assert response.status_code == 200
    link = swish_link(response)
    assert link.text_content() == text
    params = query(link.get("href"))
    assert (params["sw"], params["amt"], params["msg"]) == ("1239001234", amount, message)


def test_link_encodes_message_for_a_url():
    href = swish_payment_link("123-900 12 34", "Gåva till solidaritetsfonden & mer", 5)

    assert href == ("https://app.swish.nu/1/p/sw/?sw=1239001234&amt=5&cur=SEK"
                    "&msg=G%C3%A5va%20till%20solidaritetsfonden%20%26%20mer&edit=amt%2Cmsg&src=url")


@pytest.mark.parametrize("bad", [
    "?other_amount=0", "?other_amount=-5", "?other_amount=100001", "?other_amount=12.50",
    "?other_amount=12,5", "?other_amount=abc", "?other_amount=1e3", "?other_amount=" + "9" * 5000,
    "?amount=99", "?amount=%00", "?amount=250&other_amount=x",
])
@pytest.mark.parametrize(("page", "error"), [
    ("/stod-oss/", "Ange beloppet i hela kronor, från 1 till 100 000."),
    ("/en/support-us/", "Give the amount in whole kronor, from 1 to 100 000."),
])
def test_an_amount_that_cannot_be_used_shows_the_error_in_the_page_language(
        client, bad, page, error):
    response = client.get(page + bad)

    assert response.status_code == 400
    html = response.content.decode()
    assert error in html and 'role="alert"' in html
    # The link still works, without an amount.
    assert "amt" not in query(swish_link(response).get("href"))


def test_the_qr_code_for_a_computer_stays(client):
    assert '<svg role="img"' in client.get("/stod-oss/?amount=250").content.decode()
