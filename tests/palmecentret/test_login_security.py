"""Safe staff login: lockouts per username and address (behind trusted proxies too),
session key rotation, idle and absolute expiry, the security log, and two-factor login."""

import logging
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import F
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.client_ip import client_bucket, client_ip
from palmecentret.admin_site import PortalAdminSite

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"
MALLORY_IP = "203.0.113.66"
ALICE_IP = "198.51.100.7"
PROXY_IP = "10.0.0.1"


# --- Personas -------------------------------------------------------------------------

def make_staff(username, **extra):
    return User.objects.create_user(username, f"{username}@example.org", PASSWORD,
                                    is_staff=True, is_superuser=True, **extra)


def current_code(device):
    return str(TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
               ).zfill(device.digits)


@pytest.fixture
def alice():
    """Alice, staff with a confirmed authenticator app."""
    user = make_staff("alice")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


@pytest.fixture
def bob():
    """Bob, staff who has not set up an authenticator app yet."""
    return make_staff("bob")


@pytest.fixture
def otp_required(settings):
    settings.OTP_REQUIRED = True


def login(client, username, password=PASSWORD, ip=ALICE_IP, code=None, **headers):
    data = {"username": username, "password": password, "next": reverse("admin:index")}
    if code is not None:
        data["otp_token"] = code
    return client.post(reverse("admin:login"), data, REMOTE_ADDR=ip, **headers)


def logged_in(client):
    return SESSION_KEY in client.session


def fail_until_locked(client, username, ip, **headers):
    """Mallory guesses passwords until the failure limit; the last guess is locked out."""
    responses = [login(client, username, password="wrong guess", ip=ip, **headers)
                 for _ in range(5)]
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]


# --- The visitor's address ------------------------------------------------------------

@pytest.mark.parametrize("count, forwarded, remote, expected", [
    # No proxy: the header is anyone's to write, so it is ignored.
    (0, "198.51.100.7", "203.0.113.66", "203.0.113.66"),
    # One proxy appended the visitor; a forged entry further left is not read.
    (1, "198.51.100.7", PROXY_IP, "198.51.100.7"),
    (1, "1.2.3.4, 198.51.100.7", PROXY_IP, "198.51.100.7"),
    # Two proxies: the outer one wrote the visitor, the inner one the outer proxy.
    (2, "1.2.3.4, 198.51.100.7, 10.0.0.2", PROXY_IP, "198.51.100.7"),
    # Fewer entries than proxies (a request that skipped the proxy): REMOTE_ADDR.
    (2, "198.51.100.7", PROXY_IP, PROXY_IP),
    (1, None, PROXY_IP, PROXY_IP),
    # Not an address: REMOTE_ADDR, never the junk.
    (1, "not-an-address", PROXY_IP, PROXY_IP),
    (1, "198.51.100.7, ", PROXY_IP, PROXY_IP),
    # One visitor is one bucket, however the address is spelt.
    (1, "2001:DB8:0::1", PROXY_IP, "2001:db8::1"),
    (0, None, "::ffff:198.51.100.7", "198.51.100.7"),
    # Exactly the N-th from the right, whatever the client put in front of it, IPv6 too.
    (1, "2001:db8::bad, 198.51.100.7", PROXY_IP, "198.51.100.7"),
    (1, "198.51.100.7, 2001:db8::7", PROXY_IP, "2001:db8::7"),
    (2, "198.51.100.7, 2001:db8::7, 10.0.0.2", PROXY_IP, "2001:db8::7"),
    (3, "1.2.3.4, 198.51.100.7, 10.0.0.3, 10.0.0.2", PROXY_IP, "198.51.100.7"),
    # Spaces around entries are the proxy's formatting, not part of the address.
    (1, "1.2.3.4,198.51.100.7", PROXY_IP, "198.51.100.7"),
    (1, "  198.51.100.7  ", PROXY_IP, "198.51.100.7"),
    # Empty entries count as entries: a client cannot shift which one is read.
    (2, "198.51.100.7, , 10.0.0.2", PROXY_IP, PROXY_IP),
    (1, "", PROXY_IP, PROXY_IP),
    (1, ",", PROXY_IP, PROXY_IP),
    # Garbage where the visitor should be: a port, brackets, a name, a network.
    (1, "198.51.100.7:443", PROXY_IP, PROXY_IP),
    (1, "[2001:db8::7]", PROXY_IP, PROXY_IP),
    (1, "unknown", PROXY_IP, PROXY_IP),
    (1, "198.51.100.0/24", PROXY_IP, PROXY_IP),
    (1, "198.051.100.7", PROXY_IP, PROXY_IP),
    # Without a proxy, nothing from the header however it looks.
    (0, "198.51.100.7, 10.0.0.2", PROXY_IP, PROXY_IP),
    (0, "", "2001:DB8::7", "2001:db8::7"),
])
def test_client_ip_reads_the_address_the_trusted_proxies_saw(settings, count, forwarded,
                                                             remote, expected):
    settings.TRUSTED_PROXY_COUNT = count
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_ip(RequestFactory().get("/", **extra)) == expected


@pytest.mark.parametrize("remote, expected", [
    ("198.51.100.7", "198.51.100.7"),
    # An IPv6 visitor holds a whole /64: every address in it is one bucket.
    ("2001:db8:7:1::10", "2001:db8:7:1::"),
    ("2001:DB8:7:1:ffff:1234:5678:9abc", "2001:db8:7:1::"),
    ("2001:db8:7:2::10", "2001:db8:7:2::"),
    ("::ffff:198.51.100.7", "198.51.100.7"),
])
def test_lockouts_and_rate_limits_count_ipv6_visitors_by_their_network(remote, expected):
    assert client_bucket(RequestFactory().get("/", REMOTE_ADDR=remote)) == expected


# --- Lockout --------------------------------------------------------------------------

def test_after_the_failure_limit_the_username_and_address_pair_is_locked(client, alice, bob):
    fail_until_locked(client, "alice", MALLORY_IP)

    # Even the right password is refused from Mallory's address, with the lockout page
    # of the site in Swedish (the admin at the root is Swedish).
    response = login(client, "alice", ip=MALLORY_IP)
    assert response.status_code == 429
    assert not logged_in(client)
    html = response.content.decode()
    assert '<html lang="sv"' in html
    assert "Hoppa till innehållet" in html  # base.html's skip link, in Swedish
    assert int(response["Retry-After"]) == 15 * 60

    # Alice from her own address still gets in ...
    assert login(client, "alice", ip=ALICE_IP).status_code == 302
    assert logged_in(client)
    client.logout()
    # (her success does not lift the lock on Mallory's address) ...
    assert login(client, "alice", ip=MALLORY_IP).status_code == 429
    # ... and another username from Mallory's address is not locked.
    assert login(client, "bob", ip=MALLORY_IP).status_code == 302


def test_the_lockout_page_speaks_the_visitors_language(client, alice):
    fail_until_locked(client, "alice", MALLORY_IP)
    response = client.post(reverse("admin:login").replace("/admin/", "/en/admin/", 1),
                           {"username": "alice", "password": PASSWORD}, REMOTE_ADDR=MALLORY_IP)
    assert response.status_code == 429
    assert '<html lang="en"' in response.content.decode()


def test_the_cool_off_ends_the_lockout(client, alice):
    fail_until_locked(client, "alice", MALLORY_IP)
    assert login(client, "alice", ip=MALLORY_IP).status_code == 429

    # Sixteen minutes later (the cool-off is fifteen).
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    assert login(client, "alice", ip=MALLORY_IP).status_code == 302


def test_a_success_resets_the_failure_count(client, alice):
    for _ in range(4):
        login(client, "alice", password="typo", ip=ALICE_IP)
    assert login(client, "alice", ip=ALICE_IP).status_code == 302
    client.logout()
    for _ in range(4):
        assert login(client, "alice", password="typo", ip=ALICE_IP).status_code == 200
    assert login(client, "alice", ip=ALICE_IP).status_code == 302


def test_behind_one_proxy_visitors_are_counted_apart(client, settings, alice):
    settings.TRUSTED_PROXY_COUNT = 1
    fail_until_locked(client, "alice", PROXY_IP, HTTP_X_FORWARDED_FOR=MALLORY_IP)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {MALLORY_IP}

    # Alice comes through the same proxy from her own address: not Mallory's bucket.
    assert login(client, "alice", ip=PROXY_IP,
                 HTTP_X_FORWARDED_FOR=ALICE_IP).status_code == 302


def test_behind_one_proxy_a_forged_forwarded_entry_changes_nothing(client, settings, alice):
    settings.TRUSTED_PROXY_COUNT = 1
    fail_until_locked(client, "alice", PROXY_IP, HTTP_X_FORWARDED_FOR=MALLORY_IP)

    # Mallory sends "X-Forwarded-For: <alice's address>"; the proxy appends her own.
    response = login(client, "alice", ip=PROXY_IP,
                     HTTP_X_FORWARDED_FOR=f"{ALICE_IP}, {MALLORY_IP}")
    assert response.status_code == 429
    assert not logged_in(client)


def test_behind_one_proxy_mallorys_forgeries_do_not_lock_alice_out(client, settings, alice):
    settings.TRUSTED_PROXY_COUNT = 1
    # Every guess claims to come from Alice; the proxy appends Mallory's real address.
    fail_until_locked(client, "alice", PROXY_IP,
                      HTTP_X_FORWARDED_FOR=f"{ALICE_IP}, {MALLORY_IP}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {MALLORY_IP}
    assert login(client, "alice", ip=PROXY_IP, HTTP_X_FORWARDED_FOR=ALICE_IP).status_code == 302


def test_an_ipv6_guesser_stays_locked_out_across_her_network(client, settings, alice):
    settings.TRUSTED_PROXY_COUNT = 1
    fail_until_locked(client, "alice", PROXY_IP, HTTP_X_FORWARDED_FOR="2001:db8:66:1::10")
    # A fresh address from the same /64 is the same guesser ...
    response = login(client, "alice", ip=PROXY_IP,
                     HTTP_X_FORWARDED_FOR="2001:db8:66:1:abcd::99")
    assert response.status_code == 429
    # ... while Alice's own network is not locked.
    assert login(client, "alice", ip=PROXY_IP,
                 HTTP_X_FORWARDED_FOR="2001:db8:7:1::10").status_code == 302


def test_without_a_proxy_the_forwarded_header_is_ignored(client, settings, alice):
    settings.TRUSTED_PROXY_COUNT = 0
    fail_until_locked(client, "alice", MALLORY_IP, HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {MALLORY_IP}

    # A different header does not make Mallory someone else.
    response = login(client, "alice", ip=MALLORY_IP, HTTP_X_FORWARDED_FOR=ALICE_IP)
    assert response.status_code == 429


# --- Passwords and sessions -----------------------------------------------------------

def test_password_validators_refuse_weak_passwords():
    for weak in ("short", "password1234", "12345678901234"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password(PASSWORD)


def test_login_gives_the_session_a_new_key(client, bob):
    session = client.session
    session["seen"] = True
    session.save()
    before = session.session_key

    assert login(client, "bob").status_code == 302
    after = client.cookies["sessionid"].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


def at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_an_idle_session_ends_but_activity_keeps_it_alive(client, bob):
    start = timezone.now()
    assert login(client, "bob").status_code == 302
    index = reverse("admin:index")

    # 30 minutes idle ends a login; each request starts the 30 minutes again.
    for minutes in (20, 45, 70):
        with at(start + timedelta(minutes=minutes)):
            assert client.get(index).status_code == 200, minutes
    with at(start + timedelta(minutes=70 + 31)):
        response = client.get(index)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_session_ends_after_its_maximum_age_however_active(client, settings, bob, caplog):
    settings.SESSION_COOKIE_AGE = 24 * 3600  # idle expiry out of the way
    start = timezone.now()
    assert login(client, "bob").status_code == 302
    index = reverse("admin:index")

    with at(start + timedelta(hours=11, minutes=59)):
        assert client.get(index).status_code == 200
    with caplog.at_level(logging.INFO, logger="palmecentret.security"), \
            at(start + timedelta(hours=12, minutes=1)):
        response = client.get(index)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert "maximum age: username='bob'" in caplog.text
    # Logged out for real, not only refused once.
    assert not logged_in(client)


def test_a_logged_in_session_without_a_login_time_ends(client, bob):
    client.force_login(bob)
    session = client.session
    del session["palmecentret_login_time"]
    session.save()
    assert client.get(reverse("admin:index")).status_code == 302


def test_public_visitors_get_no_session(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "sessionid" not in response.cookies


# --- Security log ---------------------------------------------------------------------

def test_successes_and_failures_are_logged_without_the_password(client, bob, caplog):
    with caplog.at_level(logging.INFO, logger="palmecentret.security"):
        login(client, "bob", password="hunter2-wrong", ip=MALLORY_IP)
        login(client, "bob", ip=ALICE_IP)
    security = [r.getMessage() for r in caplog.records if r.name == "palmecentret.security"]
    assert f"login failed: username='bob' ip={MALLORY_IP} reason=password" in security
    assert f"login succeeded: username='bob' ip={ALICE_IP} two_factor=no" in security
    assert "hunter2-wrong" not in caplog.text
    assert PASSWORD not in caplog.text


def test_a_forged_username_cannot_forge_a_log_line(client, caplog):
    with caplog.at_level(logging.INFO, logger="palmecentret.security"):
        login(client, "x\nlogin succeeded: username='root'", password="nope", ip=MALLORY_IP)
    record = next(r for r in caplog.records if r.name == "palmecentret.security")
    assert "\n" not in record.getMessage()


def test_the_client_address_behind_the_proxy_is_logged(client, settings, bob, caplog):
    settings.TRUSTED_PROXY_COUNT = 1
    with caplog.at_level(logging.INFO, logger="palmecentret.security"):
        login(client, "bob", ip=PROXY_IP, HTTP_X_FORWARDED_FOR=f"192.0.2.9, {ALICE_IP}")
    assert f"ip={ALICE_IP}" in caplog.text
    assert "192.0.2.9" not in caplog.text


def start(code="", **environ):
    """Start Django in a fresh interpreter with only the given variables set."""
    env = {"DJANGO_SETTINGS_MODULE": "palmecentret.settings", "PATH": "/usr/bin:/bin",
           **environ}
    return subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + code],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_axes_does_not_announce_itself_at_every_start():
    result = start()
    assert result.returncode == 0, result.stderr
    assert "AXES: BEGIN" not in result.stderr


def test_the_deploy_time_values_come_from_the_environment():
    result = start(
        "from django.conf import settings as s\n"
        "from django.urls import reverse\n"
        "print(reverse('admin:login'), s.TRUSTED_PROXY_COUNT, s.AXES_FAILURE_LIMIT,\n"
        "      int(s.AXES_COOLOFF_TIME.total_seconds()), s.SESSION_COOKIE_AGE,\n"
        "      s.SESSION_MAX_AGE, s.OTP_REQUIRED)",
        ADMIN_URL="staff-only", TRUSTED_PROXY_COUNT="2", LOGIN_FAILURE_LIMIT="3",
        LOGIN_COOLOFF_MINUTES="60", SESSION_IDLE_MINUTES="10", SESSION_MAX_HOURS="8",
        OTP_REQUIRED="true")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["/staff-only/login/", "2", "3", "3600", "600", "28800",
                                     "True"]


def test_two_factor_is_required_in_production_unless_turned_off():
    code = "from django.conf import settings as s; print(s.OTP_REQUIRED)"
    production = {"DEBUG": "false", "SECRET_KEY": "x" * 50}
    assert start(code, **production).stdout.split() == ["True"]
    assert start(code, **production, OTP_REQUIRED="false").stdout.split() == ["False"]
    assert start(code).stdout.split() == ["False"]  # development


def test_a_negative_proxy_count_fails_loudly():
    result = start(TRUSTED_PROXY_COUNT="-1")
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT" in result.stderr


# --- The admin site -------------------------------------------------------------------

def test_the_portal_admin_site_is_the_default_site():
    # admin.site is a lazy proxy of the default site; isinstance sees through it.
    assert isinstance(admin.site, PortalAdminSite)
    assert admin.site.is_registered(User)  # django.contrib.auth's @admin.register landed here
    assert admin.site.site_header == "Palmecentret"


def test_without_otp_required_the_admin_is_a_plain_password_login(client, settings, bob):
    settings.OTP_REQUIRED = False
    response = login(client, "bob")
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
    # The enrolment page is there so staff can set up their app before it is required.
    assert client.get(reverse("admin:two-factor")).status_code == 200


def test_the_enrolment_page_needs_a_staff_login(client):
    response = client.get(reverse("admin:two-factor"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    visitor = User.objects.create_user("carol", "carol@example.org", PASSWORD)
    client.force_login(visitor)
    assert client.get(reverse("admin:two-factor")).status_code == 302


# --- Two-factor login (OTP_REQUIRED) --------------------------------------------------

def test_the_login_asks_for_the_code(client, otp_required):
    html = client.get(reverse("admin:login")).content.decode()
    assert 'name="otp_token"' in html
    assert 'autocomplete="one-time-code"' in html


def test_bob_without_a_device_is_sent_to_enrolment_and_nothing_else_opens(
        client, otp_required, bob):
    response = login(client, "bob")
    assert response.status_code == 302
    assert client.get(response["Location"]).url.startswith(reverse("admin:two-factor"))

    for url in (reverse("admin:index"), reverse("admin:auth_user_changelist"),
                reverse("admin:auth_user_change", args=[bob.pk])):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:two-factor")), url
    # The login page, too, sends him on rather than asking again.
    assert client.get(reverse("admin:login"))["Location"].startswith(
        reverse("admin:two-factor"))

    page = client.get(reverse("admin:two-factor"))
    assert page.status_code == 200
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=bob, confirmed=False)
    assert '<svg role="img" aria-label="' in html
    assert page.context["secret"].replace(" ", "") in device.config_url
    # The admin's menus stay hidden until he has confirmed a device.
    assert reverse("admin:auth_user_changelist") not in html


def test_the_qr_code_stays_the_same_until_confirmed(client, otp_required, bob):
    login(client, "bob")
    first = client.get(reverse("admin:two-factor")).context["secret"]
    assert client.get(reverse("admin:two-factor")).context["secret"] == first
    assert TOTPDevice.objects.filter(user=bob).count() == 1


def test_bob_is_refused_with_a_wrong_code_at_enrolment(client, otp_required, bob):
    login(client, "bob")
    client.get(reverse("admin:two-factor"))
    device = TOTPDevice.objects.get(user=bob)
    wrong = str((int(current_code(device)) + 1) % 10**6).zfill(6)
    response = client.post(reverse("admin:two-factor"), {"token": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(reverse("admin:index")).status_code == 302


def test_bob_confirms_a_device_and_the_admin_opens(client, otp_required, bob, caplog):
    login(client, "bob")
    client.get(reverse("admin:two-factor"))
    device = TOTPDevice.objects.get(user=bob)
    key_before = client.cookies["sessionid"].value

    with caplog.at_level(logging.INFO, logger="palmecentret.security"):
        response = client.post(reverse("admin:two-factor"), {"token": current_code(device)})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    device.refresh_from_db()
    assert device.confirmed
    assert "two-factor device confirmed: username='bob'" in caplog.text
    # The session gained a factor, so it got a new key.
    assert client.cookies["sessionid"].value != key_before

    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200


def test_enrolment_returns_to_the_page_first_asked_for(client, otp_required, bob):
    login(client, "bob")
    wanted = reverse("admin:auth_user_changelist")
    enrol = client.get(wanted)["Location"]
    page = client.get(enrol)
    device = TOTPDevice.objects.get(user=bob)
    response = client.post(enrol, {"token": current_code(device), "next": page.context["next"]})
    assert response["Location"] == wanted


def test_alice_is_refused_without_a_code(client, otp_required, alice):
    response = login(client, "alice")
    assert response.status_code == 200
    assert not logged_in(client)
    assert "otp_token" in response.content.decode()


def test_alice_is_refused_with_a_wrong_code(client, otp_required, alice, caplog):
    device = TOTPDevice.objects.get(user=alice)
    wrong = str((int(current_code(device)) + 1) % 10**6).zfill(6)
    with caplog.at_level(logging.INFO, logger="palmecentret.security"):
        response = login(client, "alice", code=wrong)
    assert response.status_code == 200
    assert not logged_in(client)
    assert "reason=authenticator-code" in caplog.text
    assert wrong not in caplog.text
    assert client.get(reverse("admin:index")).status_code == 302


def test_alice_gets_in_with_the_right_code(client, otp_required, alice, caplog):
    device = TOTPDevice.objects.get(user=alice)
    with caplog.at_level(logging.INFO, logger="palmecentret.security"):
        response = login(client, "alice", code=current_code(device)[:3] + " "
                         + current_code(device)[3:])
    assert response.status_code == 302
    assert "two_factor=yes" in caplog.text
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200


def test_guessing_codes_locks_out_like_guessing_passwords(client, otp_required, settings,
                                                           alice):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own throttle out of the way
    device = TOTPDevice.objects.get(user=alice)
    wrong = str((int(current_code(device)) + 1) % 10**6).zfill(6)
    statuses = [login(client, "alice", ip=MALLORY_IP, code=wrong).status_code
                for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert login(client, "alice", ip=MALLORY_IP,
                 code=current_code(device)).status_code == 429
    # axes keeps the request's fields; the code is masked there like the password.
    post_data = AccessAttempt.objects.get().post_data
    assert "otp_token=****" in post_data
    assert wrong not in post_data and PASSWORD not in post_data


def test_a_password_alone_cannot_add_a_device_to_alices_account(client, otp_required, alice):
    # Logged in without a code (as a session from before 2FA was required would be).
    client.force_login(alice)
    response = client.get(reverse("admin:index"))
    assert response["Location"].startswith(reverse("admin:login"))
    response = client.get(reverse("admin:two-factor"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert not TOTPDevice.objects.filter(user=alice, confirmed=False).exists()


def test_bob_stuck_at_enrolment_can_log_out(client, otp_required, bob):
    login(client, "bob")
    client.post(reverse("admin:logout"))
    assert not logged_in(client)


# --- Staff without two-factor login ---------------------------------------------------

def test_the_command_lists_staff_without_a_confirmed_device(alice, bob):
    User.objects.create_user("carol", "carol@example.org", PASSWORD)  # not staff
    make_staff("dave", is_active=False)  # left the organisation
    eve = User.objects.create_user("eve", "eve@example.org", PASSWORD, is_staff=True)
    TOTPDevice.objects.create(user=eve, name="unconfirmed", confirmed=False)

    out = StringIO()
    call_command("list_staff_without_2fa", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split("\t") == ["bob", "bob@example.org", "never"]
    assert lines[1].startswith("eve\teve@example.org\t")
    assert len(lines) == 3
    assert "2 active staff user(s) without two-factor login." in lines[2]


def test_the_command_says_when_everyone_has_a_device(alice):
    out = StringIO()
    call_command("list_staff_without_2fa", stdout=out)
    assert "Every active staff user has two-factor login set up." in out.getvalue()
