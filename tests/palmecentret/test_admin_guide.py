"""The staff guide in the admin: for staff only, linked from every admin page, in the
viewer's language, and only the sections for what the viewer may do."""

import re

import pytest

from tests.admin_personas import carl, nina, root

pytestmark = pytest.mark.django_db

GUIDE = "/admin/guide/"


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(GUIDE)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/admin/guide/")


def test_a_content_editor_sees_publishing_and_partners_in_swedish_but_no_data_requests(client):
    client.force_login(carl())
    html = client.get(GUIDE).content.decode()
    assert '<h2 id="publicera">Publicera ett projekt</h2>' in html
    assert "offentligt utan partnernamn och orter" in html
    assert 'href="#partner"' in html
    assert 'id="personuppgifter"' not in html
    assert 'id="utskick"' not in html
    assert "newsletter/registration/" not in html  # seminar steps only, no registrations


def test_a_newsletter_manager_sees_mailings_seminars_and_data_requests_but_no_publishing(client):
    client.force_login(nina())
    html = client.get(GUIDE).content.decode()
    for anchor in ("utskick", "seminarium", "personuppgifter"):
        assert f'href="#{anchor}"' in html and f'id="{anchor}"' in html
    assert "Exportera alla uppgifter (JSON)" in html
    assert 'id="publicera"' not in html


def test_every_link_in_the_guide_answers_for_a_superuser(client):
    client.force_login(root())
    html = client.get(GUIDE).content.decode()
    guide = html[html.index('<div class="guide">'):]
    links = set(re.findall(r'href="(/[^"#]*)"', guide))
    assert len(links) >= 12
    for link in sorted(links):
        assert client.get(link).status_code == 200, link


def test_the_admin_index_links_to_the_guide_in_the_header(client):
    client.force_login(carl())
    html = client.get("/admin/").content.decode()
    header = html[html.index('id="user-tools"'):html.index("</header>")]
    assert '<a href="/admin/guide/">Hjälp</a>' in header


def test_the_guide_is_english_under_en(client):
    client.force_login(root())
    html = client.get("/en/admin/guide/").content.decode()
    assert "<h1>Guide for staff</h1>" in html
    assert "Publishing a project" in html and "Publicera ett projekt" not in html
    assert '<a href="/en/admin/guide/">Help</a>' in html


def test_a_content_editor_reads_how_to_write_a_story_and_the_safety_rule(client):
    client.force_login(carl())
    html = client.get(GUIDE).content.decode()
    assert 'href="#berattelse"' in html
    assert '<h2 id="berattelse">Skriva och publicera en berättelse</h2>' in html
    assert "får inte nämna dem" in html
    assert 'href="/admin/stories/story/add/"' in html
    english = client.get("/en/admin/guide/").content.decode()
    assert '<h2 id="berattelse">Writing and publishing a story</h2>' in english
    assert "may not name them" in english


def test_a_newsletter_manager_gets_no_story_section(client):
    client.force_login(nina())
    assert 'id="berattelse"' not in client.get(GUIDE).content.decode()


def test_a_content_editor_reads_how_to_record_money_and_results_and_what_publishing_needs(
        client):
    client.force_login(carl())
    html = client.get(GUIDE).content.decode()
    assert 'href="#pengar"' in html and '<h2 id="pengar">Föra in pengar och resultat</h2>' in html
    assert "minst ett tema med en OECD DAC-kod" in html
    assert "Datum kan inte ligga i framtiden" in html
    english = client.get("/en" + GUIDE).content.decode()
    assert "<h2 id=\"pengar\">Recording money and results</h2>" in english
    assert "at least one theme with an OECD DAC code" in english
