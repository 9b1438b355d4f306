"""Site-wide pages: home, about, health check, robots.txt, the sitemap index and the
branded error pages."""

import logging
import sys
from pathlib import Path
from functools import cache, lru_cache
from urllib.parse import quote, urlencode, urlsplit

import segno

from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, connections
from django.db.models import Exists, OuterRef, Prefetch
from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import get_text_list
from django.utils import translation
from django.utils.translation import gettext as _
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.static import serve
from django.views.generic import TemplateView

from common.db_router import REPLICA
from common.search_documents import MAX_QUERY_LENGTH, clean_query
from common.views import BreadcrumbsMixin
from members.models import MemberOrganisation, Network
from projects.models import Country, Funder, Project, Region

from .forms import SUGGESTED_GIFTS, GiftAmountForm
from .middleware import DATABASE_UNAVAILABLE, database_unavailable_response
from .search import search
from .sitemaps import SITEMAPS

logger = logging.getLogger(__name__)


class HomeView(TemplateView):
    template_name = "palmecentret/home.html"
    latest_count = 6

    def get_context_data(self, **kwargs):
        # Each read once, and only when a cached fragment that shows it is missing: the
        # regions' cards and the hero's map share one query (and one of their countries).
        regions = cache(self.regions)
        return super().get_context_data(
            regions=regions,
            map_countries=lambda: [c for region in regions() for c in region.countries.all()],
            latest_projects=self.latest_projects,
            hero_project=self.hero_project,
            **kwargs,
        )

    def hero_project(self):
        """The newest published project with a photo, for the hero (else the map)."""
        return Project.objects.public().exclude(image="").newest_published().first()

    def regions(self):
        return list(Region.objects.with_counts().prefetch_related(
            Prefetch("countries", queryset=Country.objects.order_by("name"))))

    def latest_projects(self):
        return Project.objects.public().for_cards().newest_published()[:self.latest_count]


class AboutView(BreadcrumbsMixin, TemplateView):
    template_name = "palmecentret/about.html"

    def get_breadcrumbs(self):
        return [(reverse("about"), _("About us"))]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            # Called only when the template's cached fragment of it is missing.
            work=self.work,
            **kwargs,
        )

    def work(self):
        """The founders, member organisations, funders, networks and regions the page
        names, and its figures counted from the data (members, countries with a public
        project, public projects): one {% cache %} fragment, shared by all its visitors."""
        members = MemberOrganisation.objects.public()
        public_projects = Project.objects.public()
        return {
            "founder_names": get_text_list([f.name for f in members.filter(is_founder=True)],
                                           _("and")),
            "members": members.filter(parent__isnull=True),
            "member_count": members.count(),
            "country_count": Country.objects.filter(
                Exists(public_projects.filter(countries=OuterRef("pk")))).count(),
            "project_count": public_projects.count(),
            "networks": Network.objects.public().order_by("scope", "name"),
            "funders": Funder.objects.all(),
            "regions": Region.objects.with_counts(),
        }


class SupportView(BreadcrumbsMixin, TemplateView):
    """How to give to the solidarity fund (Swish, bank giro) and how to engage."""

    template_name = "palmecentret/support.html"

    def get_breadcrumbs(self):
        return [(reverse("support"), _("Support us"))]

    def get_context_data(self, **kwargs):
        # The amount for the Swish link comes back as ?amount= or ?other_amount=; a
        # page without them is the plain page, not a form with errors.
        chosen = {name: self.request.GET[name] for name in GiftAmountForm.base_fields
                  if name in self.request.GET}
        form = GiftAmountForm(chosen or None)
        amount = form.gift() if form.is_valid() else None
        message = _("Gift to the solidarity fund")
        return super().get_context_data(
            gift_form=form,
            suggested_gifts=SUGGESTED_GIFTS,
            gift_amount=amount,
            swish_link=swish_payment_link(settings.SWISH_NUMBER, message, amount),
            swish_number=settings.SWISH_NUMBER,
            bankgiro=settings.BANKGIRO,
            example_details=(settings.SWISH_NUMBER == settings.DEMO_SWISH_NUMBER
                             or settings.BANKGIRO == settings.DEMO_BANKGIRO),
            swish_qr=swish_qr_svg(settings.SWISH_NUMBER, message),
            members=MemberOrganisation.objects.public().filter(parent__isnull=True),
            **kwargs,
        )

    def render_to_response(self, context, **kwargs):
        # An amount that could not be used: the same page with the error, as a 400.
        if context["gift_form"].errors:
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)


class SearchView(BreadcrumbsMixin, TemplateView):
    """The site search (GET ?q=): any query, however odd, gets a normal page."""

    template_name = "palmecentret/search.html"

    def get_breadcrumbs(self):
        return [(reverse("search"), _("Search"))]

    def get_context_data(self, **kwargs):
        self.query = clean_query(self.request.GET.get("q", ""))
        return super().get_context_data(
            query=self.query,
            # Called only when the template's cached fragment of the results is missing.
            results=self.results,
            max_query_length=MAX_QUERY_LENGTH,
            **kwargs,
        )

    def results(self):
        """The hits for the query: one {% cache %} fragment, shared by every visitor who
        searches for the same words."""
        return search(self.query)

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if context["query"]:
            # Result pages are endless variations of other pages: keep them out of
            # search engines, while the empty search page itself may be indexed.
            response["X-Robots-Tag"] = "noindex"
        return response


def swish_payment_link(number, message, amount=None):
    """Swish's payment link (https://app.swish.nu/1/p/sw/, the form Swish's own link and
    QR generator makes): on a phone with Swish it opens the app with the payee (sw), the
    amount in kronor (amt, left out when none is chosen) and the message (msg) filled in;
    the giver may still change amount and message (edit)."""
    params = {"sw": "".join(ch for ch in number if ch.isdigit())}
    if amount is not None:
        params["amt"] = str(int(amount))
    params.update({"cur": "SEK", "msg": message, "edit": "amt,msg", "src": "url"})
    return "https://app.swish.nu/1/p/sw/?" + urlencode(params, quote_via=quote)


def swish_qr_svg(number, message):
    """A Swish QR code as inline SVG, made on the server (segno): the Swish app reads
    'C<number>;<amount>;<message>;<locks>' and opens a payment with the number filled in."""
    label = _("QR code for giving to the solidarity fund with Swish, number %(number)s") % {
        "number": number}
    return _swish_qr_svg(number, message, label)


# The same few codes (a number, and its message and label in each language) on every
# visit of the support page: made once per process, not in each request.
@lru_cache(maxsize=16)
def _swish_qr_svg(number, message, label):
    payee = "".join(ch for ch in number if ch.isdigit())
    code = segno.make(f"C{payee};;{message};0", error="m")
    svg = code.svg_inline(scale=4, omitsize=True, svgclass="swish-qr", dark="#1d1d1b",
                          light="#ffffff")
    # Named for screen readers; the number is also written out beside the code.
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, 503 when it does not (for the load balancer).

    With a read replica (DATABASE_REPLICA_URL) the answer also says whether it answers,
    for monitoring, but only the primary decides the status: every web server shares the
    one replica, so taking them all out of the load balancer for it would take the whole
    site down, staff and forms included, instead of only uncached public pages."""
    if not _answers(DEFAULT_DB_ALIAS):
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    answer = {"status": "ok", "database": "up"}
    if REPLICA in settings.DATABASES:
        answer["replica"] = "up" if _answers(REPLICA) else "down"
    return JsonResponse(answer)


def _answers(alias):
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    # Any database error, InterfaceError (a connection already closed) included, which is
    # no DatabaseError.
    except (DatabaseError, InterfaceError) as exc:
        name = "database" if alias == DEFAULT_DB_ALIAS else f"database {alias!r}"
        logger.error("health check: %s unavailable: %s", name, exc)
        return False
    return True


@require_GET
def robots_txt(request):
    search_urls = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            search_urls.append(reverse("search"))
    # No line for the admin: robots.txt is public, and naming the admin's address there
    # would undo choosing it (ADMIN_URL). Its pages tell crawlers themselves not to index
    # them (Django admin's <meta name="robots" content="NONE,NOARCHIVE">).
    lines = [
        "User-agent: *",
        # Search results are endless combinations of words; the pages themselves are in
        # the sitemap.
        *(f"Disallow: {url}?" for url in search_urls),
        f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_GET
def sitemap_index(request):
    """/sitemap.xml: Django's index of the sitemap's sections (palmecentret/sitemaps.py),
    which it would address on the request's Host header, the sender's choice; they are on
    SITE_URL, like the addresses inside them."""
    response = sitemap_views.index(request, SITEMAPS, sitemap_url_name="sitemap-section")
    site = urlsplit(settings.SITE_URL)
    for entry in response.context_data["sitemaps"]:
        entry.location = urlsplit(entry.location)._replace(
            scheme=site.scheme, netloc=site.netloc).geturl()
    return response


def page_not_found(request, exception):
    # /Projekt/ or /EN/PROJECTS/: the nearest sensible page is the lower-case one.
    lowered = request.path.lower()
    if lowered != request.path:
        try:
            resolve(lowered)
        except Resolver404:
            pass
        else:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(lowered + (f"?{query}" if query else ""))
    return render(request, "404.html", status=404)


def server_error(request):
    # The exception being handled: a database that went away while middleware used it
    # (a logged-in visitor's session) is the 503 page, like one failing in a view.
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_UNAVAILABLE):
        return database_unavailable_response(request, exception)
    # No context processors: whatever failed may be what they need (the database).
    return HttpResponse(loader.get_template("500.html").render(), status=500)


@require_GET
def rendition(request, path):
    """An image rendition from MEDIA_ROOT/renditions, where SERVE_MEDIA is on (development,
    the browser tests); production leaves them to nginx."""
    if not settings.SERVE_MEDIA:
        raise Http404
    return serve(request, path,
                 document_root=Path(settings.MEDIA_ROOT) / settings.IMAGEKIT_CACHEFILE_DIR)
