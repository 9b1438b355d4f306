"""Stories from the work: news and accounts written by staff, linked to the projects,
countries, themes and member organisations they are about. They sit above projects and
the newsletter: a story names both what it is about and, in a mailing, who reads it."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.images import ImageMixin
from common.search_documents import Searchable, SearchableManager
from members.models import MemberOrganisation
from projects.models import Country, Project, Theme


class StoryQuerySet(models.QuerySet):
    def public(self):
        """Stories a visitor may see: published. The one visibility rule."""
        return self.filter(published=True)

    def newest_first(self):
        return self.order_by("-published_on", "-pk")


class Story(ImageMixin, Searchable):
    title = models.CharField(
        _("title"), max_length=250,
        help_text=_("The story's headline, short and plain. Shown on the story page, its "
                    "card, in search and in mailings."))
    slug = models.SlugField(
        _("slug"), max_length=250, unique=True,
        help_text=_("The last part of the page's web address: lower-case letters, digits "
                    "and hyphens. Filled in from the Swedish title; keep it once the page "
                    "is public, links to it would break."))
    lead = models.TextField(
        _("lead"), blank=True,
        help_text=_("One or two sentences that make visitors want to read on. Shown under "
                    "the headline, on the story's card, in search and in mailings."))
    body = models.TextField(
        _("body"), blank=True,
        help_text=_("The story itself. Shown on the story page."))
    published_on = models.DateField(
        _("publication date"), default=timezone.localdate,
        help_text=_("The date shown with the story; stories are listed newest first."))
    author = models.CharField(
        _("author"), max_length=200, blank=True,
        help_text=_("Who wrote it, if it should say so. Shown on the story page."))
    projects = models.ManyToManyField(
        Project, verbose_name=_("projects"), blank=True, related_name="stories",
        help_text=_("The projects the story is about. Shown on the story page; the story "
                    "is listed on their pages (only while they are public)."))
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), blank=True, related_name="stories",
        help_text=_("The countries the story is about. A filter on the story list; the "
                    "story is listed on their pages and their regions'."))
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="stories",
        help_text=_("What the story is about. A filter on the story list."))
    member_organisations = models.ManyToManyField(
        MemberOrganisation, verbose_name=_("member organisations"), blank=True,
        related_name="stories",
        help_text=_("Member organisations the story is about. The story is listed on "
                    "their pages."))
    published = models.BooleanField(
        _("published"), default=False,
        help_text=_("Visitors see the story only when it is published; until then it is "
                    "a draft."))
    is_demo = models.BooleanField(
        _("example content"), default=False,
        help_text=_("Made up to show the portal (manage.py load_demo): pages mark it "
                    "with an \"Example\" badge."))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = SearchableManager.from_queryset(StoryQuerySet)()

    SEARCH_FIELDS = (("A", ("title_{lang}",)), ("B", ("lead_{lang}",)),
                     ("C", ("body_{lang}",)))
    SEARCH_RELATED = ("D", ("countries__name_{lang}", "themes__name_{lang}",
                            "member_organisations__name_{lang}",
                            "member_organisations__short_name"))

    # Written in Markdown, shown as HTML (common.markdown); the admin says so.
    MARKDOWN_FIELDS = ("body",)

    class Meta:
        ordering = ["-published_on", "-pk"]
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="stories_story_slug_not_empty",
                                   violation_error_message=_("The slug cannot be empty.")),
        ]
        indexes = [
            # The story list and every "latest stories" box, newest first.
            models.Index(fields=["-published_on", "-id"], condition=Q(published=True),
                         name="story_public_newest_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("stories:story-detail", kwargs={"slug": self.slug})

    @property
    def is_public(self):
        return self.published
