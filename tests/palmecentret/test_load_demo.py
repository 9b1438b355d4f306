"""Tests of manage.py load_demo: the facts it loads, idempotency, bulk generation, misuse."""

import datetime
import io
import re

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone, translation

from common.search_documents import matching_words
from members.models import MemberOrganisation, Network
from newsletter.models import MailingList, Seminar, Subscriber, Subscription
from palmecentret.management.commands import load_demo as load_demo_module
from projects.models import (
    Country,
    Funder,
    Partner,
    Programme,
    Project,
    Region,
    Theme,
    iati_identifier_validator,
)
from stories.models import Story
from stories.safety import mentions_in_story

pytestmark = pytest.mark.django_db

FOLKKRAFT = {"lo", "abf", "hyresgastforeningen", "folkets-hus-och-parker", "verdandi",
             "unga-ornar", "pro"}
LO_UNIONS = {"if-metall", "kommunal", "handels", "byggnads", "seko"}


@pytest.fixture(autouse=True)
def _development(settings):
    # pytest-django runs with DEBUG off, which the command takes for production.
    settings.DEBUG = True


def load_demo(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def row_counts():
    """Rows of every model of the three apps, many-to-many tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for label in ("members", "projects", "newsletter", "stories")
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    }


def empty_original_column(model, column):
    """Rows whose non-suffixed column (kept by modeltranslation, NOT NULL) is empty.
    Raw SQL because modeltranslation rewrites `title` to `title_sv` in the ORM."""
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} IS NULL OR {column} = ''")
        return cursor.fetchone()[0]


class TestFacts:
    @pytest.fixture(autouse=True)
    def _loaded(self):
        load_demo()

    def test_regions_in_their_order_with_focus(self):
        assert list(Region.objects.values_list("slug", flat=True)) == [
            "asien", "balkan", "mellanostern-och-nordafrika", "sodra-afrika"]
        assert all(region.focus_sv and region.focus_en for region in Region.objects.all())

    def test_countries_have_iso_codes_ascii_slugs_and_regions(self):
        codes = dict(Country.objects.values_list("iso_code", "slug"))
        assert codes == {
            "MM": "burma", "PH": "filippinerna", "RS": "serbien", "AL": "albanien",
            "XK": "kosovo", "PS": "palestina", "SY": "syrien", "TR": "turkiet",
            "TN": "tunisien", "EH": "vastsahara", "ZA": "sydafrika", "NA": "namibia",
            "ZW": "zimbabwe",
        }
        assert Country.objects.get(iso_code="PS").region.slug == "mellanostern-och-nordafrika"
        assert "transparens" in Country.objects.get(iso_code="RS").focus_sv

    def test_themes_have_dac_purpose_codes(self):
        codes = dict(Theme.objects.values_list("slug", "dac_purpose_code"))
        assert len(codes) == 7
        assert codes["manskliga-rattigheter"] == "15160"
        assert codes["jamstalldhet"] == "15170"
        assert all(re.fullmatch(r"[0-9]{5}", code) for code in codes.values())

    def test_sida_and_the_solidarity_fund_are_funders(self):
        assert Funder.objects.get(iati_identifier="SE-0").short_name == "Sida"
        assert Funder.objects.filter(name_sv__icontains="solidaritetsfond").exists()

    def test_founders_are_kf_lo_and_socialdemokraterna_since_1992(self):
        founders = MemberOrganisation.objects.filter(is_founder=True)
        assert set(founders.values_list("slug", flat=True)) == {"kf", "lo", "socialdemokraterna"}
        assert set(founders.values_list("member_since", flat=True)) == {1992}

    def test_lo_unions_have_lo_as_parent(self):
        lo = MemberOrganisation.objects.get(slug="lo")
        assert lo.kind == MemberOrganisation.Kind.CONFEDERATION
        assert set(lo.children.values_list("slug", flat=True)) == LO_UNIONS
        assert set(lo.children.values_list("kind", flat=True)) == {"trade_union"}

    def test_members_are_published_with_the_right_kind(self):
        kinds = dict(MemberOrganisation.objects.values_list("slug", "kind"))
        assert kinds["kf"] == "cooperative"
        assert kinds["socialdemokraterna"] == "party"
        assert kinds["abf"] == "study_association"
        assert kinds["unga-ornar"] == "youth"
        assert kinds["hyresgastforeningen"] == "tenants"
        assert kinds["pro"] == "pensioners"
        assert not MemberOrganisation.objects.filter(published=False).exists()

    def test_folkkraft_has_exactly_its_seven_organisations(self):
        folkkraft = Network.objects.get(slug="folkkraft")
        assert set(folkkraft.members.values_list("slug", flat=True)) == FOLKKRAFT
        assert folkkraft.scope in ("national", "local")
        assert "LO-distriktet i Västsverige" in folkkraft.description_sv
        assert "ESF" in folkkraft.description_sv and "2023" in folkkraft.description_sv
        assert "ESF" in folkkraft.description_en

    def test_networks_have_their_scope(self):
        scopes = dict(Network.objects.values_list("slug", "scope"))
        for slug in ("efds", "enop", "feps", "concord", "solidar"):
            assert scopes[slug] == "european"
        for slug in ("globalportalen", "osse-natverket", "natverket-for-karnvapennedrustning",
                     "partianknutna-organisationer"):
            assert scopes[slug] == "national"
        assert not Network.objects.filter(published=False).exists()

    def test_both_mailing_lists_exist_and_are_offered(self):
        lists = MailingList.objects.filter(slug__in=["nyhetsbrev", "seminarier"], is_public=True)
        assert lists.count() == 2

    def test_programmes_are_sida_funded_from_2016_with_demo_identifiers(self):
        programmes = Programme.objects.all()
        assert {p.region.slug for p in programmes} == set(Region.objects.values_list("slug",
                                                                                     flat=True))
        assert {p.funding_framework for p in programmes} == {"sida_cso", "sida_pao"}
        for programme in programmes:
            assert programme.funder.iati_identifier == "SE-0"
            assert programme.start_date.year == 2016
            assert "DEMO" in programme.funder_contribution_identifier
            assert programme.countries.exists()
        assert Programme.objects.filter(slug="palestinaprogrammet").exists()

    def test_partners_are_obviously_fictional(self):
        assert Partner.objects.count() >= Country.objects.count()
        assert all(name.startswith("Demo-")
                   for name in Partner.objects.values_list("name", flat=True))

    def test_demo_projects_are_marked_and_fully_linked(self):
        projects = Project.objects.all()
        assert projects.count() >= 8
        for region in Region.objects.all():
            assert 2 <= Project.objects.in_region(region).count() <= 4
        for project in projects:
            # Marked by the flag (a badge on the pages), not by a sentence.
            assert project.is_demo
            assert "demoinnehåll" not in project.summary_sv
            assert "demo content" not in project.summary_en
            assert project.iati_identifier.startswith("SE-ON-DEMO-")
            iati_identifier_validator(project.iati_identifier)
            assert project.countries.exists() and project.themes.exists()
            assert project.member_organisations.exists()
            assert project.budget_sek % 100_000 == 0
        assert len(set(projects.values_list("status", flat=True))) == 3

    def test_each_visibility_exists_and_hidden_partners_exist_to_hide(self):
        assert set(Project.objects.values_list("visibility", flat=True)) == {
            "public", "hide_partners", "internal"}
        for project in Project.objects.filter(visibility="hide_partners"):
            assert project.partners.exists()

    def test_at_least_one_draft(self):
        assert Project.objects.filter(published=False).exists()
        # Published ones got their first-published time through save().
        assert not Project.objects.filter(published=True, published_at=None).exists()

    def test_an_upcoming_seminar_in_stockholm_and_a_past_one(self):
        upcoming = Seminar.objects.upcoming().get()
        assert upcoming.starts_at > timezone.now() + datetime.timedelta(weeks=1)
        assert "Stockholm" in upcoming.place_sv
        assert upcoming.capacity
        assert timezone.now() < upcoming.registration_deadline < upcoming.starts_at
        assert Seminar.objects.past().exists()

    def test_demo_seminars_wear_the_badge_not_a_sentence(self, client):
        for seminar in Seminar.objects.all():
            assert seminar.is_demo
            assert "demoinnehåll" not in seminar.description_sv
            assert "demo content" not in seminar.description_en
        page = client.get(Seminar.objects.upcoming().get().get_absolute_url())
        assert 'class="badge demo-badge"' in page.content.decode()

    def test_english_fields_are_filled(self):
        checks = [
            (Region, ["name", "focus"]), (Country, ["name"]), (Theme, ["name", "description"]),
            (Funder, ["name"]), (MemberOrganisation, ["name", "description"]),
            (Network, ["name", "description"]), (MailingList, ["name", "description"]),
            (Programme, ["name", "summary", "body"]), (Project, ["title", "summary", "body"]),
            (Seminar, ["title", "description", "place"]),
        ]
        for model, fields in checks:
            for obj in model.objects.all():
                for name in fields:
                    assert getattr(obj, f"{name}_sv"), (obj, name)
                    assert getattr(obj, f"{name}_en"), (obj, name)

    def test_a_handful_of_demo_stories_linked_to_the_demo_projects(self):
        stories = list(Story.objects.public().newest_first())
        assert 5 <= len(stories) <= 6
        assert all(story.is_demo for story in stories)
        for story in stories:
            assert story.projects.filter(is_demo=True).exists(), story
            assert story.countries.exists() and story.themes.exists(), story
            assert story.member_organisations.exists(), story
            assert story.lead_sv and story.body_sv, story
        # Spread over recent weeks, the newest within a week of the run.
        today = timezone.localdate()
        days = [(today - story.published_on).days for story in stories]
        assert days[0] <= 7 and days[-1] >= 28 and len(set(days)) == len(days)
        # One left in Swedish only, to show the English pages' fallback; the others both.
        assert sum(1 for story in stories if not story.title_en) == 1
        assert sum(1 for story in stories if story.title_en and story.lead_en
                   and story.body_en) == len(stories) - 1
        # One shows what Markdown gives: a list and a link.
        assert any("\n- " in story.body_sv and "](https://" in story.body_sv
                   for story in stories)

    def test_no_demo_story_names_a_hidden_partner_or_its_place(self):
        linked_to_hiding = Story.objects.filter(
            projects__visibility=Project.Visibility.HIDE_PARTNERS)
        assert linked_to_hiding.exists()  # the rule is shown, not just avoided
        for story in Story.objects.all():
            assert mentions_in_story(story) == [], story

    def test_every_object_passes_model_validation(self):
        for model in (Region, Country, Theme, Funder, MemberOrganisation, Network, MailingList,
                      Programme, Partner, Project, Seminar, Story):
            for obj in model.objects.all():
                obj.full_clean()


def test_running_twice_keeps_every_count():
    load_demo("--projects", "5", "--subscribers", "5")
    first = row_counts()
    load_demo("--projects", "5", "--subscribers", "5")
    assert row_counts() == first
    assert first["projects.Project"] > 5


def test_the_original_columns_are_filled_in_swedish():
    # Even when called from an English context: the columns follow the active language.
    with translation.override("en"):
        load_demo("--projects", "20")
    for model, column in [(Project, "title"), (Project, "summary"), (Region, "name"),
                          (MemberOrganisation, "name"), (Seminar, "title")]:
        assert empty_original_column(model, column) == 0, (model, column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT title FROM {Project._meta.db_table} WHERE slug = %s",
                       ["exempelprojekt-7"])
        assert cursor.fetchone() == ("Exempelprojekt 7",)
        cursor.execute(f"SELECT name FROM {Region._meta.db_table} WHERE slug = %s", ["asien"])
        assert cursor.fetchone() == ("Asien",)


def test_generated_projects_are_created_once():
    output = load_demo("--projects", "50")
    generated = Project.objects.filter(slug__startswith="exempelprojekt-")
    assert generated.count() == 50
    assert "Generated projects: 50/50" in output
    for project in generated.prefetch_related("countries"):
        assert project.countries.all(), project
        iati_identifier_validator(project.iati_identifier)
        assert project.is_demo and project.summary_sv.startswith("Ett genererat projekt")
    project = Project.objects.get(slug="exempelprojekt-17")
    assert (project.title_sv, project.title_en) == ("Exempelprojekt 17", "Example project 17")
    assert project.iati_identifier == "SE-ON-DEMO-GEN-17"
    assert not generated.filter(published=True, published_at=None).exists()
    assert not generated.filter(published=False).exclude(published_at=None).exists()

    load_demo("--projects", "50")
    assert generated.count() == 50
    load_demo("--projects", "60")
    assert generated.count() == 60


def test_generated_projects_are_found_by_the_search():
    # bulk_create skips the save() that writes a project's search documents.
    load_demo("--projects", "30")
    generated = Project.objects.public().filter(slug__startswith="exempelprojekt-")
    assert generated.exists()
    for language, word in (("sv", "Exempelprojekt"), ("en", "example")):
        with translation.override(language):
            found = matching_words(Project.objects.public(), word)
        assert set(generated) <= set(found), language


def test_generated_projects_are_spread_and_the_same_every_time():
    load_demo("--projects", "200")
    generated = Project.objects.filter(slug__startswith="exempelprojekt-")
    assert generated.filter(programme__isnull=False).exists()
    assert generated.values("countries").distinct().count() > 5
    assert generated.values("themes").distinct().count() > 3
    assert generated.values("member_organisations").distinct().count() > 3
    assert generated.values("status").distinct().count() == 3

    def snapshot():
        return {
            p.slug: (p.status, p.start_date, p.end_date, p.budget_sek, p.visibility,
                     p.published, p.programme_id,
                     sorted(c.iso_code for c in p.countries.all()),
                     sorted(t.slug for t in p.themes.all()))
            for p in generated.prefetch_related("countries", "themes")
        }

    before = snapshot()
    generated.delete()
    load_demo("--projects", "200")
    assert snapshot() == before


def test_subscribers_are_confirmed_with_an_active_newsletter_subscription():
    load_demo("--subscribers", "30")
    subscribers = Subscriber.objects.filter(email__startswith="demo-subscriber-")
    assert subscribers.count() == 30
    assert subscribers.filter(email="demo-subscriber-17@example.org").exists()
    assert not subscribers.filter(confirmed_at=None).exists()
    active = Subscription.objects.filter(mailing_list__slug="nyhetsbrev", status="active",
                                         subscriber__in=subscribers)
    assert active.count() == 30

    load_demo("--subscribers", "30")
    assert subscribers.count() == 30
    assert active.count() == 30
    assert Subscription.objects.filter(mailing_list__slug="nyhetsbrev").count() == 30


def test_subscribers_unsubscribed_meanwhile_are_active_again():
    load_demo("--subscribers", "3")
    subscriber = Subscriber.objects.get(email="demo-subscriber-2@example.org")
    subscriber.subscriptions.update(status="unsubscribed", unsubscribed_at=timezone.now())
    Subscriber.objects.filter(pk=subscriber.pk).update(confirmed_at=None,
                                                       unsubscribed_at=timezone.now())
    load_demo("--subscribers", "3")
    assert set(subscriber.subscriptions.values_list("status", flat=True)) == {"active"}
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None
    assert subscriber.unsubscribed_at is None


@pytest.mark.parametrize("option", ["--projects", "--subscribers"])
def test_a_negative_number_is_refused(option):
    with pytest.raises(CommandError, match="0 or more"):
        load_demo(option, "-1")
    assert not Region.objects.exists()


def test_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--allow-production"):
        load_demo()
    assert not Project.objects.exists()
    load_demo("--allow-production")
    assert Project.objects.exists()


def test_a_failure_leaves_nothing_behind(monkeypatch):
    def fail(self):
        raise RuntimeError("seminars broke")

    monkeypatch.setattr(load_demo_module.Command, "_load_seminars", fail)
    with pytest.raises(RuntimeError):
        load_demo()
    assert not Region.objects.exists()
    assert not MemberOrganisation.objects.exists()


def test_progress_rewrites_one_line_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    out = Terminal()
    call_command("load_demo", "--projects", "1500", stdout=out)
    assert "\rGenerated projects: 1000/1500\rGenerated projects: 1500/1500\n" in out.getvalue()


@pytest.mark.postgres
def test_a_bulk_load_leaves_fresh_planner_statistics():
    """Without ANALYZE the planner takes the freshly filled tables for empty (reltuples
    -1) until autovacuum runs, and picks plans that made the subscriber export crawl at
    100,000 subscribers."""
    def estimated_rows(model):
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                           [model._meta.db_table])
            return cursor.fetchone()[0]

    load_demo("--projects", "40", "--subscribers", "60")
    assert estimated_rows(Subscriber) == Subscriber.objects.count() >= 60
    assert estimated_rows(Project) == Project.objects.count() > 40


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_bulk_load_outside_a_transaction_is_vacuumed():
    """Vacuumed, every page of the new tables is visible to all: reads need not ask the
    commit log about each row."""
    def pages(table):
        with connection.cursor() as cursor:
            cursor.execute("SELECT relpages, relallvisible FROM pg_class "
                           "WHERE oid = %s::regclass", [table])
            return cursor.fetchone()

    load_demo("--projects", "40", "--subscribers", "60")
    for table in (Project._meta.db_table, Subscriber._meta.db_table):
        total, visible = pages(table)
        assert total == visible > 0, table


def test_a_database_loaded_before_the_flag_gets_it_and_loses_the_sentence():
    load_demo("--projects", "3")
    Project.objects.update(is_demo=False)
    for project in Project.objects.all():
        project.summary_sv = f"{load_demo_module.DEMO_MARKER_SV} {project.summary_sv}"
        project.summary_en = f"{load_demo_module.DEMO_MARKER_EN} {project.summary_en}"
        project.save()
    load_demo()
    assert not Project.objects.filter(is_demo=False).exists()
    assert not Project.objects.filter(summary_sv__contains="demoinnehåll").exists()
    assert not Project.objects.filter(summary_en__contains="demo content").exists()
    generated = Project.objects.get(slug="exempelprojekt-2")
    assert generated.summary_sv.startswith("Ett genererat projekt om ")


def test_the_written_content_gets_drawn_images_marked_as_demo_once():
    from django.conf import settings as django_settings
    from pathlib import Path

    load_demo("--projects", "2")
    with_images = [*Country.objects.all(), *Programme.objects.all(),
                   *MemberOrganisation.objects.all(), *Network.objects.all(),
                   *Seminar.objects.all(), *Story.objects.all(),
                   *Project.objects.exclude(slug__startswith="exempel")]
    for obj in with_images:
        assert obj.image, obj
        assert obj.image_credit == "Demobild, genererad av load_demo" and obj.image_licence
        assert obj.image_alt_sv and obj.image_alt_en
        assert (Path(django_settings.MEDIA_ROOT) / obj.image_w480_webp.name).exists()
    assert not Project.objects.filter(slug__startswith="exempelprojekt-").exclude(image="")
    media = Path(django_settings.MEDIA_ROOT)
    before = sorted(media.rglob("*"))
    names = {obj.pk: obj.image.name for obj in Project.objects.all()}
    story_images = {obj.pk: obj.image.name for obj in Story.objects.all()}
    load_demo()
    assert sorted(media.rglob("*")) == before  # nothing drawn twice
    assert {obj.pk: obj.image.name for obj in Project.objects.all()} == names
    assert {obj.pk: obj.image.name for obj in Story.objects.all()} == story_images
