"""The Content-Security-Policy and Permissions-Policy in Chromium: every public page type and
the staff's main admin pages work under them without a single refused script, style or
image, and the browser really enforces the policy the portal sends."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from tests.admin_personas import root

# Recorded in the page before any of its own scripts run: every violation the browser
# reports, whether or not a console message accompanies it.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"}` +
    ` (${event.sourceFile || "?"}:${event.lineNumber})`);
});
"""

PUBLIC_PAGES = [
    "/", "/en/", "/regioner/", "/regioner/mellanostern-och-nordafrika/",
    "/lander/palestina/", "/projekt/?region=balkan&sort=title", "/en/projects/",
    "/medlemmar/", "/medlemmar/lo/", "/natverk/folkkraft/", "/seminarier/",
    "/nyhetsbrev/", "/en/newsletter/", "/stod-oss/", "/sok/?q=r%C3%A4ttigheter",
    "/om-oss/", "/oppna-data/", "/finns-inte/",
]


@pytest.fixture(autouse=True)
def demo_content(transactional_db):
    call_command("load_demo", allow_production=True, stdout=io.StringIO())


# Features in the portal's Permissions-Policy that Chrome knows on some platforms only
# (Web Share on Android, Windows and ChromeOS; Web Bluetooth where the platform has it):
# Debian's Chromium says it does not know them, which is harmless. Any other "unrecognized
# feature" would be a mistake in the policy.
PLATFORM_ONLY_FEATURES = {"bluetooth", "web-share"}


def harmless(text):
    feature = re.search(r"Unrecognized feature: '([^']+)'", text)
    return feature is not None and feature.group(1) in PLATFORM_ONLY_FEATURES


@pytest.fixture
def watched(page):
    """The page, recording CSP violations (window.__cspViolations) and the console's
    complaints about either policy header."""
    page.add_init_script(RECORD_VIOLATIONS)
    page.complaints = []

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or "Permissions-Policy" in text \
                or text.startswith("Refused to"):
            if not harmless(text):
                page.complaints.append(f"{page.url}: {text}")

    page.on("console", on_console)
    return page


def visit(page, path, status=200):
    response = page.goto(path)
    assert response is not None and response.status == status, (
        f"GET {path} answered {response and response.status}")
    page.wait_for_load_state("networkidle")
    policy = response.header_value("content-security-policy") or ""
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, (
        f"{path} has no strict policy: {policy!r}")
    assert response.header_value("permissions-policy"), f"{path} has no Permissions-Policy"
    return policy


def violations(page):
    return page.evaluate("() => window.__cspViolations")


def public_pages():
    from newsletter.models import Seminar
    from projects.models import Programme, Project

    objects = [Programme.objects.public().order_by("slug").first(),
               Project.objects.public().order_by("slug").first(),
               Seminar.objects.upcoming().first()]
    return PUBLIC_PAGES + [obj.get_absolute_url() for obj in objects if obj is not None]


def test_every_public_page_type_runs_under_the_policy_without_a_violation(watched):
    found = {}
    for path in public_pages():
        policy = visit(watched, path, status=404 if path == "/finns-inte/" else 200)
        assert "'unsafe-inline'" not in policy, f"{path}: {policy}"
        if violations(watched):
            found[path] = violations(watched)
    assert not found, f"refused by the Content-Security-Policy: {found}"
    assert not watched.complaints, watched.complaints


def test_the_scripts_still_work_under_the_policy(watched):
    """site.js is the portal's own file, so the policy lets it run: the print button it
    reveals is visible, and "copy link" copies (clipboard-write is allowed to the site)."""
    from projects.models import Project

    project = Project.objects.public().order_by("slug").first()
    watched.context.grant_permissions(["clipboard-read", "clipboard-write"])
    visit(watched, project.get_absolute_url())
    assert watched.locator("[data-print]").is_visible()

    watched.locator("[data-copy-link]").click()
    expect(watched.locator("[data-copy-link]")).to_have_text("Länken är kopierad")
    # Read back by pasting into the search box as a person would: the page itself may not
    # read the clipboard (clipboard-read is refused by the Permissions-Policy).
    box = watched.locator("input[name=q]").first
    box.click()
    box.press("ControlOrMeta+V")
    assert box.input_value().endswith(project.get_absolute_url())
    assert watched.evaluate(
        "() => navigator.clipboard.readText().then(() => 'read', e => e.name)"
    ) == "NotAllowedError"
    assert not violations(watched)


def test_the_browser_refuses_what_the_policy_forbids(watched):
    """The recorder above sees real refusals: injected inline script, an inline style and
    an image from another site are all blocked on a public page."""
    visit(watched, "/")
    watched.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.__injected = true";
        document.body.append(script);
        document.body.insertAdjacentHTML("beforeend",
            '<p id="styled" style="color: rgb(1, 2, 3)">x</p>' +
            '<img src="https://example.org/x.png" alt="">');
    }""")
    watched.wait_for_function("() => window.__cspViolations.length >= 3")
    directives = {v.split(" ")[0] for v in violations(watched)}
    assert {"script-src-elem", "style-src-attr", "img-src"} <= directives, violations(watched)
    assert watched.evaluate("() => window.__injected") is None
    assert watched.evaluate(
        "() => getComputedStyle(document.getElementById('styled')).color") != "rgb(1, 2, 3)"
    # Framing is refused too (frame-ancestors 'none' and X-Frame-Options DENY).
    frame_html = f'<iframe src="{watched.url}"></iframe>'
    watched.evaluate("html => document.body.insertAdjacentHTML('beforeend', html)", frame_html)
    watched.wait_for_timeout(500)
    assert watched.evaluate(
        "() => { try { return document.querySelector('iframe').contentDocument.body"
        ".innerText; } catch (e) { return 'blocked'; } }") in ("", "blocked")


def test_the_admin_works_under_the_policy_without_a_violation(watched):
    """Login, the dashboard, a list, change forms with their widgets (autocomplete, date
    shortcuts, inlines), import and export, the mailing preview (the mail's own inline
    styles in a srcdoc frame, which inherits the policy): inline styles are allowed in the
    admin, scripts never."""
    from projects.models import Project
    from tests.factories import MailingFactory

    root()  # superuser, password "pw-root"
    mailing = MailingFactory()
    policy = visit(watched, "/admin/login/")
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "'unsafe-inline'" not in re.search(r"script-src[^;]*", policy).group(0)
    watched.fill("#id_username", "root")
    watched.fill("#id_password", "pw-root")
    watched.click("input[type=submit]")
    watched.wait_for_url("**/admin/")
    watched.wait_for_load_state("networkidle")

    project = Project.objects.order_by("slug").first()
    pages = [
        reverse("admin:projects_project_changelist") + "?q=a",
        reverse("admin:projects_project_change", args=[project.pk]),
        reverse("admin:projects_project_add"),
        reverse("admin:projects_project_import"),
        reverse("admin:projects_project_export"),
        reverse("admin:newsletter_mailing_change", args=[mailing.pk]),
        reverse("admin:newsletter_mailing_preview", args=[mailing.pk]),
        reverse("admin:newsletter_seminar_add"),
        reverse("admin:two-factor"),
    ]
    found = {"/admin/": violations(watched)} if violations(watched) else {}
    for path in pages:
        visit(watched, path)
        if "change" in path or "add" in path:
            # Open an autocomplete and the date shortcuts, which build their HTML in script.
            select2 = watched.locator(".select2-selection").first
            if select2.count():
                select2.click()
                watched.keyboard.press("Escape")
            shortcut = watched.locator(".datetimeshortcuts a").first
            if shortcut.count():
                shortcut.click()
        if path.endswith("/export/"):
            # "Select all" works without its inline handler (templates/admin/import_export).
            watched.locator(".select-toggle").uncheck()
            fields = watched.locator('.selectable-field-export-row input[type="checkbox"]')
            assert fields.count() > 1
            assert not any(fields.nth(i).is_checked() for i in range(fields.count()))
        if violations(watched):
            found[path] = violations(watched)
    assert not found, f"refused by the Content-Security-Policy in the admin: {found}"
    assert not watched.complaints, watched.complaints

    # The admin's exception is for styles only: an injected script is refused there too.
    watched.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.__injected = true";
        document.body.append(script);
    }""")
    watched.wait_for_function("() => window.__cspViolations.length >= 1")
    assert watched.evaluate("() => window.__injected") is None
