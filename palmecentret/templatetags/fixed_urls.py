"""{% url %} as Django has it, with the addresses of fixed pages (a URL name without
arguments) from palmecentret.links.fixed_url() rather than reversed for every page.
Loaded for every template as a builtin (TEMPLATES in settings.py), after Django's own
tags, so the templates keep writing the ordinary {% url 'name' %}."""

from django import template
from django.template import defaulttags
from django.utils.html import conditional_escape

from palmecentret.links import fixed_url

register = template.Library()


class URLNode(defaulttags.URLNode):
    def render(self, context):
        if self.args or self.kwargs or self.asvar:
            return super().render(context)
        # The current application as Django's {% url %} finds it.
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = fixed_url(self.view_name.resolve(context), current_app)
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    return URLNode(node.view_name, node.args, node.kwargs, node.asvar)
