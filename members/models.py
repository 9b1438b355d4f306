"""Member organisations of Palmecentret and the networks it takes part in."""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.images import ImageMixin
from common.search_documents import Searchable, SearchableManager


class PublishedQuerySet(models.QuerySet):
    def public(self):
        return self.filter(published=True)


class MemberOrganisation(ImageMixin, Searchable):
    class Kind(models.TextChoices):
        CONFEDERATION = "confederation", _("trade union confederation")
        TRADE_UNION = "trade_union", _("trade union")
        PARTY = "party", _("political party")
        STUDY_ASSOCIATION = "study_association", _("study association")
        YOUTH = "youth", _("children's and youth organisation")
        TENANTS = "tenants", _("tenants' organisation")
        COOPERATIVE = "cooperative", _("cooperative")
        PENSIONERS = "pensioners", _("pensioners' organisation")
        OTHER = "other", _("other")

    name = models.CharField(
        _("name"), max_length=200,
        help_text=_("The organisation's full name, e.g. Landsorganisationen i Sverige. "
                    "Shown on its page, the member list, project pages and in search."))
    short_name = models.CharField(_("short name"), max_length=40, blank=True,
                                  help_text=_("For example LO or ABF."))
    slug = models.SlugField(
        _("slug"), max_length=200, unique=True,
        help_text=_("The last part of the page's web address: lower-case letters, digits "
                    "and hyphens. Filled in from the Swedish name; keep it once the page "
                    "is public, links to it would break."))
    kind = models.CharField(
        _("kind"), max_length=32, choices=Kind.choices, default=Kind.OTHER,
        help_text=_("The member list groups organisations by kind."))
    description = models.TextField(
        _("description"), blank=True,
        help_text=_("Who the organisation is and what it does with Palmecentret, a "
                    "paragraph or two. Shown on its page and found by search."))
    website = models.URLField(
        _("website"), blank=True,
        help_text=_("The full address, starting with https://. Linked from its page."))
    parent = models.ForeignKey(
        "self", verbose_name=_("parent organisation"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="children",
        help_text=_("For LO's member unions: LO."),
    )
    member_since = models.PositiveSmallIntegerField(
        _("member since (year)"), null=True, blank=True,
        help_text=_("The year it joined, four digits, 1992 or later. Shown on its page."))
    is_founder = models.BooleanField(
        _("founder of Palmecentret"), default=False,
        help_text=_("Tick for the organisations that founded Palmecentret in 1992. "
                    "Its page says so."))
    published = models.BooleanField(
        _("published"), default=False,
        help_text=_("Visitors see the organisation only when it is published; until "
                    "then it is a draft."))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = SearchableManager.from_queryset(PublishedQuerySet)()

    SEARCH_FIELDS = (("A", ("name_{lang}", "short_name")), ("B", ("description_{lang}",)))

    # Written in Markdown, shown as HTML (common.markdown); the admin says so.
    MARKDOWN_FIELDS = ("description",)

    class Meta:
        ordering = ["name"]
        verbose_name = _("member organisation")
        verbose_name_plural = _("member organisations")
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("pk")), name="members_memberorganisation_not_own_parent"
            ),
            models.CheckConstraint(
                condition=Q(member_since__isnull=True) | Q(member_since__gte=1992),
                name="members_memberorganisation_member_since_from_1992",
                violation_error_message=_("Palmecentret was founded in 1992."),
            ),
            # The slug names the organisation in the project spreadsheet: never empty.
            models.CheckConstraint(condition=~Q(slug=""),
                                   name="members_memberorganisation_slug_not_empty",
                                   violation_error_message=_("The slug cannot be empty.")),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("members:member-detail", kwargs={"slug": self.slug})

    @property
    def is_public(self):
        return self.published

    @property
    def display_name(self):
        """'LO – Landsorganisationen i Sverige' style label where a short name exists."""
        if self.short_name and self.short_name != self.name:
            return f"{self.name} ({self.short_name})"
        return self.name


class Network(ImageMixin, Searchable):
    class Scope(models.TextChoices):
        LOCAL = "local", _("local")
        NATIONAL = "national", _("national")
        EUROPEAN = "european", _("European")
        INTERNATIONAL = "international", _("international")

    name = models.CharField(
        _("name"), max_length=200,
        help_text=_("The network's full name, e.g. CONCORD Sweden. Shown on its page, "
                    "the network list and in search."))
    short_name = models.CharField(
        _("short name"), max_length=40, blank=True,
        help_text=_("What it is usually called, e.g. CONCORD. Search finds it by this "
                    "too."))
    slug = models.SlugField(
        _("slug"), max_length=200, unique=True,
        help_text=_("The last part of the page's web address: lower-case letters, digits "
                    "and hyphens. Filled in from the Swedish name; keep it once the page "
                    "is public, links to it would break."))
    scope = models.CharField(
        _("scope"), max_length=16, choices=Scope.choices,
        help_text=_("How far the network reaches. The network list groups networks by "
                    "it; shown on its page."))
    description = models.TextField(
        _("description"), blank=True,
        help_text=_("What the network does and why Palmecentret takes part, a paragraph "
                    "or two. Shown on its page and found by search."))
    website = models.URLField(
        _("website"), blank=True,
        help_text=_("The full address, starting with https://. Linked from its page."))
    members = models.ManyToManyField(
        MemberOrganisation, verbose_name=_("member organisations"), blank=True,
        related_name="networks",
        help_text=_("The member organisations that take part. Listed on the network's "
                    "page and the network list."),
    )
    palmecentret_participates = models.BooleanField(
        _("Palmecentret takes part itself"), default=True,
        help_text=_("Untick when only member organisations take part. The network's "
                    "page says so."),
    )
    published = models.BooleanField(
        _("published"), default=False,
        help_text=_("Visitors see the network only when it is published; until then it "
                    "is a draft."))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = SearchableManager.from_queryset(PublishedQuerySet)()

    SEARCH_FIELDS = (("A", ("name_{lang}", "short_name")), ("B", ("description_{lang}",)))

    # Written in Markdown, shown as HTML (common.markdown); the admin says so.
    MARKDOWN_FIELDS = ("description",)

    class Meta:
        ordering = ["name"]
        verbose_name = _("network")
        verbose_name_plural = _("networks")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("members:network-detail", kwargs={"slug": self.slug})

    @property
    def is_public(self):
        return self.published
