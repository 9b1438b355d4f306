"""A project's card (includes/project_card.html), as list, region, country, programme and
member pages show it: rendered once per content generation and language in each process
(palmecentret/site_data.py), since the same project's card appears on many pages."""

from django import template
from django.template.loader import render_to_string

from palmecentret.site_data import fragment

register = template.Library()


@register.simple_tag
def project_card(project):
    """The card of a project from ProjectQuerySet.for_cards()."""
    return fragment(("project-card", project.pk),
                    lambda: render_to_string("includes/project_card.html", {"project": project}))
