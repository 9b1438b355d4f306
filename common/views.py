"""Mixins and links that the pages of every app share."""

from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

# How many objects a page lists (a region's, country's, programme's or member's projects)
# before linking to the filtered full list: pages stay the same size whatever the data.
LISTED = 12


def list_url(url_name, **filters):
    """The address of the list `url_name` filtered by `filters` (its query string)."""
    return f"{reverse(url_name)}?{urlencode(filters)}"


class BreadcrumbsMixin:
    """Gives the page its breadcrumb trail: (url, label) pairs after Home, the last one
    being the page itself."""

    def get_breadcrumbs(self):
        return []

    def get_context_data(self, **kwargs):
        return super().get_context_data(breadcrumbs=self.get_breadcrumbs(), **kwargs)


def can_preview(user, model):
    """Staff who may view a model in admin may also preview its unpublished pages."""
    meta = model._meta
    return user.is_staff and user.has_perm(f"{meta.app_label}.view_{meta.model_name}")


class PreviewMixin:
    """A detail page that answers 404 for anything unpublished, except to staff, who see
    it with a "not published" banner; such a preview is never cached or indexed.

    The view's `queryset` holds every object; its QuerySet's `public()` is the one
    visibility rule for visitors."""

    def get_queryset(self):
        queryset = super().get_queryset()
        if can_preview(self.request.user, queryset.model):
            return queryset
        return queryset.public()

    def get_context_data(self, **kwargs):
        return super().get_context_data(is_preview=not self.object.is_public, **kwargs)

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if context.get("is_preview"):
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex"
        return response
