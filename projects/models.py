"""Where Palmecentret works and on what: regions, countries, themes, funders, programmes,
local partners and projects."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, F, Func, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.images import ImageMixin
from common.search_documents import Searchable, SearchableManager
from members.models import MemberOrganisation

from .codelists import CodelistChecked

iati_identifier_validator = RegexValidator(
    # An IATI activity identifier: the reporting organisation's identifier (letters,
    # digits, hyphens), a hyphen, then the organisation's own code. No spaces, no slashes.
    r"^[A-Za-z]{2}-[A-Za-z0-9]+(-[A-Za-z0-9._]+)+$",
    _("Use the form ORGANISATION-IDENTIFIER-CODE, e.g. SE-ON-802005-4035-P123: "
      "letters, digits, full stops, underscores and hyphens, no spaces."),
)


def iati_prefix():
    """What every project's IATI identifier starts with (IATI rule 1.1.21): the reporting
    organisation's identifier and a hyphen. In development that is the demo identifier,
    which load_demo's projects use."""
    return f"{settings.IATI_ORGANISATION_IDENTIFIER}-"


def check_iati_prefix(value):
    """ValidationError unless `value` starts with the reporting organisation's prefix."""
    if not value.startswith(iati_prefix()):
        raise ValidationError(
            _("The IATI identifier must start with Palmecentret's organisation identifier "
              "and a hyphen, %(prefix)s, e.g. %(example)s (IATI rule 1.1.21)."),
            code="iati_prefix",
            params={"prefix": iati_prefix(), "example": f"{iati_prefix()}123"})


def check_iati_identifier(value, saved=None, published=False):
    """The rule for an IATI identifier staff write, in the project form and in the
    spreadsheet import alike: a new or changed one has the format
    (iati_identifier_validator, whose message says more, first) and the organisation's
    prefix (check_iati_prefix). The identifier a project was saved with (`saved`) may stay
    as it is, whatever its prefix, so that its other fields can still be edited; once the
    project has been published (`published`: it has a published_at), it may not change:
    data users and the funders' systems know the activity by it."""
    if saved is not None and value == saved:
        return
    if saved is not None and published:
        raise ValidationError(
            _("The IATI identifier cannot change once the project has been published: "
              "data users and funders know the project by %(saved)s. Keep it."),
            code="iati_identifier_published", params={"saved": saved})
    iati_identifier_validator(value)
    check_iati_prefix(value)


def publishing_problems(countries, themes):
    """What a project lacks to be published, as sentences for the editor (empty: nothing).
    The IATI file needs a recipient country (IATI rule 3.7.1) and a sector (rule 6.2.2),
    which a theme with an OECD DAC code gives. The admin form, the bulk publish action and
    the spreadsheet import all ask this one function."""
    problems = []
    if not list(countries):
        problems.append(_("at least one country (IATI rule 3.7.1)"))
    if not any(theme.dac_purpose_code for theme in themes):
        problems.append(_("at least one theme with an OECD DAC purpose code (IATI rule "
                          "6.2.2)"))
    return problems


def check_publishable(countries, themes):
    """ValidationError naming what publishing_problems() finds, if anything."""
    problems = publishing_problems(countries, themes)
    if problems:
        raise ValidationError(
            _("Before it can be published, the project needs %(missing)s. Save it "
              "unpublished, or add what is missing."),
            code="not_publishable", params={"missing": "; ".join(map(str, problems))})


def propose_iati_identifier(programme=None):
    """An unused identifier for a new project: the organisation's prefix, the programme's
    slug if it has one, and the next number after the highest already used there
    (SE-ON-DEMO-civic-space-3)."""
    stem = iati_prefix() + (f"{programme.slug}-" if programme else "")
    taken = Project.objects.filter(iati_identifier__startswith=stem).values_list(
        "iati_identifier", flat=True)
    numbers = [int(rest) for rest in (t[len(stem):] for t in taken) if rest.isdigit()]
    return f"{stem}{max(numbers, default=0) + 1}"


def slug_not_empty(model_name):
    """A slug is how the project spreadsheet names a record: the database refuses an empty
    one, which an import would read as "none"."""
    return models.CheckConstraint(condition=~Q(slug=""),
                                  name=f"projects_{model_name}_slug_not_empty",
                                  violation_error_message=_("The slug cannot be empty."))


def count_of(queryset):
    """A correlated COUNT(*) subquery: a number per row without joining the rows in (a
    join of countries x projects x programmes would grow with the data)."""
    return Coalesce(
        Subquery(queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")),
        0,
    )


def sum_of(queryset, field):
    """A correlated SUM subquery of a field, 0 when no row has one: like count_of(), a
    total per row without joining the rows in (nor counting a row twice that is joined
    twice, a project in two countries of the same region)."""
    return Coalesce(
        Subquery(queryset.order_by().annotate(total=Func(F(field), function="SUM"))
                 .values("total")),
        0, output_field=models.BigIntegerField(),
    )


def year_span(start, end):
    """The years something runs, as cards and search hits show them: "2019–2023", or
    "2024" while it has no end date or ends in the year it starts."""
    if end and end.year != start.year:
        return f"{start.year}–{end.year}"
    return str(start.year)


class RegionQuerySet(models.QuerySet):
    def with_counts(self):
        """Each region's number of countries, published programmes, public projects and
        ongoing public projects, in the same query."""
        in_region = Project.objects.public().filter(Exists(
            Project.countries.through.objects.filter(
                project=OuterRef("pk"), country__region=OuterRef(OuterRef("pk")))))
        return self.annotate(
            country_count=count_of(Country.objects.filter(region=OuterRef("pk"))),
            programme_count=count_of(Programme.objects.public().filter(region=OuterRef("pk"))),
            project_count=count_of(in_region),
            ongoing_count=count_of(in_region.filter(status=Project.Status.ONGOING)),
        )


class Region(models.Model):
    name = models.CharField(
        _("name"), max_length=100,
        help_text=_("The region's name, e.g. Middle East. Shown on the region page, the "
                    "regions page and the map, and as a filter on the project list."))
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True,
        help_text=_("The last part of the page's web address: lower-case letters, digits "
                    "and hyphens. Filled in from the Swedish name; keep it once the page "
                    "is public, links to it would break."))
    focus = models.TextField(
        _("focus"), blank=True,
        help_text=_("What the work in the region is about, a paragraph or two. Shown at "
                    "the top of the region page and, shortened, on the regions page."))
    sort_order = models.PositiveSmallIntegerField(
        _("sort order"), default=0,
        help_text=_("Regions are listed from the lowest number up; equal numbers "
                    "alphabetically."))

    objects = RegionQuerySet.as_manager()

    # Written in Markdown, shown as HTML (common.markdown); the admin says so.
    MARKDOWN_FIELDS = ("focus",)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:region-detail", kwargs={"slug": self.slug})


class Country(ImageMixin, Searchable):
    name = models.CharField(
        _("name"), max_length=100,
        help_text=_("The country's everyday name, e.g. Palestine. Shown on the country "
                    "page, on project pages and cards, on the map and in search."))
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True,
        help_text=_("The last part of the page's web address: lower-case letters, digits "
                    "and hyphens. Filled in from the Swedish name; keep it once the page "
                    "is public, links to it would break."))
    iso_code = models.CharField(
        _("ISO 3166-1 alpha-2 code"), max_length=2, unique=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Two capital letters, e.g. PS."))],
        help_text=_("The country's two capital letters in ISO 3166-1, e.g. PS for "
                    "Palestine. Places it on the map and in the IATI file."),
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT,
        related_name="countries",
        help_text=_("The region the country belongs to. It is listed on that region's "
                    "page, and its projects count there."))
    focus = models.TextField(
        _("focus"), blank=True,
        help_text=_("What Palmecentret and its partners work on in the country, a "
                    "paragraph or two. Shown at the top of the country page and found "
                    "by search."))
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = SearchableManager()

    SEARCH_FIELDS = (("A", ("name_{lang}",)), ("B", ("focus_{lang}",)))

    # Written in Markdown, shown as HTML (common.markdown); the admin says so.
    MARKDOWN_FIELDS = ("focus",)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(condition=Q(iso_code__regex=r"^[A-Z]{2}$"),
                                   name="projects_country_iso_code_two_capitals"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:country-detail", kwargs={"slug": self.slug})


class Theme(CodelistChecked):
    name = models.CharField(
        _("name"), max_length=100,
        help_text=_("The theme's name, e.g. Democracy. Shown on project pages and as a "
                    "filter on the project list."))
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True,
        help_text=_("The theme's key in web addresses and the project spreadsheet: "
                    "lower-case letters, digits and hyphens. Filled in from the Swedish "
                    "name; keep it once in use, links and spreadsheets would break."))
    description = models.TextField(
        _("description"), blank=True,
        help_text=_("What the theme covers, for staff choosing it. Not shown to "
                    "visitors."))
    dac_purpose_code = models.CharField(
        _("OECD DAC purpose code"), max_length=5, blank=True,
        validators=[RegexValidator(r"^[0-9]{5}$", _("Five digits, e.g. 15150."))],
        help_text=_("The theme's sector in the IATI file: a 5-digit code from the OECD "
                    "DAC purpose codes, e.g. 15150 for democratic participation and civil "
                    "society. Codes that are not in IATI's sector list, or that IATI has "
                    "withdrawn, are refused."),
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)

    CODELISTS = {"dac_purpose_code": "Sector"}

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [
            models.CheckConstraint(
                condition=Q(dac_purpose_code="") | Q(dac_purpose_code__regex=r"^[0-9]{5}$"),
                name="projects_theme_dac_code_five_digits",
            ),
            slug_not_empty("theme"),
        ]

    def __str__(self):
        return self.name


class Funder(models.Model):
    name = models.CharField(
        _("name"), max_length=200,
        help_text=_("The funder's full name, e.g. Swedish International Development "
                    "Cooperation Agency. Shown on project and programme pages and in the "
                    "IATI file."))
    # The funder's key in the project spreadsheet (the short name may be empty).
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True,
        help_text=_("The funder's key in the project spreadsheet: lower-case letters, "
                    "digits and hyphens. Filled in from the Swedish name; keep it once "
                    "in use, spreadsheets would break."))
    short_name = models.CharField(
        _("short name"), max_length=40, blank=True,
        help_text=_("What visitors know it as, e.g. Sida. Shown instead of the name in the "
                    "project list's filter; search finds projects by it."))
    iati_identifier = models.CharField(
        _("IATI organisation identifier"), max_length=100, blank=True,
        help_text=_("For example SE-0 for Sida."),
    )
    website = models.URLField(
        _("website"), blank=True,
        help_text=_("The full address, starting with https://. For staff; not shown "
                    "to visitors."))
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("funder")
        verbose_name_plural = _("funders")
        constraints = [slug_not_empty("funder")]

    def __str__(self):
        return self.short_name or self.name


# Short lists of the IATI codes that fit Palmecentret's work, with names staff read in
# their own language. Each field also checks its code against IATI's codelist
# (CodelistChecked), and a test checks every choice there.
class AidType(models.TextChoices):
    CORE_NGO = "B01", _("core support to civil society organisations (B01)")
    SPECIFIC_PURPOSE = "B03", _("contributions to specific-purpose programmes (B03)")
    PROJECT = "C01", _("project-type interventions (C01)")
    TECHNICAL = "D02", _("other technical assistance (D02)")
    AWARENESS = "H01", _("development awareness in Sweden (H01)")


class FlowType(models.TextChoices):
    ODA = "10", _("official development assistance, ODA (10)")
    PRIVATE = "30", _("private development finance, e.g. members' collections (30)")


class FinanceType(models.TextChoices):
    GRANT = "110", _("standard grant (110)")


class CollaborationType(models.TextChoices):
    BILATERAL = "1", _("bilateral (1)")
    NGO_CORE = "3", _("bilateral, core contributions to NGOs (3)")
    NGO_EX_POST = "7", _("bilateral, ex-post reporting on NGOs' activities (7)")


class TiedStatus(models.TextChoices):
    PARTIALLY_TIED = "3", _("partially tied (3)")
    TIED = "4", _("tied (4)")
    UNTIED = "5", _("untied (5)")


AID_CLASSIFICATIONS = ("default_aid_type", "default_flow_type", "default_finance_type",
                       "default_collaboration_type", "default_tied_status")


class AidClassification(CodelistChecked):
    """The IATI classifications that data users filter on. A programme sets them for its
    projects; a project's own value, where set, overrides its programme's
    (Project.classification)."""

    default_aid_type = models.CharField(
        _("aid type"), max_length=4, blank=True, choices=AidType.choices,
        help_text=_("How the money is given, in OECD DAC terms. Most of Palmecentret's "
                    "projects are project-type interventions (C01)."))
    default_flow_type = models.CharField(
        _("flow type"), max_length=2, blank=True, choices=FlowType.choices,
        help_text=_("Sida's money is official development assistance (ODA); money "
                    "collected by the members is private development finance."))
    default_finance_type = models.CharField(
        _("finance type"), max_length=3, blank=True, choices=FinanceType.choices,
        help_text=_("Palmecentret's support is given as grants."))
    default_collaboration_type = models.CharField(
        _("collaboration type"), max_length=1, blank=True,
        choices=CollaborationType.choices,
        help_text=_("Sida's support through Swedish civil society organisations is "
                    "bilateral (1)."))
    default_tied_status = models.CharField(
        _("tied status"), max_length=1, blank=True, choices=TiedStatus.choices,
        help_text=_("Whether the partners must buy from Swedish suppliers: Palmecentret's "
                    "support is untied (5)."))

    CODELISTS = {"default_aid_type": "AidType", "default_flow_type": "FlowType",
                 "default_finance_type": "FinanceType",
                 "default_collaboration_type": "CollaborationType",
                 "default_tied_status": "TiedStatus"}

    class Meta(CodelistChecked.Meta):
        abstract = True


class ProgrammeQuerySet(models.QuerySet):
    def public(self):
        return self.filter(published=True)


class Programme(AidClassification, ImageMixin, Searchable):
    class FundingFramework(models.TextChoices):
        SIDA_CSO = "sida_cso", _("Sida CSO framework")
        SIDA_PAO = "sida_pao", _("Sida democracy support (PAO)")
        SOLIDARITY_FUND = "solidarity_fund", _("solidarity fund")
        OTHER = "other", _("other")

    name = models.CharField(
        _("name"), max_length=200,
        help_text=_("The programme's name, short and plain. Shown on the programme page, "
                    "the region and country pages, as a filter on the project list and "
                    "in search."))
    slug = models.SlugField(
        _("slug"), max_length=200, unique=True,
        help_text=_("The last part of the page's web address: lower-case letters, digits "
                    "and hyphens. Filled in from the Swedish name; keep it once the page "
                    "is public, links to it would break."))
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT,
        related_name="programmes",
        help_text=_("The region the programme works in. Listed on that region's page."))
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), related_name="programmes",
        help_text=_("The countries the programme works in; at least one. Shown on the "
                    "programme page and listed on the country pages."))
    funding_framework = models.CharField(
        _("funding framework"), max_length=32, choices=FundingFramework.choices,
        help_text=_("The kind of funding the programme runs under. Shown on the "
                    "programme page."))
    funder = models.ForeignKey(
        Funder, verbose_name=_("funder"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="programmes",
        help_text=_("Who pays for the programme, e.g. Sida. Shown on the programme "
                    "page."))
    funder_contribution_identifier = models.CharField(
        _("funder's contribution identifier"), max_length=150, blank=True,
        help_text=_("The IATI identifier of the funder's contribution (e.g. Sida's frame "
                    "agreement) that this programme belongs to."),
    )
    start_date = models.DateField(
        _("start date"),
        help_text=_("The day the programme starts. Shown on the programme page; "
                    "programmes are listed newest first."))
    end_date = models.DateField(
        _("end date"), null=True, blank=True,
        help_text=_("Leave empty while it is not known. Shown on the programme page."))
    summary = models.TextField(
        _("summary"), blank=True,
        help_text=_("One or two sentences. Shown at the top of the programme page and in "
                    "search results."))
    body = models.TextField(
        _("body"), blank=True,
        help_text=_("The full description. Shown on the programme page."))
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="programmes",
        help_text=_("What the programme is about. Shown on the programme page."))
    published = models.BooleanField(
        _("published"), default=False,
        help_text=_("Visitors see the programme only when it is published; until then "
                    "it is a draft."))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = SearchableManager.from_queryset(ProgrammeQuerySet)()

    SEARCH_FIELDS = (("A", ("name_{lang}",)), ("B", ("summary_{lang}",)),
                     ("C", ("body_{lang}",)))

    # Written in Markdown, shown as HTML (common.markdown); the admin says so.
    MARKDOWN_FIELDS = ("body",)

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="projects_programme_end_not_before_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            slug_not_empty("programme"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:programme-detail", kwargs={"slug": self.slug})

    @property
    def is_public(self):
        return self.published


class Partner(models.Model):
    """A local partner organisation abroad. Never shown for projects that hide partners."""

    # Names are not unique (two towns may each have a "Women's Centre"): the slug is the
    # partner's key in the project spreadsheet.
    name = models.CharField(
        _("name"), max_length=200,
        help_text=_("The organisation's own name. Shown on the pages of its projects and "
                    "in the open data, unless a project hides its partners."))
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True,
        help_text=_("The partner's key in the project spreadsheet: lower-case letters, "
                    "digits and hyphens. Filled in from the name; keep it once in use, "
                    "spreadsheets would break."))
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT,
        related_name="partners",
        help_text=_("Where the organisation works. Shown with its name, unless a project "
                    "hides its partners."))
    place = models.CharField(_("place"), max_length=100, blank=True,
                             help_text=_("Town or district, below country level."))
    website = models.URLField(
        _("website"), blank=True,
        help_text=_("The full address, starting with https://. For staff; not shown to "
                    "visitors."))
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("local partner organisation")
        verbose_name_plural = _("local partner organisations")
        constraints = [slug_not_empty("partner")]

    def __str__(self):
        return self.name


# The project list's default order; project_public_start_idx serves it.
NEWEST_FIRST = ("-start_date", "-pk")


class ProjectQuerySet(models.QuerySet):
    def public(self):
        """Projects a visitor may see: published and not internal. The one visibility rule."""
        return self.filter(published=True).exclude(visibility=Project.Visibility.INTERNAL)

    def past_their_end(self):
        """Projects still marked ongoing whose end date has passed: staff should mark them
        completed (or move the end date) rather than report them ongoing for years."""
        return self.filter(status=Project.Status.ONGOING,
                           end_date__lt=timezone.localdate())

    def in_region(self, region):
        return self.filter(
            Exists(Country.objects.filter(region=region, projects=OuterRef("pk")))
        )

    def newest_first(self):
        """The project list's default order (its "newest" sort), which the other pages'
        "all projects" links lead to: latest start first."""
        return self.order_by(*NEWEST_FIRST)

    def newest_published(self):
        """Newest published first; one never stamped (published before the date was
        kept) after all the others, as SQLite and PostgreSQL both sort it."""
        return self.order_by(F("published_at").desc(nulls_last=True), "-pk")

    def for_cards(self):
        """What a project card (includes/project_card.html) shows and nothing more: its
        own fields without the long body, and its countries A-Z (card_countries, a list:
        no queryset is made per card) in one more query whatever the number of cards."""
        return self.only(*Project.CARD_FIELDS).prefetch_related(
            Prefetch("countries", queryset=Country.objects.only(
                "name", "iso_code", "region__slug").select_related("region").order_by("name"),
                to_attr="card_countries"))


class Project(AidClassification, ImageMixin, Searchable):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        ONGOING = "ongoing", _("ongoing")
        COMPLETED = "completed", _("completed")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("public")
        HIDE_PARTNERS = "hide_partners", _("public without partner names and places")
        INTERNAL = "internal", _("internal (never shown outside admin)")

    title = models.CharField(
        _("title"), max_length=250,
        help_text=_("The project's name, short and plain. Shown on the project page, its "
                    "card, in search and in the IATI file."))
    slug = models.SlugField(
        _("slug"), max_length=250, unique=True,
        help_text=_("The last part of the page's web address: lower-case letters, digits "
                    "and hyphens. Filled in from the Swedish title; keep it once the page "
                    "is public, links to it would break."))
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="projects",
        help_text=_("The programme the project is part of, if any. Shown on the project "
                    "page, as a filter on the project list and in the IATI file."))
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), related_name="projects",
        help_text=_("Where the work is done; at least one. Shown on the project page and "
                    "card, on the map and country pages, and in the IATI file."))
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="projects",
        help_text=_("What the work is about. Shown on the project page, as a filter on the "
                    "project list and as sectors in the IATI file."))
    partners = models.ManyToManyField(
        Partner, verbose_name=_("local partners"), blank=True, related_name="projects",
        help_text=_("The local organisations the project works with. Shown on the project "
                    "page and in the open data, unless the visibility hides partners."))
    member_organisations = models.ManyToManyField(
        MemberOrganisation, verbose_name=_("implementing member organisations"), blank=True,
        related_name="projects",
        help_text=_("The member organisations that carry out the project. Shown on the "
                    "project page, as a filter on the project list and in the open data."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED,
        help_text=_("Shown on the project page and card, as a filter on the project list "
                    "and as the activity status in the IATI file."))
    start_date = models.DateField(
        _("start date"),
        help_text=_("The day the project starts. The year shows on the card; the list is "
                    "sorted by it."))
    end_date = models.DateField(
        _("end date"), null=True, blank=True,
        help_text=_("Leave empty while it is not known. Needed for the budget to be split "
                    "over years in the IATI file."))
    budget_sek = models.BigIntegerField(
        _("budget (SEK)"), null=True, blank=True,
        help_text=_("The whole budget in Swedish kronor, digits only (e.g. 1500000). Shown "
                    "on the project page and card and in the open data."))
    funder = models.ForeignKey(
        Funder, verbose_name=_("funder"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="projects",
        help_text=_("Who pays for the project, e.g. Sida. Shown on the project page, as a "
                    "filter on the project list and in the IATI file."))
    summary = models.TextField(
        _("summary"), blank=True,
        help_text=_("One or two sentences. Shown on the card, at the top of the project "
                    "page and in the IATI file."))
    body = models.TextField(
        _("body"), blank=True,
        help_text=_("The full description. Shown on the project page and in the IATI "
                    "file."))
    people_reached = models.PositiveIntegerField(
        _("people reached"), null=True, blank=True,
        help_text=_("How many people the project has reached, a whole number. Shown on the "
                    "project page and in the open data."))
    humanitarian = models.BooleanField(
        _("humanitarian"), default=False,
        help_text=_("Tick when the project is humanitarian aid (relief in a crisis) "
                    "rather than development cooperation. Stated in the IATI file."))
    budget_not_provided = models.CharField(
        _("why no budget is given"), max_length=1, blank=True,
        choices=[("1", _("commercial restrictions")), ("2", _("legal restrictions")),
                 ("3", _("rapid onset emergency"))],
        help_text=_("Only for a project whose budget may not be published: the IATI file "
                    "then states the reason instead of a budget."))
    iati_identifier = models.CharField(
        _("IATI activity identifier"), max_length=150, unique=True,
        validators=[iati_identifier_validator],
        help_text=_("The project's code in the international aid register IATI: "
                    "Palmecentret's organisation identifier, a hyphen and a code of its "
                    "own. A new project gets a proposal. Shown in the IATI file and the "
                    "open data."))
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices,
        default=Visibility.PUBLIC,
        help_text=_("Hide partners when naming them could put people at risk: the page "
                    "and open data then show no partner names or places. Internal "
                    "projects are never shown outside the admin."))
    published = models.BooleanField(
        _("published"), default=False,
        help_text=_("Visitors see the project only when it is published (and not "
                    "internal); until then it is a draft."))
    is_demo = models.BooleanField(
        _("example content"), default=False,
        help_text=_("Made up to show the portal (manage.py load_demo): pages mark it "
                    "with an \"Example\" badge."))
    published_at = models.DateTimeField(_("first published"), null=True, blank=True,
                                        editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = SearchableManager.from_queryset(ProjectQuerySet)()

    # Partners are not searched: a project that hides its partners must not be found by
    # their names or places.
    SEARCH_FIELDS = (("A", ("title_{lang}",)), ("B", ("summary_{lang}",)),
                     ("C", ("body_{lang}",)))

    CODELISTS = {**AidClassification.CODELISTS, "budget_not_provided": "BudgetNotProvided"}

    # Written in Markdown, shown as HTML (common.markdown); the admin says so.
    MARKDOWN_FIELDS = ("body",)
    # It is found by the names its page shows of what it is linked to too (short names:
    # visitors type "Sida" and "LO"), below its own texts: a project whose title names
    # a country ranks above one that only works there.
    SEARCH_RELATED = ("D", (
        "countries__name_{lang}", "countries__region__name_{lang}", "themes__name_{lang}",
        "programme__name_{lang}", "member_organisations__name_{lang}",
        "member_organisations__short_name", "funder__name_{lang}", "funder__short_name",
    ))

    # What a project card shows (ProjectQuerySet.for_cards), and the programme's id,
    # which a programme's related manager (programme.projects) sets on every row.
    CARD_FIELDS = ("title", "slug", "status", "start_date", "end_date", "budget_sek",
                   "summary", "programme", "is_demo", *ImageMixin.IMAGE_FIELDS)

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="projects_project_end_not_before_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(budget_sek__isnull=True) | Q(budget_sek__gte=0),
                name="projects_project_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
        ]
        # Partial indexes over the public projects only (the condition is public()'s,
        # so PostgreSQL and SQLite use them for any query that starts from public()).
        indexes = [
            # The project list's default order, newest first: the first page is read
            # from the index instead of sorting every public project.
            models.Index(fields=["-start_date", "-id"],
                         condition=Q(published=True) & ~Q(visibility="internal"),
                         name="project_public_start_idx"),
            # "Latest projects" on the home and region pages (newest_published()) read
            # project_public_published_idx, which migration 0013 builds on PostgreSQL
            # only: SQLite cannot build an index in the order NULLS LAST.
            # A programme's projects in the list's default order (its page).
            models.Index(fields=["programme", "-start_date", "-id"],
                         condition=Q(published=True) & ~Q(visibility="internal"),
                         name="project_public_programme_idx"),
            # The completed projects of a country page and the list filtered by status,
            # newest first: completed projects are the oldest, and the default order's
            # index would pass every newer project before reaching them.
            models.Index(fields=["status", "-start_date", "-id"],
                         condition=Q(published=True) & ~Q(visibility="internal"),
                         name="project_public_status_idx"),
            # Counts of public projects by country, member, programme or status: the
            # join from the link table checks "public" in this index alone.
            models.Index(fields=["id", "status"],
                         condition=Q(published=True) & ~Q(visibility="internal"),
                         name="project_public_id_status_idx"),
            # The feeds and the sitemap's latest change.
            models.Index(fields=["-updated", "-id"],
                         condition=Q(published=True) & ~Q(visibility="internal"),
                         name="project_public_updated_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:project-detail", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        try:
            super().clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # A completed project has ended: the IATI file would otherwise call it finished
        # with an end still to come (or none at all).
        if self.status == self.Status.COMPLETED and (
                self.end_date is None or self.end_date > timezone.localdate()):
            errors.setdefault("end_date", []).append(ValidationError(
                _("A completed project needs its actual end date, which cannot be in the "
                  "future. Give the end date, or keep the status ongoing."),
                code="completed_without_end"))
        if errors:
            raise ValidationError(errors)

    def publishing_problems(self):
        """publishing_problems() of the project as saved."""
        return publishing_problems(self.countries.all(), self.themes.all())

    def save(self, *args, **kwargs):
        if self.published and self.published_at is None:
            self.published_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "published_at"}
        super().save(*args, **kwargs)

    @property
    def years(self):
        """The years it runs, as a card shows them (year_span)."""
        return year_span(self.start_date, self.end_date)

    @property
    def hides_partners(self):
        return self.visibility == self.Visibility.HIDE_PARTNERS

    def classification(self, name):
        """The project's value of an AidClassification field, else its programme's."""
        own = getattr(self, name)
        if own or self.programme is None:
            return own
        return getattr(self.programme, name)

    @property
    def is_public(self):
        return self.published and self.visibility != self.Visibility.INTERNAL



# --- Money and results, as IATI reports them ---------------------------------------------

class Transaction(CodelistChecked):
    """Money that moved for a project: funds that came in, disbursements to a partner,
    and what the project spent itself. Never in the future (a plan is a budget)."""

    class Type(models.TextChoices):
        # IATI TransactionType codes.
        INCOMING_FUNDS = "1", _("incoming funds")
        DISBURSEMENT = "3", _("disbursement to a partner")
        EXPENDITURE = "4", _("expenditure")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="transactions")
    transaction_type = models.CharField(
        _("type"), max_length=2, choices=Type.choices,
        help_text=_("Incoming funds: money from a funder. Disbursement: money paid to a "
                    "local partner. Expenditure: what the project paid for itself."))
    date = models.DateField(
        _("date"),
        help_text=_("The day the money moved. Not in the future."))
    value = models.DecimalField(
        _("amount"), max_digits=15, decimal_places=2,
        help_text=_("The amount, more than zero, e.g. 250000 or 1200.50."))
    currency = models.CharField(
        _("currency"), max_length=3, default="SEK",
        help_text=_("Three capital letters, e.g. SEK, EUR or USD."))
    value_date = models.DateField(
        _("value date"), null=True, blank=True,
        help_text=_("The day whose exchange rate converts the amount. Leave empty for the "
                    "day the money moved."))
    provider = models.ForeignKey(
        Funder, verbose_name=_("from funder"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="transactions",
        help_text=_("For incoming funds: who paid, e.g. Sida."))
    provider_activity_id = models.CharField(
        _("funder's activity identifier"), max_length=150, blank=True,
        help_text=_("For incoming funds: the IATI identifier of the funder's own activity "
                    "the money comes from, e.g. Sida's contribution to the programme. Left "
                    "empty, the programme's contribution identifier is used."))
    receiver = models.ForeignKey(
        Partner, verbose_name=_("to local partner"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="transactions",
        help_text=_("For a disbursement: the local partner paid. When the project hides "
                    "its partners, the open data only says \"a local partner\"."))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    CODELISTS = {"currency": "Currency"}

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0),
                                   name="projects_transaction_value_positive",
                                   violation_error_message=_("The amount must be more than "
                                                             "zero.")),
            models.CheckConstraint(
                condition=Q(provider__isnull=True) | Q(transaction_type="1"),
                name="projects_transaction_provider_only_incoming",
                violation_error_message=_("Only incoming funds come from a funder.")),
            models.CheckConstraint(
                condition=Q(receiver__isnull=True) | Q(transaction_type="3"),
                name="projects_transaction_receiver_only_disbursement",
                violation_error_message=_("Only a disbursement goes to a local partner.")),
        ]

    def __str__(self):
        return f"{self.get_transaction_type_display()} {self.date}: {self.value} {self.currency}"

    def clean(self):
        super().clean()
        today = timezone.localdate()
        errors = {name: ValidationError(
                      _("The date cannot be in the future: record a transaction once the "
                        "money has moved."), code="future")
                  for name in ("date", "value_date")
                  if getattr(self, name) and getattr(self, name) > today}
        if errors:
            raise ValidationError(errors)


class PolicyMarker(CodelistChecked):
    """How much a programme, or a project, aims at a policy objective the OECD DAC tracks
    (gender equality, good governance, ...). A project with markers of its own reports
    those; otherwise its programme's."""

    class Code(models.TextChoices):
        # IATI PolicyMarker codes (vocabulary 1, OECD DAC CRS).
        GENDER_EQUALITY = "1", _("gender equality")
        ENVIRONMENT = "2", _("aid to environment")
        GOOD_GOVERNANCE = "3", _("participatory development and good governance")
        TRADE = "4", _("trade development")
        BIODIVERSITY = "5", _("biological diversity")
        CLIMATE_MITIGATION = "6", _("climate change mitigation")
        CLIMATE_ADAPTATION = "7", _("climate change adaptation")
        DESERTIFICATION = "8", _("desertification")
        RMNCH = "9", _("reproductive, maternal, newborn and child health")
        DISASTER_RISK = "10", _("disaster risk reduction")
        DISABILITY = "11", _("disability")
        NUTRITION = "12", _("nutrition")

    class Significance(models.TextChoices):
        # IATI PolicySignificance codes.
        NOT_TARGETED = "0", _("not targeted")
        SIGNIFICANT = "1", _("significant objective")
        PRINCIPAL = "2", _("principal objective")

    programme = models.ForeignKey(Programme, verbose_name=_("programme"), null=True,
                                  blank=True, on_delete=models.CASCADE,
                                  related_name="policy_markers")
    project = models.ForeignKey(Project, verbose_name=_("project"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="policy_markers")
    code = models.CharField(
        _("policy objective"), max_length=2, choices=Code.choices,
        help_text=_("The objective, as the OECD DAC names it."))
    significance = models.CharField(
        _("significance"), max_length=1, choices=Significance.choices,
        help_text=_("Principal: the work would not be done without this objective. "
                    "Significant: an important but secondary aim."))

    CODELISTS = {"code": "PolicyMarker", "significance": "PolicySignificance"}

    class Meta:
        ordering = ["code"]
        verbose_name = _("policy marker")
        verbose_name_plural = _("policy markers")
        constraints = [
            models.CheckConstraint(
                condition=(Q(programme__isnull=True) & Q(project__isnull=False))
                | (Q(programme__isnull=False) & Q(project__isnull=True)),
                name="projects_policymarker_one_owner"),
            models.UniqueConstraint(fields=["programme", "code"],
                                    name="projects_policymarker_once_per_programme",
                                    violation_error_message=_("Each objective only once.")),
            models.UniqueConstraint(fields=["project", "code"],
                                    name="projects_policymarker_once_per_project",
                                    violation_error_message=_("Each objective only once.")),
        ]

    def __str__(self):
        return f"{self.get_code_display()}: {self.get_significance_display()}"


class Result(CodelistChecked):
    """What a project set out to achieve, measured by its indicators."""

    class Type(models.TextChoices):
        # IATI ResultType codes.
        OUTPUT = "1", _("output")
        OUTCOME = "2", _("outcome")
        IMPACT = "3", _("impact")
        OTHER = "9", _("other")

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="results")
    result_type = models.CharField(
        _("type"), max_length=1, choices=Type.choices, default=Type.OUTCOME,
        help_text=_("Output: what the project delivers (courses held). Outcome: the change "
                    "it brings (members who negotiate). Impact: the long-term change."))
    title = models.CharField(
        _("title"), max_length=250,
        help_text=_("The result in one sentence, e.g. Young women lead local union "
                    "branches. Shown on the project page and in the IATI file."))
    description = models.TextField(
        _("description"), blank=True,
        help_text=_("More about the result and how it is measured, in a few sentences."))
    updated = models.DateTimeField(_("updated"), auto_now=True)

    CODELISTS = {"result_type": "ResultType"}

    class Meta:
        ordering = ["pk"]
        verbose_name = _("result")
        verbose_name_plural = _("results")

    def __str__(self):
        return self.title


class Indicator(CodelistChecked):
    """How a result is measured: a number with a baseline, and per period a target and what
    was achieved."""

    class Measure(models.TextChoices):
        # IATI IndicatorMeasure codes: numbers only (qualitative indicators carry none).
        UNIT = "1", _("number")
        PERCENTAGE = "2", _("percentage")

    result = models.ForeignKey(Result, verbose_name=_("result"), on_delete=models.CASCADE,
                               related_name="indicators")
    title = models.CharField(
        _("title"), max_length=250,
        help_text=_("What is counted, e.g. People reached by the courses, or Share of "
                    "branch chairs who are women."))
    measure = models.CharField(
        _("measure"), max_length=1, choices=Measure.choices, default=Measure.UNIT,
        help_text=_("A number (people, courses) or a percentage (0–100)."))
    ascending = models.BooleanField(
        _("higher is better"), default=True,
        help_text=_("Untick when a lower value is the aim, e.g. reported threats."))
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"), null=True, blank=True,
        help_text=_("The year the starting value was measured."))
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=15, decimal_places=2, null=True, blank=True,
        help_text=_("The value before the project began, e.g. 0."))
    updated = models.DateTimeField(_("updated"), auto_now=True)

    CODELISTS = {"measure": "IndicatorMeasure"}

    class Meta:
        ordering = ["pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(
                condition=Q(baseline_year__isnull=True, baseline_value__isnull=True)
                | Q(baseline_year__isnull=False, baseline_value__isnull=False),
                name="projects_indicator_baseline_year_and_value",
                violation_error_message=_("Give the baseline's year and value, or "
                                          "neither.")),
        ]

    def __str__(self):
        return self.title


class IndicatorPeriod(models.Model):
    """An indicator's target for a period and, once measured, the value achieved."""

    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"),
                                  on_delete=models.CASCADE, related_name="periods")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    target = models.DecimalField(
        _("target"), max_digits=15, decimal_places=2,
        help_text=_("The value aimed for by the end of the period."))
    actual = models.DecimalField(
        _("achieved"), max_digits=15, decimal_places=2, null=True, blank=True,
        help_text=_("The value measured at the end of the period. Leave empty until it "
                    "is measured."))
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["period_start", "pk"]
        verbose_name = _("indicator period")
        verbose_name_plural = _("indicator periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="projects_indicatorperiod_end_not_before_start",
                violation_error_message=_("The period cannot end before it starts.")),
        ]

    def __str__(self):
        return f"{self.period_start}–{self.period_end}"


class AnnualReport(models.Model):
    """Palmecentret's annual report for a year, linked from the IATI organisation file and
    the open-data page."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, help_text=_("The year the report covers."))
    url = models.URLField(
        _("address"),
        help_text=_("The full address of the report (a PDF or a web page), starting with "
                    "https://."))
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")

    def __str__(self):
        return str(self.year)
