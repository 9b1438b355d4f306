"""Every kind of answer the portal gives in production carries its security headers: a
strict Content-Security-Policy with no other origin, Permissions-Policy, Referrer-Policy,
nosniff, no framing, HSTS, and cookies that are Secure, HttpOnly and SameSite.

The settings are production's own, computed from its environment (tests/palmecentret/
production.py); requests arrive as the TLS proxy forwards them."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.admin_personas import root
from tests.factories import (
    CountryFactory,
    MailingListFactory,
    ProjectFactory,
    RegionFactory,
)
from tests.palmecentret.production import HOST, production_settings

pytestmark = pytest.mark.django_db

# The source expressions a policy may name: the portal itself, nothing, and inline images
# (Bootstrap's SVG icons). Any host, scheme such as https: or *, or 'unsafe-...' fails.
ALLOWED_SOURCES = {"'self'", "'none'", "data:"}
DIRECTIVES = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "form-action": {"'self'"},
    "base-uri": {"'self'"},
    "object-src": {"'none'"},
    "frame-ancestors": {"'none'"},
    "upgrade-insecure-requests": set(),
}
# Powerful features nobody on the site needs: refused to every origin.
REFUSED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb", "browsing-topics",
                    "clipboard-read", "display-capture", "serial", "hid"]


@pytest.fixture(scope="module")
def production():
    return production_settings()


@pytest.fixture
def prod(settings, production):
    """Production's security settings in this test process."""
    for name, value in production.items():
        setattr(settings, name, value)
    return settings


@pytest.fixture
def browser(prod):
    """A visitor behind the TLS-terminating proxy."""
    return Client(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https")


@pytest.fixture
def content():
    region = RegionFactory(slug="asien")
    country = CountryFactory(slug="filippinerna", iso_code="PH", region=region)
    project = ProjectFactory(slug="fackliga-rattigheter", countries=[country])
    MailingListFactory(slug="nyhetsbrev")
    return project


def parse_policy(header):
    """{directive: {sources}} from a Content-Security-Policy header."""
    policy = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            assert words[0] not in policy, f"{words[0]} twice in {header}"
            policy[words[0]] = set(words[1:])
    return policy


def answers(browser, project):
    """One answer of each kind the portal gives, by name."""
    return {
        "home": browser.get("/"),
        "home (English)": browser.get("/en/"),
        "project page": browser.get(project.get_absolute_url()),
        "project list": browser.get(reverse("projects:project-list") + "?sort=title"),
        "newsletter page": browser.get(reverse("newsletter:signup")),
        "not found": browser.get("/finns-inte/"),
        "admin login": browser.get(reverse("admin:login")),
        "CSV export": browser.get(reverse("projects:project-list-csv")),
        "JSON export": browser.get(reverse("projects:project-list-json")),
        "project JSON": browser.get(reverse("projects:project-detail-json",
                                            args=[project.slug])),
        "IATI XML": browser.get("/iati/activities.xml"),
        "sitemap": browser.get("/sitemap.xml"),
        "robots.txt": browser.get("/robots.txt"),
        "healthz": browser.get("/healthz"),
        "static file": browser.get("/static/css/site.css"),
    }


def test_every_kind_of_answer_carries_every_security_header(browser, content):
    for name, response in answers(browser, content).items():
        expected_status = 404 if name == "not found" else 200
        assert response.status_code == expected_status, (name, response.status_code)

        policy = parse_policy(response["Content-Security-Policy"])
        expected = dict(DIRECTIVES)
        if name == "admin login":
            expected["style-src"] = {"'self'", "'unsafe-inline'"}
        assert policy == expected, f"{name}: {response['Content-Security-Policy']}"
        assert response["Permissions-Policy"], name
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", name
        assert response["Strict-Transport-Security"] == (
            "max-age=31536000; includeSubDomains"), name
        if name != "static file":  # WhiteNoise answers before the clickjacking middleware
            assert response["X-Frame-Options"] == "DENY", name


def test_no_policy_anywhere_names_another_origin_or_allows_inline_script(browser, content):
    for name, response in answers(browser, content).items():
        for directive, sources in parse_policy(response["Content-Security-Policy"]).items():
            if name == "admin login" and directive == "style-src":
                sources = sources - {"'unsafe-inline'"}  # the admin's one exception
            assert sources <= ALLOWED_SOURCES, f"{name}: {directive} {sources}"


def test_the_admin_alone_may_use_inline_styles_and_never_inline_script(browser):
    policy = parse_policy(browser.get(reverse("admin:login"))["Content-Security-Policy"])
    assert policy["style-src"] == {"'self'", "'unsafe-inline'"}
    assert policy["script-src"] == {"'self'"}
    assert policy["frame-ancestors"] == {"'none'"}
    # An address under the admin that is no admin page gets the strict policy.
    not_found = browser.get("/admin-no-such-page/")
    assert parse_policy(not_found["Content-Security-Policy"])["style-src"] == {"'self'"}


def test_permissions_policy_refuses_powerful_features_and_allows_copying_links(browser):
    header = browser.get("/")["Permissions-Policy"]
    features = dict(item.strip().split("=", 1) for item in header.split(","))
    for feature in REFUSED_FEATURES:
        assert features[feature] == "()", f"{feature}={features.get(feature)}"
    # "Copy link" on project pages (static/js/site.js), for the site itself only.
    assert features["clipboard-write"] == "(self)"
    allowed = {f: v for f, v in features.items() if v != "()"}
    assert allowed == {"clipboard-write": "(self)"}


def test_hsts_preload_is_sent_when_the_environment_asks_for_it(settings, client):
    for name, value in production_settings(SECURE_HSTS_PRELOAD="true").items():
        setattr(settings, name, value)
    response = Client(HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https").get("/robots.txt")
    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload")


def test_plain_http_is_redirected_to_https_except_the_health_check(prod):
    plain = Client(HTTP_HOST=HOST)
    response = plain.get("/om-oss/")
    assert response.status_code == 301
    assert response["Location"] == f"https://{HOST}/om-oss/"
    # No HSTS over plain http (browsers ignore it there anyway).
    assert "Strict-Transport-Security" not in response
    assert plain.get("/healthz").status_code == 200


def cookie_flags(cookie):
    return {"secure": bool(cookie["secure"]), "httponly": bool(cookie["httponly"]),
            "samesite": cookie["samesite"]}


def test_the_staff_login_cookies_are_secure_httponly_and_samesite(browser):
    root()
    login_page = browser.get(reverse("admin:login"))
    csrf = login_page.cookies["csrftoken"]
    assert cookie_flags(csrf) == {"secure": True, "httponly": True, "samesite": "Lax"}

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"',
                      login_page.content.decode()).group(1)
    response = browser.post(reverse("admin:login"), {
        "csrfmiddlewaretoken": token, "username": "root", "password": "pw-root",
        "next": reverse("admin:index")}, HTTP_REFERER=f"https://{HOST}/admin/login/")
    assert response.status_code == 302, response.content[:500]
    session = response.cookies["sessionid"]
    assert cookie_flags(session) == {"secure": True, "httponly": True, "samesite": "Lax"}
    # The logged-in admin keeps the headers too.
    dashboard = browser.get(reverse("admin:index"))
    assert dashboard.status_code == 200
    assert parse_policy(dashboard["Content-Security-Policy"])["script-src"] == {"'self'"}


def test_every_cookie_a_public_page_sets_is_secure_httponly_and_samesite(browser, content):
    seen = 0
    for name, response in answers(browser, content).items():
        for cookie in response.cookies.values():
            seen += 1
            assert cookie_flags(cookie) == {
                "secure": True, "httponly": True, "samesite": "Lax"}, (name, cookie.key)
    assert seen  # at least the forms' CSRF cookie


def test_production_computes_its_security_settings_from_the_environment(production):
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SECURE_HSTS_SECONDS"] == 31536000
    assert production["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert production["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["upgrade-insecure-requests"]
    shorter = production_settings(SECURE_HSTS_SECONDS="3600")
    assert shorter["SECURE_HSTS_SECONDS"] == 3600


def test_the_policy_is_the_same_string_in_every_worker(browser):
    # django-csp's own order follows the process's hash seed; the portal fixes it, so all
    # gunicorn workers (and caches) see one header.
    assert browser.get("/robots.txt")["Content-Security-Policy"] == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'self'; "
        "object-src 'none'; frame-ancestors 'none'; upgrade-insecure-requests")
