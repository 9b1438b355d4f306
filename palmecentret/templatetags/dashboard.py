"""The admin index's dashboard: the counts staff look for first, each shown only to
those whose role covers it."""

import datetime

from django import template
from django.db.models import Count, Q
from django.utils import timezone

from newsletter.models import Registration, Seminar, Subscriber, still_held
from projects.models import Project, Region

register = template.Library()


@register.inclusion_tag("admin/includes/dashboard.html", takes_context=True)
def portal_dashboard(context):
    user = context["request"].user
    data = {"can_see_projects": user.has_perm("projects.view_project"),
            "can_see_subscribers": user.has_perm("newsletter.view_subscriber"),
            "can_see_seminars": user.has_perm("newsletter.view_seminar")}
    if data["can_see_projects"]:
        data["regions"] = Region.objects.with_counts()
        drafts = Project.objects.filter(published=False)
        data["draft_count"] = drafts.count()
        data["latest_drafts"] = drafts.order_by("-updated")[:5]
        # Published as ongoing, though their end date has passed (projects' list filter
        # past_end shows the same ones).
        data["past_their_end"] = Project.objects.filter(published=True).past_their_end().count()
    if data["can_see_subscribers"]:
        now = timezone.localtime()
        month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        data["new_subscribers"] = Subscriber.objects.filter(
            created__gte=month_start, confirmed_at__isnull=False).count()
        data["month"] = month_start
    if data["can_see_seminars"]:
        seminar = Seminar.objects.upcoming().first()
        if seminar:
            # What still counts: a registration nobody confirmed in time holds nothing.
            held = still_held()
            data.update(seminar.registrations.aggregate(
                registered=Count("pk", filter=held & Q(status=Registration.Status.CONFIRMED)),
                waitlisted=Count("pk", filter=held & Q(status=Registration.Status.WAITLISTED))))
            data["next_seminar"] = seminar
    data["today"] = datetime.date.today()
    return data
