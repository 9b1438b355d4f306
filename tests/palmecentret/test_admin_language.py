"""The admin speaks the staff member's language: Swedish at /admin/, English at /en/admin/,
on every screen a superuser opens (the index, each model's list, add and change forms,
history, the spreadsheet import with its preview, errors and result, the export), with
none of the other language's texts: not the libraries' (login lockout, authenticators,
task queue, import-export), not the spreadsheet's column names, not history entries."""

import io
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django_otp.plugins.otp_totp.models import TOTPDevice
from lxml import html as lxml_html

from django_tasks_db.models import DBTaskResult
from projects.models import AnnualReport, Indicator, Project, Result
from tests.admin_forms import submit
from tests.admin_personas import root
from tests.factories import (
    ConsentRecordFactory,
    DeliveryFactory,
    RegistrationFactory,
    SubscriberFactory,
    SubscriptionFactory,
)

pytestmark = pytest.mark.django_db

# Attributes whose words staff read (a button's value, a tooltip, a field's hint).
READ_ATTRIBUTES = ("value", "title", "placeholder", "alt", "aria-label")


def visible_text(response):
    """The words a staff member reads on the page: its text outside scripts and styles,
    its title, and the attributes a browser shows (button labels, tooltips), one line
    each."""
    page = lxml_html.fromstring(response.content.decode())
    for element in page.xpath("//script | //style | //noscript | //template"):
        element.drop_tree()
    lines = [text.strip() for text in page.xpath("//text()") if text.strip()]
    for element in page.xpath("//*[@value or @title or @placeholder or @alt or @aria-label]"):
        kind = (element.get("type") or "").lower()
        for name in READ_ATTRIBUTES:
            value = (element.get(name) or "").strip()
            if name == "value" and not (element.tag == "input" and kind in ("submit", "button")):
                continue
            if value:
                lines.append(value)
    return "\n".join(lines)


def lines_with(text, phrases):
    """The lines of `text` in which one of `phrases` stands as words of its own (so that
    "Export" is not found in "Exportera", nor "Ready" in "Already")."""
    found = []
    for line in text.splitlines():
        for phrase in phrases:
            if re.search(rf"(?<![\w\[]){re.escape(phrase)}(?![\w\]])", line):
                found.append(f"{phrase!r} in {line!r}")
    return found


# What the Swedish admin showed in English (issue 26), and its neighbours on the same
# screens: the libraries' sections, models, columns, filters and forms, the import and
# export pages, the spreadsheet's columns, and history entries naming translated fields.
ENGLISH = [
    # django-axes, the login lockout
    "Axes", "Access attempts", "Access attempt", "Access failures", "Access failure",
    "Access logs", "Access log", "Attempt Time", "Logout Time", "User Agent", "IP Address",
    "Path", "Locked Out", "Access lock out", "Meta Data", "Form Data", "Failed Logins",
    # django-otp, the authenticators
    "Otp_Totp", "TOTP devices", "TOTP device", "Identity", "Timestamps", "Configuration",
    "Throttling", "Search by user's", "The user that this device belongs to.",
    "The human-readable name of this device.", "Is this device ready for use?",
    "created at", "last used at", "confirmed",
    "A timestamp of the last failed verification attempt.",
    # django-tasks, the task queue
    "Tasks Database Backend", "Task Results", "Task Result", "Ready", "Running",
    "Successful", "queue name", "priority", "enqueued at", "Task name", "run after",
    # Django's own, untranslated: the search box's magnifier
    "Search",
    # django-import-export
    "This importer will import the following fields:",
    "This exporter will export the following fields:", "Select all", "Submit",
    "File to import", "Format", "Confirm import",
    "Below is a preview of data to be imported",
    "Some rows failed to validate", "Please correct these errors", "Value could not be parsed.",
    "Import finished", "through import_export", "Line number", "Non field specific",
    "Skipped", "Update",
    # the spreadsheet's columns as import-export titles them, and as they are named in code
    "Iati Identifier", "Budget Sek", "Title Sv", "Summary Sv", "Start Date", "People Reached",
    "Confirmed At", "Address Confirmed At", "Sent At",
    "iati_identifier", "budget_sek", "title_sv", "start_date", "people_reached",
    # history entries naming a translated field by its English label
    "Summary [sv]", "Title [sv]", "Changed", "Added", "Unpublished", "Restored",
    # permissions in the user and group forms (stored in English by Django)
    "Can add", "Can change", "Can delete", "Can view",
]

# What the English admin must not show: Swedish from the project's catalogue, Django's
# Swedish admin, history entries written by a Swedish-speaking colleague, and the
# Swedish column names of the spreadsheet.
SWEDISH = [
    "Ändrade", "Lade till", "Spara", "Sök", "Historik", "Ändringshistorik", "Importera",
    "Exportera", "Markera alla", "Skicka", "Förhandsvisning", "Rad", "Fel",
    "Överhoppad", "Uppdatera", "Bekräfta importen", "Importen är klar", "Inget importerades",
    "Sammanfattning", "Titel", "Budget (kr)", "IATI-aktivitetsidentitet", "Inloggningsspärr",
    "Inloggningsförsök", "Autentiseringsappar", "Uppgiftskö", "Uppgifter",
    "Publicerad", "Avpublicerad", "Kan lägga till", "Kan visa",
]

EXPECTED = {
    # A few words each admin must show, so that an empty or broken page cannot pass.
    "sv": {"index": ["Inloggningsspärr", "Autentiseringsappar", "Uppgiftskö"],
           "import": ["Fil att importera", "Skicka"],
           "export": ["Markera alla", "Budget (kr)", "IATI-aktivitetsidentitet"],
           "history": ["Ändrade Sammanfattning [sv]", "Avpublicerad", "Publicerad"]},
    "en": {"index": ["Login lockout", "Authenticator apps", "Task queue"],
           "import": ["File to import", "Submit"],
           "export": ["Select all", "Budget (SEK)", "IATI activity identifier"],
           "history": ["Changed Summary [sv]", "Unpublished", "Published"]},
}

# The other language's texts, by the admin's language.
FOREIGN = {"sv": ENGLISH, "en": SWEDISH}


def url(language, name, *args):
    """The admin address in `language`: /admin/... in Swedish, /en/admin/... in English."""
    with translation.override(language):
        return reverse(name, args=args)


@pytest.fixture
def content(settings, tmp_path):
    """The demo content, plus a row for each list the demo leaves empty (the login
    lockout's, the authenticators', the task queue's, the newsletter's)."""
    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG = True  # load_demo refuses what looks like production
    call_command("load_demo", stdout=io.StringIO())
    request = {"ip_address": "192.0.2.1", "user_agent": "Firefox", "http_accept": "text/html",
               "path_info": "/admin/login/"}
    AccessAttempt.objects.create(username="someone", get_data="", post_data="",
                                 failures_since_start=3, **request)
    AccessFailureLog.objects.create(username="someone", locked_out=True, **request)
    AccessLog.objects.create(username="root", **request)
    user = root()
    TOTPDevice.objects.create(user=user, name="Telefon", confirmed=True)
    DBTaskResult.objects.create(args_kwargs={"args": [], "kwargs": {}}, backend_name="default",
                                task_path="newsletter.tasks.send_mailing",
                                run_after=timezone.now())
    subscriber = SubscriberFactory()
    SubscriptionFactory(subscriber=subscriber)
    ConsentRecordFactory(subscriber=subscriber)
    RegistrationFactory()
    DeliveryFactory(subscriber=subscriber)
    # A project's results and the annual reports, if the demo has none.
    if not Indicator.objects.exists():
        result = Result.objects.create(project=Project.objects.order_by("pk").first(),
                                       title_sv="Fler kvinnor leder fackklubbar",
                                       title_en="More women lead union branches")
        Indicator.objects.create(result=result, title_sv="Kvinnliga ordförande",
                                 title_en="Women chairs")
    if not AnnualReport.objects.exists():
        AnnualReport.objects.create(year=2025, url_sv="https://palmecentret.example/ar.pdf")
    return user


def admin_pages(language):
    """Every screen of the admin a superuser opens without submitting anything: the
    index, and for each registered model its list, its add form, and the change form,
    history and delete page of its first object."""
    yield url(language, "admin:index")
    for model in apps.get_models():
        if not admin.site.is_registered(model):
            continue
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        yield url(language, f"{name}_changelist")
        yield url(language, f"{name}_add")
        for extra in ("import", "export"):
            try:
                yield url(language, f"{name}_{extra}")
            except NoReverseMatch:
                pass
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"no {model.__name__} to open"
        for view in ("change", "history", "delete"):
            yield url(language, f"{name}_{view}", obj.pk)


def assert_speaks(response, language, where):
    """The page speaks `language`: none of the other language's texts is on it."""
    foreign = lines_with(visible_text(response), FOREIGN[language])
    assert not foreign, f"{where}:\n" + "\n".join(foreign)


def assert_shows(response, words):
    text = visible_text(response)
    for word in words:
        assert word in text, (word, text[:3000])


def upload(client, url, content, name="projekt.csv"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(url, {"resource": "0", "format": "0", "import_file": file})


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_admin_screen_speaks_the_staff_members_language(client, content, language):
    client.force_login(content)
    seen = 0
    for page in admin_pages(language):
        response = client.get(page)
        assert response.status_code in (200, 403), (page, response.status_code)
        if response.status_code == 200:
            assert_speaks(response, language, page)
            seen += 1
    assert seen > 60
    index = client.get(url(language, "admin:index"))
    assert_shows(index, EXPECTED[language]["index"])
    assert_shows(client.get(url(language, "admin:projects_project_import")),
                 EXPECTED[language]["import"])
    assert_shows(client.get(url(language, "admin:projects_project_export")),
                 EXPECTED[language]["export"])


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_import_and_its_messages_speak_the_staff_members_language(client, content,
                                                                      language):
    client.force_login(content)
    page = url(language, "admin:projects_project_import")
    # A file with errors: the preview lists the failing rows and why.
    bad = ("iati_identifier,slug,title_sv,countries,start_date,budget_sek\n"
           "SE-0-1,ett,Ett,XX,2025-13-01,mycket\n")
    preview = upload(client, page, bad.encode())
    assert preview.context["result"].has_validation_errors()
    assert_speaks(preview, language, "the preview with errors")
    # The example file the page offers, as it is: a clean preview, then the result.
    example = client.get(url(language, "admin:projects_project_import_example"))
    preview = upload(client, page, b"".join(example.streaming_content))
    assert not preview.context["result"].has_validation_errors()
    assert_speaks(preview, language, "the clean preview")
    done = client.post(url(language, "admin:projects_project_process_import"),
                       preview.context["confirm_form"].initial, follow=True)
    assert [str(m) for m in done.context["messages"]]
    assert_speaks(done, language, "the list after the import")


@pytest.mark.parametrize("language", ["sv", "en"])
def test_history_names_the_changed_fields_in_the_readers_language(client, content,
                                                                  language):
    client.force_login(content)
    project = Project.objects.order_by("pk").first()
    Project.objects.filter(pk=project.pk).update(published=True)
    # A colleague edits in the Swedish admin; anyone reads the history in their own.
    change = url("sv", "admin:projects_project_change", project.pk)
    response = submit(client, client.get(change), summary_sv="En ny sammanfattning.")
    assert response.status_code == 302
    client.get(response.url)  # and reads the message saying it was saved
    # and takes it off the site and back (a bulk action: an entry of our own).
    changelist = url("sv", "admin:projects_project_changelist")
    for action in ("unpublish", "publish"):
        client.post(changelist, {"action": action, "_selected_action": [project.pk]},
                    follow=True)
    history = client.get(url(language, "admin:projects_project_history", project.pk))
    assert_speaks(history, language, "the history")
    assert_shows(history, EXPECTED[language]["history"])


def test_saving_in_the_english_admin_leaves_an_unwritten_english_text_empty(client, content):
    # The text cleaning on save read a translated field by its own name ("body"), which
    # in English gives the Swedish text as a fallback, and wrote it back to body_en.
    client.force_login(content)
    project = Project.objects.exclude(body_sv="").order_by("pk").first()
    Project.objects.filter(pk=project.pk).update(body_en=None, summary_en=None)
    change = url("en", "admin:projects_project_change", project.pk)
    with translation.override("en"):
        response = submit(client, client.get(change), people_reached="1234")
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.people_reached == 1234
    assert project.body_sv and project.body_en in (None, "")
    assert project.summary_en in (None, "")


@pytest.mark.parametrize(("language", "expected"), [
    ("sv", "Ändrade Påminnelse skickad."), ("en", "Changed Reminder sent.")])
def test_djangos_own_history_names_the_changed_fields_in_the_readers_language(
        client, content, language, expected):
    # The lists without version history (registrations) show Django's log entries, whose
    # field labels Django stores in English ("Reminder sent") and gettext() does not
    # find (the msgid is "reminder sent").
    client.force_login(content)
    registration = RegistrationFactory()
    change = url("sv", "admin:newsletter_registration_change", registration.pk)
    response = submit(client, client.get(change), reminded_at_0="2026-01-05",
                      reminded_at_1="10:00:00")
    assert response.status_code == 302, response.content.decode()[:2000]
    client.get(response.url)
    history = client.get(url(language, "admin:newsletter_registration_history",
                             registration.pk))
    assert_speaks(history, language, "the history")
    assert_shows(history, [expected])
