"""The design at a phone's (390 px) and a desktop's (1366 px) width: form controls and
buttons stand out from what is around them by 3:1 or more (WCAG 1.4.11), no page scrolls
sideways, and axe finds nothing serious on the main pages (text contrast included)."""

import io

import pytest
from django.core.management import call_command

from tests.browser.accessibility import assert_accessible, settle

WIDTHS = [390, 1366]
PAGES = ["/", "/en/", "/projekt/", "/projekt/kvinnors-rattigheter-i-arbetslivet-zimbabwe/",
         "/regioner/balkan/", "/lander/serbien/", "/medlemmar/", "/stod-oss/",
         "/nyhetsbrev/", "/en/newsletter/"]
# Pages with the form controls a visitor meets: checkboxes (newsletter, the footer on every
# page), radios and a number field (support), text fields, selects and buttons (the
# project list's filters, the header's search).
FORM_PAGES = ["/nyhetsbrev/", "/stod-oss/", "/projekt/", "/en/support-us/?amount=250"]

# Each visible control's edge against the colour behind it: the larger of its border's
# and its own background's contrast (a white field on a dark footer shows by its
# background, a checkbox on white by its border). Colours with alpha are laid over what
# is behind them. A button styled as a link is text, which axe measures as text.
CONTROL_CONTRASTS = """() => {
  const parse = (c) => { const m = c.match(/[\\d.]+/g).map(Number);
    return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
  const over = (top, under) => ({r: top.r * top.a + under.r * (1 - top.a),
    g: top.g * top.a + under.g * (1 - top.a), b: top.b * top.a + under.b * (1 - top.a), a: 1});
  const lum = (c) => { const f = (v) => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const ratio = (x, y) => { const [a, b] = [lum(x), lum(y)].sort((p, q) => q - p);
    return (a + 0.05) / (b + 0.05); };
  const behind = (el) => { let layers = []; for (let e = el.parentElement; e; e = e.parentElement) {
      const bg = parse(getComputedStyle(e).backgroundColor); if (bg.a > 0) layers.push(bg);
      if (bg.a === 1) break; }
    return layers.reverse().reduce((acc, c) => over(c, acc), {r: 255, g: 255, b: 255, a: 1}); };
  const controls = document.querySelectorAll(
    "input:not([type=hidden]), select, textarea, button, .btn");
  return [...controls].filter((el) => el.getClientRects().length && el.offsetWidth > 0
      && !el.closest("[aria-hidden=true], .visually-hidden") && !el.matches(".btn-link"))
    .map((el) => { const s = getComputedStyle(el), ground = behind(el);
      const own = over(parse(s.backgroundColor), ground);
      const edge = parseFloat(s.borderTopWidth) > 0 ? ratio(over(parse(s.borderTopColor), ground), ground) : 1;
      return {control: el.outerHTML.slice(0, 90), checked: !!el.checked,
              contrast: Math.max(edge, ratio(own, ground))}; });
}"""


@pytest.fixture(autouse=True)
def demo_content(transactional_db):
    call_command("load_demo", allow_production=True, stdout=io.StringIO())


def visit(page, path, width):
    page.set_viewport_size({"width": width, "height": 844 if width < 992 else 900})
    response = page.goto(path)
    assert response is not None and response.status == 200, (path, response and response.status)


@pytest.mark.parametrize("width", WIDTHS)
def test_form_controls_and_buttons_stand_out_by_3_to_1(page, width):
    measured = []
    for path in FORM_PAGES:
        visit(page, path, width)
        if width < 992:  # open the menu and the filters, so their fields are measured too
            for toggle in page.locator(".menu-toggle, .filters-toggle").all():
                toggle.click()
        settle(page)
        measured += [(path, c) for c in page.evaluate(CONTROL_CONTRASTS)]

    kinds = " ".join(c["control"] for _, c in measured)
    for kind in ('type="checkbox"', 'type="radio"', 'type="email"', 'type="number"',
                 'type="search"', "<select", 'type="submit"', "btn-outline-primary"):
        assert kind in kinds, f"no {kind} control was measured"
    faint = [(path, round(c["contrast"], 2), c["control"]) for path, c in measured
             if c["contrast"] < 3]
    assert not faint, faint


@pytest.mark.parametrize("width", WIDTHS)
def test_the_main_pages_never_scroll_sideways_and_are_accessible(page, width):
    for path in PAGES:
        visit(page, path, width)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{path} is {scroll_width} px wide at {width} px"
        assert_accessible(page)


def test_the_open_menu_buttons_state_shows(page):
    visit(page, "/", 390)
    button = page.get_by_role("button", name="Meny")
    background = "b => getComputedStyle(b).backgroundColor"
    assert button.evaluate(background) == "rgb(255, 255, 255)"
    button.click()
    # Open, the button is filled with ink (white text on it), not just a faint change
    # (after the colour's short transition).
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.menu-toggle')).backgroundColor"
        " === 'rgb(29, 29, 27)'", timeout=2000)


def test_the_region_page_shows_its_countries_on_a_map(page):
    visit(page, "/en/regions/balkan/", 1366)
    region_map = page.get_by_role("img", name="The Balkans on the map: Albania, Kosovo, Serbia")
    assert region_map.is_visible()
    assert region_map.locator("path.marked").count() == 3



def test_axe_judges_a_hovered_button_once_its_colour_has_settled(page):
    # CI once failed on a button axe caught part of the way through its hover transition
    # (#f2dde0 on #b33b4d). A slow machine, made certain: the transition is held halfway.
    # What a visitor reads a moment later is the settled white on red.
    visit(page, "/stod-oss/", 390)
    page.locator(".btn-outline-primary").first.hover()
    held = page.evaluate("""() => document.getAnimations().map((a) => {
        a.pause(); a.currentTime = 0.5 * a.effect.getComputedTiming().duration; return a; }).length""")
    assert held, "the hovered button has no colour transition to hold"
    assert_accessible(page)
