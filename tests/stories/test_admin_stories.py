"""Writing stories in the admin: content editors may, newsletter managers may not; drafts,
publishing, history, the Markdown guide and the choosers; and the safety rule: a story
never goes public naming a hidden partner of a project it is linked to."""

import pytest
from django.urls import reverse
from reversion.models import Version

from projects.models import Project
from stories.models import Story
from tests.admin_forms import submit
from tests.admin_personas import carl, nina
from tests.factories import (
    CountryFactory,
    MemberOrganisationFactory,
    PartnerFactory,
    ProjectFactory,
    StoryFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

ADD = "/admin/stories/story/add/"
LIST = "/admin/stories/story/"


@pytest.fixture
def editor(client):
    client.force_login(carl())
    return client


@pytest.fixture
def world():
    country = CountryFactory(slug="palestina", name_sv="Palestina", iso_code="PS")
    secret = PartnerFactory(name="Hemliga Kvinnoförbundet", place="Hemligstad",
                            country=country)
    known = PartnerFactory(name="Öppna Fackförbundet", place="Ramallah", country=country)
    at_risk = ProjectFactory(title_sv="Skyddat projekt", countries=[country],
                             partners=[secret], visibility=Project.Visibility.HIDE_PARTNERS)
    open_project = ProjectFactory(title_sv="Öppet projekt", countries=[country],
                                  partners=[known, secret])
    return {"country": country, "secret": secret, "known": known, "at_risk": at_risk,
            "open": open_project}


def story_data(**changes):
    data = {
        "title_sv": "Unga organiserar sig", "title_en": "", "slug": "unga-organiserar-sig",
        "lead_sv": "En ingress.", "lead_en": "", "body_sv": "En text.", "body_en": "",
        "published_on": "2026-11-20", "author": "", "image_alt_sv": "", "image_alt_en": "",
        "image_credit": "", "image_licence": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_a_content_editor_writes_a_draft_linked_to_projects_countries_themes_and_members(
        editor, world):
    theme, member = ThemeFactory(), MemberOrganisationFactory()
    response = editor.post(ADD, story_data(
        projects=[world["open"].pk], countries=[world["country"].pk], themes=[theme.pk],
        member_organisations=[member.pk]))
    assert response.status_code == 302
    story = Story.objects.get(slug="unga-organiserar-sig")
    assert not story.published  # a draft until ticked
    assert list(story.projects.all()) == [world["open"]]
    assert list(story.themes.all()) == [theme]
    assert list(story.member_organisations.all()) == [member]
    assert Version.objects.get_for_object(story).count() == 1


def test_a_newsletter_manager_may_read_stories_but_not_write_or_publish_them(client):
    # Newsletter managers view stories to choose them for a mailing (palmecentret/roles.py).
    story = StoryFactory(published=False, body_sv="Utkast.")
    client.force_login(nina())
    assert client.get(LIST).status_code == 200
    assert client.get(ADD).status_code == 403
    change = reverse("admin:stories_story_change", args=[story.pk])
    assert 'name="_save"' not in client.get(change).content.decode()  # read-only
    assert client.post(change, story_data(published="on", body_sv="Ändrat.")).status_code == 403
    client.post(LIST, {"action": "publish", "_selected_action": [story.pk]})
    story.refresh_from_db()
    assert not story.published and story.body_sv == "Utkast."


def test_the_form_speaks_swedish_with_choosers_markdown_guide_and_slug_from_title(editor):
    page = editor.get(ADD).content.decode()
    assert "Berättelsens rubrik, kort och enkel." in page
    assert page.count("Markdown: **fetstil**, *kursiv*") == 2
    assert page.count('class="markdown-field"') == 2  # body in Swedish and English
    for name in ("projects", "countries", "themes", "member_organisations"):
        assert f'name="{name}"' in page
        assert f'id="id_{name}"' in page
    assert page.count("admin-autocomplete") >= 4
    assert "Vad den handlar om" in page


def test_the_list_shows_date_publishing_and_example_marks(editor):
    StoryFactory(title_sv="Berättelsen i listan", published_on="2026-10-03", is_demo=True)
    page = editor.get(LIST).content.decode()
    assert "Berättelsen i listan" in page
    assert "3 oktober 2026" in page
    assert "Exempelinnehåll" in page  # the column of the demo mark


# --- The safety rule ------------------------------------------------------------------------

def test_a_story_naming_a_hidden_partner_is_not_published(editor, world):
    response = editor.post(ADD, story_data(
        published="on", projects=[world["at_risk"].pk],
        body_sv="Vi träffade **Hemliga  kvinnoförbundet** i mars."))
    assert response.status_code == 200  # the form again, nothing saved
    assert not Story.objects.exists()
    errors = response.context["adminform"].form.errors["published"]
    assert any("”Hemliga Kvinnoförbundet” är partner i projektet ”Skyddat projekt”" in e
               for e in errors), errors
    assert "Brödtext [sv]" in " ".join(errors)


def test_the_english_text_and_the_image_credit_are_checked_too(editor, world):
    for field in ("title_en", "lead_en", "body_en", "image_credit", "image_alt_en"):
        response = editor.post(ADD, story_data(
            published="on", projects=[world["at_risk"].pk],
            **{field: "Photo: Hemliga Kvinnoförbundet"}))
        assert response.status_code == 200, field
        assert "published" in response.context["adminform"].form.errors, field
    assert not Story.objects.exists()


def test_a_draft_naming_a_hidden_partner_is_saved_with_a_warning(editor, world):
    response = editor.post(ADD, story_data(projects=[world["at_risk"].pk],
                                           lead_sv="Om Hemliga Kvinnoförbundet."),
                           follow=True)
    story = Story.objects.get()
    assert not story.published
    assert any("”Hemliga Kvinnoförbundet” är partner i projektet ”Skyddat projekt”" in m
               and "får inte nämna" in m for m in messages_of(response))


def test_editing_a_published_story_to_name_a_hidden_partner_is_refused(editor, world):
    story = StoryFactory(projects=[world["at_risk"]], body_sv="Inga namn.")
    change = reverse("admin:stories_story_change", args=[story.pk])
    response = submit(editor, editor.get(change), body_sv="Nu med Hemliga Kvinnoförbundet.")
    assert response.status_code == 200
    story.refresh_from_db()
    assert story.body_sv == "Inga namn." and story.published


def test_linking_the_hiding_project_to_a_published_story_that_names_the_partner_is_refused(
        editor, world):
    story = StoryFactory(body_sv="Hemliga Kvinnoförbundet i Öppet projekt.",
                         projects=[world["open"]])
    change = reverse("admin:stories_story_change", args=[story.pk])
    response = submit(editor, editor.get(change),
                      projects=[str(world["open"].pk), str(world["at_risk"].pk)])
    assert response.status_code == 200
    assert list(story.projects.all()) == [world["open"]]


def test_a_partner_named_where_no_linked_project_hides_it_is_fine(editor, world):
    # The same partner works openly in another project: a story about that one may name it.
    response = editor.post(ADD, story_data(
        published="on", projects=[world["open"].pk],
        body_sv="Hemliga Kvinnoförbundet och Öppna Fackförbundet i Ramallah."), follow=True)
    story = Story.objects.get()
    assert story.published
    assert not [m for m in messages_of(response) if "partner" in m]


def test_a_word_that_only_contains_the_name_is_not_taken_for_it(editor, world):
    world["secret"].name = "Centret"
    world["secret"].save()
    response = editor.post(ADD, story_data(published="on", projects=[world["at_risk"].pk],
                                           body_sv="Palmecentret stöder arbetet."))
    assert response.status_code == 302
    assert Story.objects.get().published


def test_a_hidden_partners_place_is_a_warning_not_a_refusal(editor, world):
    response = editor.post(ADD, story_data(published="on", projects=[world["at_risk"].pk],
                                           body_sv="Mötet hölls i Hemligstad."), follow=True)
    story = Story.objects.get()
    assert story.published
    assert any("”Hemligstad” är orten där ”Hemliga Kvinnoförbundet”" in m
               for m in messages_of(response))


def test_bulk_publishing_skips_a_story_that_names_a_hidden_partner(editor, world):
    named = StoryFactory(published=False, title_sv="Namnger", projects=[world["at_risk"]],
                         body_sv="Hemliga Kvinnoförbundet berättar.")
    fine = StoryFactory(published=False, title_sv="Namnger inte",
                        projects=[world["at_risk"]], body_sv="Ett förbund berättar.")
    response = editor.post(LIST, {"action": "publish",
                                  "_selected_action": [named.pk, fine.pk]}, follow=True)
    named.refresh_from_db()
    fine.refresh_from_db()
    assert fine.published and not named.published
    shown = messages_of(response)
    assert any("”Namnger” publicerades inte" in m and "Hemliga Kvinnoförbundet" in m
               for m in shown), shown
    assert "1 post publicerad." in shown


def test_unpublishing_and_restoring_an_earlier_version_work_as_for_projects(editor):
    story = StoryFactory(body_sv="Första versionen.")
    change = reverse("admin:stories_story_change", args=[story.pk])
    assert submit(editor, editor.get(change), body_sv="Andra versionen.").status_code == 302
    assert submit(editor, editor.get(change), body_sv="Tredje versionen.").status_code == 302
    editor.post(LIST, {"action": "unpublish", "_selected_action": [story.pk]})
    story.refresh_from_db()
    assert not story.published
    second = Version.objects.get_for_object(story).order_by("pk").first()
    restore = reverse("admin:stories_story_revision", args=[story.pk, second.pk])
    assert submit(editor, editor.get(restore)).status_code == 302
    story.refresh_from_db()
    assert story.body_sv == "Andra versionen." and story.published


def test_opening_a_story_whose_project_came_to_hide_its_partners_warns(editor, world):
    story = StoryFactory(projects=[world["open"]], body_sv="Hos Öppna Fackförbundet.")
    change = reverse("admin:stories_story_change", args=[story.pk])
    assert not [m for m in messages_of(editor.get(change)) if "partner" in m]
    Project.objects.filter(pk=world["open"].pk).update(
        visibility=Project.Visibility.HIDE_PARTNERS)
    shown = messages_of(editor.get(change))
    assert any("”Öppna Fackförbundet” är partner i projektet ”Öppet projekt”" in m
               for m in shown), shown


def test_save_and_continue_warns_once(editor, world):
    story = StoryFactory(published=False, projects=[world["at_risk"]], body_sv="Inget.")
    change = reverse("admin:stories_story_change", args=[story.pk])
    response = submit(editor, editor.get(change), body_sv="Hemliga Kvinnoförbundet.",
                      _continue="1")
    shown = messages_of(editor.get(response.url))
    assert sum("Hemliga Kvinnoförbundet" in m for m in shown) == 1, shown


def test_an_editor_who_hides_a_projects_partners_is_told_which_published_stories_name_them(
        editor, world):
    project = world["open"]  # its partners are "Öppna Fackförbundet" and the secret one
    naming = StoryFactory(title_sv="Besök hos Hemliga Kvinnoförbundet", projects=[project])
    StoryFactory(title_sv="Ett utkast om Hemliga Kvinnoförbundet", projects=[project],
                 published=False)
    StoryFactory(title_sv="Ett besök i Palestina", projects=[project])
    url = f"/admin/projects/project/{project.pk}/change/"

    response = submit(editor, editor.get(url), visibility=Project.Visibility.HIDE_PARTNERS)
    assert response.status_code == 302
    warnings = messages_of(editor.get(response["Location"]))
    named = [w for w in warnings if "Hemliga Kvinnoförbundet" in w]
    assert len(named) == 1 and naming.title_sv in named[0], warnings
    assert "avpublicera" in named[0]

    # Saving it again while it stays hidden says it again, until the story is mended.
    naming.title_sv = "Ett besök"
    naming.save()
    response = submit(editor, editor.get(url))
    assert not [w for w in messages_of(editor.get(response["Location"]))
                if "Hemliga" in w]
