"""Template tags for the page frame: capture a block's output once, use it many times
(the title and description feed <title>, Open Graph and Twitter tags); the main menu;
the parts of the frame that are the same on every page, rendered once."""

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from palmecentret.site_data import fragment as site_fragment

register = template.Library()

# The main menu: URL name and label of each item, in order.
MAIN_MENU = [
    ("projects:region-list", _("Regions")),
    ("projects:project-list", _("Projects")),
    ("members:member-list", _("Member organisations")),
    ("members:network-list", _("Networks")),
    ("newsletter:seminar-list", _("Seminars")),
    ("about", _("About us")),
    ("newsletter:signup", _("Newsletter")),
]


@register.simple_tag(takes_context=True)
def main_nav(context):
    """The menu in the page's language, the item the page is in marked: "page" on the
    item's own page, "true" on a page below it. It differs between pages only in that
    mark, so it is rendered once per language and marked item (site_data.fragment)."""
    request = context.get("request")
    path = request.path if request else ""
    urls = tuple(reverse(name) for name, _label in MAIN_MENU)
    current = tuple("page" if path == url else "true" if path.startswith(url) else ""
                    for url in urls)

    def render():
        items = [{"url": url, "label": label, "current": mark}
                 for url, (_name, label), mark in zip(urls, MAIN_MENU, current)]
        return render_to_string("includes/main_nav.html", {"items": items})

    return site_fragment(("main-nav", urls, current), render)


class FragmentNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, name, vary_on):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context):
        key = ("tag", self.name, *(value.resolve(context) for value in self.vary_on))
        return site_fragment(key, lambda: mark_safe(self.nodelist.render(context)))


@register.tag
def fragment(parser, token):
    """{% fragment "name" [value ...] %}...{% endfragment %}: the contents rendered once
    per content generation, language and values (palmecentret/site_data.py), for parts
    that depend on nothing else: the parts of the page frame that are the same on every
    page, a section that shows only content (the regions and their counts on the home
    page; a region's countries and programmes, with the region's pk as the value). They
    must not show anything of the page's address, the request or the visitor that the
    values do not name: every page with the same values gets the first one's rendering."""
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError(
            'Usage: {% fragment "name" [value ...] %}...{% endfragment %}')
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, bits[1][1:-1],
                        [parser.compile_filter(bit) for bit in bits[2:]])


class CaptureNode(template.Node):
    # Declared so that {% block %} tags inside are found when templates extend this one.
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        # The nodelist's output is already escaped where it inserted variables.
        context[self.name] = mark_safe(self.nodelist.render(context).strip())
        return ""


@register.tag
def capture(parser, token):
    """{% capture as name %}...{% endcapture %}: render the contents into `name`."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Usage: {% capture as name %}...{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])
