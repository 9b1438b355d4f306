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

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40, blank=True,
                                  help_text=_("For example LO or ABF."))
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent organisation"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="children",
        help_text=_("For LO's member unions: LO."),
    )
    member_since = models.PositiveSmallIntegerField(_("member since (year)"), null=True,
                                                    blank=True)
    is_founder = models.BooleanField(_("founder of Palmecentret"), default=False)
    published = models.BooleanField(_("published"), default=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = SearchableManager.from_queryset(PublishedQuerySet)()

    SEARCH_FIELDS = (("A", ("name_{lang}", "short_name")), ("B", ("description_{lang}",)))

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

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    members = models.ManyToManyField(
        MemberOrganisation, verbose_name=_("member organisations"), blank=True,
        related_name="networks",
    )
    palmecentret_participates = models.BooleanField(
        _("Palmecentret takes part itself"), default=True
    )
    published = models.BooleanField(_("published"), default=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = SearchableManager.from_queryset(PublishedQuerySet)()

    SEARCH_FIELDS = (("A", ("name_{lang}", "short_name")), ("B", ("description_{lang}",)))

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
