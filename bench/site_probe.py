"""The benchmark's look inside the portal: real URLs, export user, query counts, profiles."""

# Run by bench/run.py with the benchmark's environment (production settings, the bench
# database), as `python bench/site_probe.py <command> ...`. It prints JSON on stdout so
# run.py never has to import Django itself (its settings read the environment at import).

import argparse
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palmecentret.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.storage import staticfiles_storage  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402
from django.utils.http import urlencode  # noqa: E402

from members.models import MemberOrganisation, Network  # noqa: E402
from newsletter.models import Seminar  # noqa: E402
from projects.models import Country, Programme, Project, Region, Theme  # noqa: E402


def _most_projects(queryset, relation):
    """The object of `queryset` with the most public projects: the heaviest real page of
    its kind, so the benchmark does not flatter the portal with an empty one."""
    public = Project.objects.public()
    return (queryset.annotate(n=Count(relation, filter=Q(**{f"{relation}__in": public}),
                                      distinct=True))
            .order_by("-n", "pk").first())


def _search_word(candidates):
    """The first candidate word that most public projects' Swedish summaries contain, with
    their number: searched for, its hits are ranked and counted at their heaviest. Read
    with a plain filter, not the search itself, so the pick does not depend on how the
    search works."""
    public = Project.objects.public()
    for word in candidates:
        hits = public.filter(summary_sv__icontains=word).count()
        if hits:
            return word, hits
    return candidates[0], 0


def command_urls(args):
    """The pages to benchmark: one of every kind of public page, on the Swedish (default)
    site, and the search on the English one too."""
    region = _most_projects(Region.objects.all(), "countries__projects")
    country = _most_projects(Country.objects.all(), "projects")
    theme = _most_projects(Theme.objects.all(), "projects")
    programme = _most_projects(Programme.objects.public(), "projects")
    member = _most_projects(MemberOrganisation.objects.public(), "projects")
    network = (Network.objects.public().annotate(n=Count("members"))
               .order_by("-n", "pk").first())
    # The next seminar (the one visitors look at), or the latest if none is ahead.
    seminar = Seminar.objects.upcoming().first() or Seminar.objects.past().first()
    # The first public project by pk is one of the hand-written demo projects, which have
    # every relation (partners, programme, members) a generated one may lack.
    project = Project.objects.public().order_by("pk").first()
    missing = [name for name, obj in [
        ("region", region), ("country", country), ("theme", theme),
        ("programme", programme), ("member organisation", member), ("network", network),
        ("seminar", seminar), ("project", project)] if obj is None]
    if missing:
        sys.exit(f"site_probe: no {', '.join(missing)} in the database; was load_demo run?")
    # Generated summaries read "... om <theme> i <country>.", so a theme word matches
    # thousands of projects: search at its heaviest.
    word, hits = _search_word([theme.name_sv.split()[0].lower(),
                               country.name_sv.split()[0].lower(), "projekt"])
    word_en = (theme.name_en or theme.name_sv).split()[0].lower()

    with translation.override(settings.LANGUAGE_CODE):
        project_list = reverse("projects:project-list")
        pages = [
            ("home", reverse("home")),
            ("about", reverse("about")),
            ("support", reverse("support")),
            ("regions", reverse("projects:region-list")),
            ("region", reverse("projects:region-detail", args=[region.slug])),
            ("country", reverse("projects:country-detail", args=[country.slug])),
            ("programme", reverse("projects:programme-detail", args=[programme.slug])),
            ("projects", project_list),
            ("projects?country", f"{project_list}?{urlencode({'country': country.slug})}"),
            ("projects?theme", f"{project_list}?{urlencode({'theme': theme.slug})}"),
            ("projects?country&theme",
             f"{project_list}?{urlencode({'country': country.slug, 'theme': theme.slug})}"),
            ("project", reverse("projects:project-detail", args=[project.slug])),
            ("members", reverse("members:member-list")),
            ("member", reverse("members:member-detail", args=[member.slug])),
            ("networks", reverse("members:network-list")),
            ("network", reverse("members:network-detail", args=[network.slug])),
            ("seminars", reverse("newsletter:seminar-list")),
            ("seminar", reverse("newsletter:seminar-detail", args=[seminar.slug])),
            ("newsletter", reverse("newsletter:signup")),
            ("open data", reverse("projects:open-data")),
            ("search", f"{reverse('search')}?{urlencode({'q': word})}"),
            # The sitemap index (/sitemap.xml), which robots.txt names; its sections are
            # paged at 5,000 addresses each.
            ("sitemap", reverse("sitemap")),
        ]
    with translation.override("en"):
        pages.append(("search (en)", f"{reverse('search')}?{urlencode({'q': word_en})}"))
    json.dump({
        "pages": [{"name": name, "path": path} for name, path in pages],
        # The hashed name collectstatic wrote, as the pages link it.
        "static": {"name": "static css", "path": staticfiles_storage.url("css/site.css")},
        "picked": {
            "region": region.slug, "country": country.slug, "theme": theme.slug,
            "programme": programme.slug, "member": member.slug, "network": network.slug,
            "seminar": seminar.slug, "project": project.slug,
            "search_word": word, "search_hits": hits, "search_word_en": word_en,
            "public_projects": Project.objects.public().count(),
        },
        "export_path": reverse("admin:newsletter_subscriber_export"),
        "login_path": reverse("admin:login"),
    }, sys.stdout)


def command_superuser(args):
    """A superuser for the export measurement; the password comes from the environment
    so it never appears in a process list."""
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username=args.username)
    user.is_staff = user.is_superuser = user.is_active = True
    user.email = f"{args.username}@example.org"
    user.set_password(os.environ["BENCH_ADMIN_PASSWORD"])
    user.save()
    json.dump({"username": user.username}, sys.stdout)


def command_clear_cache(args):
    # Only reaches a shared cache (Redis); a locmem cache lives in each server process
    # and starts empty with it anyway.
    cache.clear()
    json.dump({"cleared": settings.CACHES["default"]["BACKEND"]}, sys.stdout)


def _client():
    # The same request the load tool sends: loopback host, forwarded as HTTPS.
    return Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https",
                  raise_request_exception=False)


def command_queries(args):
    """Queries and in-process time of each path (median of --repeat requests after one
    warm-up), without the server, the network or the load tool."""
    client = _client()
    rows = []
    for path in args.paths:
        client.get(path)  # imports, template compilation, PostgreSQL buffers
        times, count, status, size = [], None, None, None
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(path)
                content = b"".join(response) if response.streaming else response.content
                times.append(time.perf_counter() - start)
            count, status, size = len(queries), response.status_code, len(content)
        slowest = sorted(queries.captured_queries, key=lambda q: float(q["time"]),
                         reverse=True)[:args.slowest]
        rows.append({
            "path": path, "status": status, "bytes": size, "queries": count,
            "median_ms": round(statistics.median(times) * 1000, 1),
            "query_ms": round(sum(float(q["time"]) for q in queries.captured_queries)
                              * 1000, 1),
            "slowest_queries": [{"ms": round(float(q["time"]) * 1000, 1),
                                 "sql": q["sql"][:args.sql_chars]} for q in slowest],
        })
    json.dump(rows, sys.stdout)


def command_profile(args):
    """cProfile of one request to a path (after a warm-up), the top functions printed."""
    client = _client()
    client.get(args.path)
    profile = cProfile.Profile()
    with CaptureQueriesContext(connection) as queries:
        profile.enable()
        response = client.get(args.path)
        profile.disable()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
    print(f"{args.path}: status {response.status_code}, {len(response.content)} bytes, "
          f"{len(queries)} queries, "
          f"{sum(float(q['time']) for q in queries.captured_queries) * 1000:.1f} ms in SQL")
    print(out.getvalue())


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("urls").set_defaults(func=command_urls)
    superuser = commands.add_parser("superuser")
    superuser.add_argument("--username", default="bench-admin")
    superuser.set_defaults(func=command_superuser)
    commands.add_parser("clear-cache").set_defaults(func=command_clear_cache)
    queries = commands.add_parser("queries")
    queries.add_argument("paths", nargs="+")
    queries.add_argument("--repeat", type=int, default=5)
    queries.add_argument("--slowest", type=int, default=3)
    queries.add_argument("--sql-chars", type=int, default=300)
    queries.set_defaults(func=command_queries)
    profile = commands.add_parser("profile")
    profile.add_argument("path")
    profile.add_argument("--top", type=int, default=30)
    profile.add_argument("--sort", default="cumulative")
    profile.set_defaults(func=command_profile)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
