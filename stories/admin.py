"""Admin for stories: drafts, preview, publishing, history, the image and the Markdown body
as for projects, and the safety rule (stories.safety): a story that names a hidden partner
of a linked project is never published, and the editor is told which and where."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from common.admin_base import HistoryAdmin, HttpsUrlsMixin, PublishingAdminMixin
from common.admin_images import IMAGE_FIELDSET, ImageAdminMixin
from common.admin_markdown import MarkdownAdminMixin
from projects.models import Project
from projects.signals import hidden_partners_saved

from .models import Story
from .safety import (TEXT_FIELDS, hidden_partner_mentions, hiding_projects,
                     mentions_in_story, story_texts, with_hiding_projects)


def describe(mention, form=None):
    """A Mention in the editor's words: which partner or place, of which project, where."""
    field = mention.field
    if form is not None and field in form.fields:
        label = str(form.fields[field].label)
    else:
        label = str(Story._meta.get_field(field).verbose_name)
    values = {"partner": mention.partner.name, "place": mention.partner.place,
              "project": mention.project.title, "field": label}
    if mention.what == "name":
        return gettext("“%(partner)s” is a partner of the project “%(project)s”, which hides "
                       "its partners: the story may not name it (it does in %(field)s).") % values
    return gettext("“%(place)s” is where “%(partner)s”, a hidden partner of the project "
                   "“%(project)s”, works: check that %(field)s does not point readers to "
                   "the organisation.") % values


def published_stories_naming_partners(sender, project, **kwargs):
    """hidden_partners_saved: a warning for each published story about `project` that
    names one of its partners, which the project has just come to hide (or gained)."""
    stories = project.stories.filter(published=True)
    warnings = []
    for story in stories:
        for mention in hidden_partner_mentions(story_texts(story), [project]):
            if mention.what == "name":
                warnings.append(gettext(
                    "The published story “%(story)s” names “%(partner)s”, a partner this "
                    "project hides: take the name out of the story or unpublish it.") % {
                    "story": story.title, "partner": mention.partner.name})
    return warnings


hidden_partners_saved.connect(published_stories_naming_partners, sender=Project,
                              dispatch_uid="stories-published-naming-hidden-partners")


class StoryAdminForm(forms.ModelForm):
    """Refuses to publish a story that names a hidden partner of a project it is linked
    to, whichever language or text names it; a draft may be saved (the admin warns), so
    that no writing is lost while the editor rewrites it."""

    class Meta:
        model = Story
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        projects = cleaned.get("projects")
        if not cleaned.get("published") or not projects:
            return cleaned
        texts = {field: cleaned.get(field) or "" for field in TEXT_FIELDS
                 if field in self.fields}
        names = [m for m in hidden_partner_mentions(texts, hiding_projects(projects))
                 if m.what == "name"]
        if names:
            self.add_error("published", [
                *(describe(m, self) for m in names),
                gettext("Take the names out of the text, or untick “published” to save it "
                        "as a draft.")])
        return cleaned


@admin.register(Story)
class StoryAdmin(ImageAdminMixin, PublishingAdminMixin, MarkdownAdminMixin, HttpsUrlsMixin,
                 HistoryAdmin, TranslationAdmin):
    form = StoryAdminForm
    # Title, date and the two marks fit beside the filters at 1366 px; "updated" did not.
    list_display = ["title", "published_on", "published", "is_demo"]
    list_filter = ["published", "is_demo", "themes", "countries__region", "countries"]
    search_fields = ["title_sv", "title_en", "slug", "lead_sv", "lead_en", "author",
                     "projects__title_sv", "countries__name_sv"]
    search_help_text = _("Searches titles, slugs, leads, authors, linked projects and "
                         "countries.")
    autocomplete_fields = ["projects", "countries", "themes", "member_organisations"]
    prepopulated_fields = {"slug": ["title_sv"]}
    date_hierarchy = "published_on"
    readonly_fields = ["created", "updated", "image_preview"]
    fieldsets = [
        (None, {"fields": [("title_sv", "title_en"), "slug", ("published", "published_on"),
                           "author", "is_demo"]}),
        (_("Texts"), {"fields": [("lead_sv", "lead_en"), ("body_sv", "body_en")]}),
        (_("What it is about"), {"fields": ["projects", "countries", "themes",
                                            "member_organisations"]}),
        IMAGE_FIELDSET,
        (_("Record"), {"fields": ["created", "updated"], "classes": ["collapse"]}),
    ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A story saved before a linked project came to hide its partners (or gained
        # one) may name them now: whoever opens it is told, not only whoever saves it.
        if request.method == "GET":
            story = self.get_object(request, object_id)
            if story is not None and self.has_view_or_change_permission(request, story):
                for mention in mentions_in_story(story):
                    self.message_user(request, describe(mention), messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        # The links are saved now: a draft (or a story whose place names only need a
        # second look) is checked as it is stored, and the editor told.
        super().save_related(request, form, formsets, change)
        if "_continue" in request.POST:
            return  # the form opens again, and change_view() warns there
        for mention in mentions_in_story(form.instance):
            self.message_user(request, describe(mention, form), messages.WARNING)

    @admin.action(description=_("Publish the selected items"), permissions=["change"])
    def publish(self, request, queryset):
        """As for projects, except that a story naming a hidden partner of a linked
        project stays a draft, with a message saying why."""
        blocked = {}
        for story in with_hiding_projects(queryset.filter(published=False)):
            names = [m for m in mentions_in_story(story) if m.what == "name"]
            if names:
                blocked[story.pk] = (story, names)
        super().publish(request, queryset.exclude(pk__in=blocked))
        for story, names in blocked.values():
            self.message_user(request, gettext("“%(story)s” was not published: %(why)s") % {
                "story": story.title, "why": " ".join(describe(m) for m in names)},
                messages.WARNING)
