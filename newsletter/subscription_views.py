"""Subscription pages: signing up (the newsletter page and every page's footer), the
confirmation, the preference centre and unsubscribing behind signed links, and 'manage
my subscription' for someone who lost their mails."""

import logging

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from common.db_router import reads_from_primary

from . import limits, links, subscriptions, tasks, tokens
from .emails import absolute
from .forms import HONEYPOT, LinkRequestForm, PreferencesForm, SignupForm
from .models import MailingList, Subscriber

logger = logging.getLogger(__name__)

# Shown above the confirm button and logged with the confirmation, word for word.
CONFIRM_TEXT = gettext_lazy("Confirm that you want to receive the lists below at this "
                            "address. You can unsubscribe at any time with the link in "
                            "every mail.")
UNSUBSCRIBE_TEXT = gettext_lazy("Unsubscribe")
ONE_CLICK_SOURCE = "List-Unsubscribe-Post (RFC 8058)"


def _crumbs(*more):
    return [(reverse("newsletter:signup"), _("Newsletter")), *more]


def _page(request, template, context, status=200):
    """A subscription page: no footer signup form (the page has its own business) and,
    behind a signed link, never cached or indexed."""
    response = render(request, f"newsletter/subscriptions/{template}",
                      {"hide_footer_signup": True, **context}, status=status)
    if "token" in (request.resolver_match.kwargs if request.resolver_match else {}):
        response["Cache-Control"] = "no-store"
        response["X-Robots-Tag"] = "noindex"
    return response


# --- Rate limits --------------------------------------------------------------------------

def _too_many(request, rate):
    seconds = limits.period_seconds(rate)
    response = _page(request, "too_many.html", {
        "retry_minutes": max(seconds // 60, 1),
        "breadcrumbs": _crumbs(),
    }, status=429)
    response["Retry-After"] = str(seconds)
    return response


def _source(request, path):
    return absolute(path or reverse("newsletter:signup"))[:subscriptions.MAX_SOURCE_LENGTH]


# --- Signing up ---------------------------------------------------------------------------

# No CSRF token: the footer form is on every page, and a token there would set the CSRF
# cookie on every page and so keep every page out of the page cache (or, worse, cache one
# visitor's token for all). Signing up needs no credentials or session and changes nothing
# of the visitor's own, so a forged cross-site post can only do what anyone can do by
# sending this form directly: ask for a confirmation mail, which is rate-limited per
# visitor address and per e-mail address and needs the double opt-in. The forms that act
# for someone (confirm, preferences, seminar registration, "send me a link") keep CSRF
# and are never cached.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def signup(request):
    """The newsletter page (GET) and subscribing from it or from any page's footer
    (POST). Whatever the address's state the answer is the same redirect to 'check your
    inbox'; a form with errors is shown again with status 400; too many signups from one
    visitor or for one address get 429 and store nothing."""
    mailing_lists = subscriptions.public_lists()
    if request.method == "POST":
        if limits.limited(request, "signup-ip", settings.NEWSLETTER_SIGNUP_RATE_PER_IP,
                          limits.client_key):
            return _too_many(request, settings.NEWSLETTER_SIGNUP_RATE_PER_IP)
        form = SignupForm(request.POST, mailing_lists=mailing_lists)
        if form.data.get(HONEYPOT):
            # A bot: the same answer as for a person, and nothing stored or sent.
            logger.info("newsletter signup: honeypot filled in, ignored")
            return redirect("newsletter:signup-thanks")
        if form.is_valid():
            data = form.cleaned_data
            rate = settings.NEWSLETTER_SIGNUP_RATE_PER_ADDRESS
            if limits.limited(request, "signup-address", rate,
                              limits.address_key(data["email"])):
                return _too_many(request, rate)
            subscriber = subscriptions.subscribe(
                data["email"], name=data["name"], lists=data["lists"],
                language=translation.get_language(), source=_source(request, data["source"]),
                consent_text=form.consent_text())
            # Queued whatever the address's state; the task sends only if a list waits.
            tasks.send_confirmation.enqueue(subscriber.pk)
            return redirect("newsletter:signup-thanks")
        status = 400
    else:
        # ?list=<slug> ticks that list, for links such as "subscribe to invitations".
        wanted = [slug for slug in request.GET.getlist("list") if slug in
                  {mailing_list.slug for mailing_list in mailing_lists}]
        form = SignupForm(mailing_lists=mailing_lists,
                          initial={"source": request.path, "lists": wanted})
        status = 200
    return _page(request, "signup.html", {
        "form": form, "mailing_lists": mailing_lists,
        "breadcrumbs": _crumbs(),
    }, status=status)


@require_GET
def signup_thanks(request):
    return _page(request, "thanks.html", {
        "valid_hours": int(tokens.MAX_AGES["confirm"].total_seconds() // 3600),
        "breadcrumbs": _crumbs((request.path, _("Check your inbox"))),
    })


# --- Behind the signed links --------------------------------------------------------------

def _read_token(purpose, token):
    """(value, None) for a good link, (None, 'bad' or 'expired') otherwise."""
    try:
        return tokens.read(purpose, token), None
    except tokens.ExpiredToken:
        return None, "expired"
    except tokens.BadToken:
        return None, "bad"


def _subscriber_for(purpose, token):
    """(subscriber, None) or (None, the problem: 'bad', 'expired' or 'gone')."""
    value, problem = _read_token(purpose, token)
    if problem:
        return None, problem
    if not isinstance(value, int) or isinstance(value, bool):
        return None, "bad"
    subscriber = Subscriber.objects.filter(pk=value).first()
    return (subscriber, None) if subscriber else (None, "gone")


def _link_problem(request, problem):
    """A link that does not work: why, in words, and the form for a fresh one."""
    return _page(request, "link_problem.html", {
        "problem": problem,
        "form": LinkRequestForm(action=reverse("newsletter:manage-request")),
        "breadcrumbs": _crumbs(),
    }, status=404 if problem == "gone" else 400)


def _without_token(request, token):
    """The page's address without the signed part, for the consent log (a link there
    would let anyone who reads the log act for the person)."""
    return request.path.rsplit(token, 1)[0]


@never_cache
@require_http_methods(["GET", "POST"])
@reads_from_primary
def confirm(request, token):
    """The link in the confirmation mail: GET shows what waits and one button, only the
    POST confirms (mail scanners follow links). A second click shows the result again."""
    subscriber, problem = _subscriber_for("confirm", token)
    if problem:
        return _link_problem(request, problem)
    if request.method == "POST":
        subscriptions.confirm(subscriber, source=_source(request, _without_token(request, token)),
                              consent_text=str(CONFIRM_TEXT))
        return HttpResponseRedirect(request.path)
    waiting = subscriptions.pending_lists(subscriber)
    active = [] if waiting else subscriptions.active_lists(subscriber)
    return _page(request, "confirm.html", {
        "subscriber": subscriber, "waiting": waiting, "active": active,
        "confirm_text": CONFIRM_TEXT,
        "manage_path": links.manage_path(subscriber) if active else None,
        "breadcrumbs": _crumbs((request.path, _("Confirm your subscription"))),
    })


@never_cache
@require_http_methods(["GET", "POST"])
@reads_from_primary
def manage(request, token):
    """The preference centre: lists, name and language; unsubscribing from everything.
    Saving redirects to the page (in the language chosen) with a note that it is saved."""
    subscriber, problem = _subscriber_for("manage", token)
    if problem:
        return _link_problem(request, problem)
    offered = subscriptions.offered_lists(subscriber)
    status = 200
    if request.method == "POST":
        form = PreferencesForm(request.POST, mailing_lists=offered)
        if form.is_valid():
            data = form.cleaned_data
            subscriptions.update_preferences(
                subscriber, lists=data["lists"], offered=offered, name=data["name"],
                language=data["language"],
                source=_source(request, _without_token(request, token)),
                consent_text=form.consent_text())
            with translation.override(data["language"]):
                path = reverse("newsletter:manage", kwargs={"token": token})
            return HttpResponseRedirect(path + "?saved=1")
        status = 400
    else:
        current = set(subscriber.subscriptions.exclude(status=subscriptions.UNSUBSCRIBED)
                      .values_list("mailing_list__slug", flat=True))
        form = PreferencesForm(mailing_lists=offered, initial={
            "lists": [m.slug for m in offered if m.slug in current],
            "name": subscriber.name, "language": subscriber.language})
    waiting = {s.mailing_list_id for s in subscriber.subscriptions.all()
               if s.status == subscriptions.PENDING}
    return _page(request, "preferences.html", {
        "subscriber": subscriber, "form": form,
        "saved": request.GET.get("saved") == "1" and request.method == "GET",
        "waiting": [m for m in offered if m.pk in waiting],
        "unsubscribe_path": links.unsubscribe_path(subscriber),
        "breadcrumbs": _crumbs((request.path, _("Your subscription"))),
    }, status=status)


def _unsubscribe_target(token):
    """(subscriber or None, mailing list or None, problem or None) for an unsubscribe
    link: [subscriber id, list id or None] signed."""
    value, problem = _read_token("unsubscribe", token)
    if problem:
        return None, None, problem
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool)
                       for v in (value[0], value[1] if value[1] is not None else 0))):
        return None, None, "bad"
    subscriber_id, list_id = value
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if list_id is None:
        return subscriber, None, None
    mailing_list = MailingList.objects.filter(pk=list_id).first()
    # A list deleted since (possible only once nobody was on it): nothing to leave, and
    # certainly not every other list.
    return (subscriber if mailing_list else None), mailing_list, None


@csrf_exempt  # RFC 8058: mail programs POST without cookies or a token; the link is the key.
@never_cache
@require_http_methods(["GET", "POST"])
@reads_from_primary
def unsubscribe(request, token):
    """The link in every mail and its List-Unsubscribe header. A POST unsubscribes at
    once and answers 200 with the result (no redirect: the mail providers' one-click
    POST does not follow one); a GET shows one button. Harmless to repeat; a subscriber
    already erased is simply not subscribed."""
    subscriber, mailing_list, problem = _unsubscribe_target(token)
    if problem:
        return _link_problem(request, problem)
    done = request.method == "POST"
    if done and subscriber is not None:
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        subscriptions.unsubscribe(
            subscriber, mailing_list,
            source=ONE_CLICK_SOURCE if one_click else _source(
                request, _without_token(request, token)),
            consent_text="" if one_click else str(UNSUBSCRIBE_TEXT))
    subscribed = False
    if subscriber is not None and not done:
        live = subscriber.subscriptions.exclude(status=subscriptions.UNSUBSCRIBED)
        if mailing_list is not None:
            live = live.filter(mailing_list=mailing_list)
        subscribed = live.exists()
    return _page(request, "unsubscribe.html", {
        "mailing_list": mailing_list, "done": done, "subscribed": subscribed,
        "button_text": UNSUBSCRIBE_TEXT,
        "manage_path": links.manage_path(subscriber) if subscriber else None,
        "breadcrumbs": _crumbs((request.path, _("Unsubscribe"))),
    })


# --- 'Manage my subscription' -------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def manage_request(request):
    """Someone who lost their mails types their address and gets a fresh link by mail;
    the answer is the same whether the address is known or not."""
    status = 200
    if request.method == "POST":
        if limits.limited(request, "link-ip", settings.NEWSLETTER_LINK_RATE_PER_IP,
                          limits.client_key):
            return _too_many(request, settings.NEWSLETTER_LINK_RATE_PER_IP)
        form = LinkRequestForm(request.POST)
        if form.data.get(HONEYPOT):
            logger.info("newsletter link request: honeypot filled in, ignored")
            return redirect("newsletter:manage-sent")
        if form.is_valid():
            email = form.cleaned_data["email"]
            rate = settings.NEWSLETTER_LINK_RATE_PER_ADDRESS
            if limits.limited(request, "link-address", rate, limits.address_key(email)):
                return _too_many(request, rate)
            subscriber = subscriptions.find_subscriber(email)
            # The same query and the same task for every address, known or not, so the
            # answer cannot be told apart by its time; the worker sends, if anything.
            tasks.send_link.enqueue(subscriber.pk if subscriber else None)
            return redirect("newsletter:manage-sent")
        status = 400
    else:
        form = LinkRequestForm()
    return _page(request, "manage_request.html", {
        "form": form,
        "breadcrumbs": _crumbs((reverse("newsletter:manage-request"),
                                _("Manage your subscription"))),
    }, status=status)


@require_GET
def manage_sent(request):
    return _page(request, "manage_sent.html", {
        "interval_minutes": settings.NEWSLETTER_MAIL_INTERVAL_MINUTES,
        "breadcrumbs": _crumbs((reverse("newsletter:manage-request"),
                                _("Manage your subscription"))),
    })
