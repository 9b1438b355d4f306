"""Seminar registration pages: the form, registering, the confirm and cancel links, the
iCalendar feed."""

import logging

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from common.db_router import reads_from_primary

from . import calendar, limits, registrations, tasks, tokens
from .emails import absolute
from .forms import SeminarRegistrationForm
from .models import MailingList, Registration, Seminar
from .subscriptions import subscribe

logger = logging.getLogger(__name__)

# The list that the "also send me seminar invitations" box subscribes to; without it the
# box is not offered.
INVITATIONS_LIST = "seminarier"
# Registrations from one address (each sends a mail): generous for an office behind one
# address, too few to fill a seminar or to send mail to strangers by the thousand.
REGISTRATION_RATE = "10/m"
REGISTRATION_RATE_PER_HOUR = "50/h"
REGISTRATION_RATES = (REGISTRATION_RATE, REGISTRATION_RATE_PER_HOUR)


def seminars_crumb():
    return (reverse("newsletter:seminar-list"), _("Seminars"))


def _crumbs(seminar, *more):
    return [seminars_crumb(), (seminar.get_absolute_url(), seminar.title), *more]


def _registration_form(seminar, data=None):
    """The form and what the page says around it, for a seminar open for registration
    (two queries: free places, the invitation list)."""
    left = registrations.places_left(seminar)
    invitations = MailingList.objects.filter(slug=INVITATIONS_LIST).first()
    form = SeminarRegistrationForm(
        data, action=reverse("newsletter:seminar-register", kwargs={"slug": seminar.slug}),
        waitlist=left == 0, offer_invitations=invitations is not None)
    return {"form": form, "places_left": left, "waitlist": left == 0,
            "invitations_list": invitations}


def registration_context(seminar, data=None):
    """The `registration` part of the registration page: why it is closed, or the form."""
    reason = registrations.closed_reason(seminar)
    context = {"closed_reason": reason, "seminar": seminar, "places_left": None}
    if reason is None:
        context.update(_registration_form(seminar, data))
    return context


class RegistrationStatusMixin:
    """Puts why registration is closed, or the places left, on the seminar's page. The
    form is on a page of its own (register()): its CSRF token is the visitor's, and
    without it the seminar's page is the same for everyone and served from the page
    cache (a registration changes the content version, so the places stay right)."""

    def get_context_data(self, **kwargs):
        seminar = self.object
        reason = registrations.closed_reason(seminar)
        return super().get_context_data(registration={
            "closed_reason": reason, "seminar": seminar,
            "places_left": None if reason else registrations.places_left(seminar),
        }, **kwargs)


@require_http_methods(["GET", "POST"])
def register(request, slug):
    """The registration form on a page of its own (GET), and registering (POST): a valid
    form redirects to the thank-you page, anything else shows the page again with a
    message and status 400."""
    seminar = get_object_or_404(Seminar.objects.public(), slug=slug)
    exceeded = limits.first_exceeded(request, "registration", REGISTRATION_RATES,
                                     limits.client_key)
    if exceeded:
        return _too_many(request, seminar, exceeded)
    posted = request.method == "POST"
    context = registration_context(seminar, request.POST if posted else None)
    form = context.get("form")
    if form is not None and posted and form.is_valid():
        data = form.cleaned_data
        try:
            registration = registrations.register(
                seminar, name=data["name"], email=data["email"],
                organisation=data["organisation"], language=translation.get_language(),
                consent_text=form.consent_text("consent"),
                source=absolute(seminar.get_absolute_url()))
        except registrations.RegistrationClosed as closed:
            # Closed between showing the form and sending it (the deadline passed).
            context = {"closed_reason": closed.reason, "seminar": seminar,
                       "places_left": None}
        else:
            # Queued for a repeat as for a new registration: the answer (its words and
            # its time) is the same whatever the address's state; the mail tells its
            # owner where they stand.
            tasks.send_registration_mail.enqueue(registration.pk)
            thanks = reverse("newsletter:seminar-registered", kwargs={"slug": slug})
            if context["invitations_list"] and data.get("invitations"):
                _subscribe_to_invitations(seminar, form, context["invitations_list"])
                # Only what the visitor ticked themselves, not anything stored.
                thanks += "?" + urlencode({"invitations": 1})
            return redirect(thanks)
    return render(request, "newsletter/registration/register.html",
                  {"seminar": seminar, "registration": context,
                   "breadcrumbs": _crumbs(seminar, (request.path, _("Registration")))},
                  status=400 if posted else 200)


def _subscribe_to_invitations(seminar, form, mailing_list):
    data = form.cleaned_data
    try:
        subscriber = subscribe(data["email"], name=data["name"], lists=[mailing_list],
                               language=translation.get_language(),
                               source=absolute(seminar.get_absolute_url()),
                               consent_text=form.consent_text("invitations"))
        tasks.send_confirmation.enqueue(subscriber.pk)
    except Exception:
        # The registration is made and mailed by now; the extra subscription failing
        # must not turn that into an error page. Logged with its traceback for staff.
        logger.exception("seminar invitations: subscribing from seminar %s failed",
                         seminar.pk)


def _too_many(request, seminar, rate):
    """429 with how long the visitor may have to wait: the period of the limit reached
    (a minute for the per-minute one, an hour for the hourly one)."""
    seconds = limits.period_seconds(rate)
    response = render(request, "newsletter/registration/too_many.html",
                      {"seminar": seminar, "retry_minutes": max(seconds // 60, 1),
                       "breadcrumbs": _crumbs(seminar)},
                      status=429)
    response["Retry-After"] = str(seconds)
    return response


@require_safe
def registered(request, slug):
    """After registering: the same words for every address, new or registered before,
    with a place or waiting (nothing here reads or shows a registration)."""
    seminar = get_object_or_404(Seminar.objects.public(), slug=slug)
    return render(request, "newsletter/registration/registered.html", {
        "seminar": seminar,
        "invitations": request.GET.get("invitations") == "1",
        "resend_minutes": int(registrations.RESEND_AFTER.total_seconds() // 60),
        "hold_hours": settings.SEMINAR_REGISTRATION_HOLD_HOURS,
        "breadcrumbs": _crumbs(seminar, (request.path, _("Registration"))),
    })


def _registration_for(purpose, token):
    """(registration or None, status for the problem page or None) for a signed link."""
    try:
        registration_id = tokens.read(purpose, token)
    except tokens.BadToken:
        return None, 400
    registration = (Registration.objects.select_related("seminar")
                    .filter(pk=registration_id).first()
                    if isinstance(registration_id, int) else None)
    # None: removed by staff, erased on request, or released (not confirmed in time).
    return registration, None if registration else 404


@never_cache
@require_http_methods(["GET", "POST"])
@reads_from_primary
def confirm_registration(request, token):
    """The link in a new registration's mail: GET shows where the person stands and one
    button, POST confirms (a mail scanner that follows the link confirms nothing).
    Clicking twice is harmless. A registration no longer held (not confirmed in time,
    cancelled, removed) says so."""
    registration, problem = _registration_for("confirm-registration", token)
    if problem:
        return _link_problem(request, "confirm", status=problem)
    if request.method == "POST":
        if registrations.confirm(registration.pk).registration is None:
            return _link_problem(request, "confirm", status=404)
        return redirect(request.path)
    if registration.status == Registration.Status.CANCELLED or registration.hold_is_over:
        return _link_problem(request, "confirm", status=404)
    seminar = registration.seminar
    response = render(request, "newsletter/registration/confirm.html", {
        "registration": registration,
        "seminar": seminar,
        "over": registrations.closed_reason(seminar) == registrations.OVER,
        "breadcrumbs": [seminars_crumb(), (request.path, _("Confirm registration"))],
    })
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@reads_from_primary
def cancel_registration(request, token):
    """The link in every registration mail: GET shows one button, POST cancels (a mail
    scanner that follows the link cancels nothing). Clicking twice is harmless."""
    registration, problem = _registration_for("cancel", token)
    if problem:
        return _link_problem(request, "cancel", status=problem)
    if request.method == "POST":
        try:
            registrations.cancel(registration.pk)
        except Registration.DoesNotExist:
            return _link_problem(request, "cancel", status=404)
        return redirect(request.path)
    seminar = registration.seminar
    reason = registrations.closed_reason(seminar)
    response = render(request, "newsletter/registration/cancel.html", {
        "registration": registration,
        "seminar": seminar,
        "over": reason == registrations.OVER,
        "can_register_again": reason is None,
        "breadcrumbs": [seminars_crumb(), (request.path, _("Cancel registration"))],
    })
    response["X-Robots-Tag"] = "noindex"
    return response


def _link_problem(request, purpose, status):
    """A confirm or cancel link that does not work (400) or finds nothing (404)."""
    response = render(request, "newsletter/registration/link_problem.html",
                      {"gone": status == 404, "purpose": purpose,
                       "hold_hours": settings.SEMINAR_REGISTRATION_HOLD_HOURS,
                       "breadcrumbs": [seminars_crumb()]},
                      status=status)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe  # HEAD too: calendar apps and proxies check a feed before fetching it
def seminar_calendar(request):
    """Every public seminar, past and upcoming, as an iCalendar feed (one query)."""
    seminars = Seminar.objects.public().order_by("starts_at", "pk")
    response = HttpResponse(calendar.feed_ics(seminars), content_type=calendar.CONTENT_TYPE)
    response["Content-Disposition"] = 'inline; filename="palmecentret-seminars.ics"'
    return response
