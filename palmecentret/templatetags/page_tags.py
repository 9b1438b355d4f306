"""Template tags for the page frame: capture a block's output once, use it many times
(the title and description feed <title>, Open Graph and Twitter tags); the main menu."""

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

register = template.Library()

# The main menu: URL name and label of each item, in order.
MAIN_MENU = [
    ("projects:region-list", _("Regions")),
    ("projects:project-list", _("Projects")),
    ("stories:story-list", pgettext_lazy("public pages", "Stories")),
    ("members:member-list", _("Member organisations")),
    ("members:network-list", _("Networks")),
    ("newsletter:seminar-list", _("Seminars")),
    ("about", _("About us")),
    ("newsletter:signup", _("Newsletter")),
]


@register.inclusion_tag("includes/main_nav.html", takes_context=True)
def main_nav(context):
    """The menu in the page's language, the item the page is in marked: "page" on the
    item's own page, "true" on a page below it."""
    request = context.get("request")
    path = request.path if request else ""
    items = []
    for name, label in MAIN_MENU:
        url = reverse(name)
        current = "page" if path == url else "true" if path.startswith(url) else ""
        items.append({"url": url, "label": label, "current": current})
    return {"items": items}


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
