"""An editor writing a country's focus in the admin at 1366 px: the help text says the
text is Markdown, the "How to write" guide under the text area opens from the keyboard
and lists the marks, nothing scrolls sideways; the page then shows the marks as HTML."""

from tests.admin_personas import carl, log_in
from tests.factories import CountryFactory

WIDTH = 1366


def test_the_guide_opens_from_the_keyboard_and_the_marks_reach_the_page(page, transactional_db):
    country = CountryFactory(slug="palestina", name_sv="Palestina")
    page.set_viewport_size({"width": WIDTH, "height": 900})
    log_in(page, carl())
    page.goto(f"/admin/projects/country/{country.pk}/change/")
    focus = page.locator("#id_focus_sv")
    guide = page.locator(".markdown-guide").first
    assert "Markdown: **fetstil**" in page.locator("#id_focus_sv_helptext").inner_text()
    assert not guide.locator("table").is_visible()

    # From the text area, the next stop of the Tab key is the guide; Enter opens it.
    focus.fill("Vi stöder **fria fackföreningar**.\n\n- studiecirklar\n- utbildning")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    assert guide.locator("table").is_visible()
    assert guide.locator("tbody tr").count() == 7
    assert "**viktigt**" in guide.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH

    page.click("input[name=_save]")
    page.goto("/lander/palestina/")
    assert page.locator("main strong", has_text="fria fackföreningar").is_visible()
    assert page.locator("main li", has_text="studiecirklar").is_visible()


def test_the_staff_guide_numbers_steps_and_bullets_notes(page, transactional_db):
    page.set_viewport_size({"width": WIDTH, "height": 900})
    log_in(page, carl())
    page.goto("/admin/guide/")
    style = "li => getComputedStyle(li).listStyleType"
    assert page.locator(".guide ol > li").first.evaluate(style) == "decimal"
    # The Markdown section's notes are a list, not steps: numbered, they read as an order.
    assert page.locator("#markdown ~ ul > li").first.evaluate(style) == "disc"
    assert page.locator(".guide nav li").first.evaluate(style) == "none"
