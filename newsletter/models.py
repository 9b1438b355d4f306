"""Mailing lists, subscribers and their consents, seminars and registrations."""

import datetime
import hashlib

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.images import ImageMixin
from common.search_documents import Searchable, SearchableManager


def email_hash(email):
    """What the consent log keeps of an address after erasure: a keyed, one-way hash."""
    normalised = email.strip().lower().encode()
    return hashlib.sha256(settings.SECRET_KEY.encode() + b":" + normalised).hexdigest()


class MailingList(models.Model):
    name = models.CharField(
        _("name"), max_length=100,
        help_text=_("The list's name, e.g. Newsletter. Shown on the signup form, in "
                    "subscribers' preferences and in confirmation mails."))
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True,
        help_text=_("The list's key in exports and code: lower-case letters, digits and "
                    "hyphens. Filled in from the Swedish name; keep it once in use."))
    description = models.TextField(
        _("description"), blank=True,
        help_text=_("One sentence on what subscribers get and how often. Shown under the "
                    "name on the signup form."))
    is_public = models.BooleanField(
        _("offered on the signup form"), default=True,
        help_text=_("Untick for a list staff fill themselves (e.g. invited guests): "
                    "visitors then cannot sign up for it."))
    sort_order = models.PositiveSmallIntegerField(
        _("sort order"), default=0,
        help_text=_("Lists are shown from the lowest number up; equal numbers "
                    "alphabetically."))

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("mailing list")
        verbose_name_plural = _("mailing lists")

    def __str__(self):
        return self.name


class Subscriber(models.Model):
    email = models.EmailField(
        _("e-mail address"), max_length=254,
        help_text=_("Where the mailings go, e.g. namn@example.org. Correct it only at "
                    "the subscriber's request. Never shown to visitors."))
    name = models.CharField(
        _("name"), max_length=200, blank=True,
        help_text=_("As the subscriber gave it; may be empty. Never shown to "
                    "visitors."))
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="sv",
        help_text=_("The language of the mails the subscriber gets: the English version "
                    "of a mailing when there is one."))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [
            # One subscriber per address whatever its letter case; signups rely on it.
            models.UniqueConstraint(Lower("email"), name="newsletter_subscriber_email_ci_unique",
                                    violation_error_message=_("This address is already stored.")),
        ]

    def __str__(self):
        return self.email


class Subscription(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        ACTIVE = "active", _("active")
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")

    subscriber = models.ForeignKey(
        Subscriber, verbose_name=_("subscriber"), on_delete=models.CASCADE,
        related_name="subscriptions",
        help_text=_("Whose subscription it is: search by e-mail address."))
    mailing_list = models.ForeignKey(
        MailingList, verbose_name=_("mailing list"), on_delete=models.PROTECT,
        related_name="subscriptions",
        help_text=_("The list the subscriber receives."))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING,
        help_text=_("Only active subscriptions receive mailings. Set a subscription to "
                    "active only with the person's consent."))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    confirmed_at = models.DateTimeField(
        _("confirmed"), null=True, blank=True,
        help_text=_("When the subscriber confirmed; set by the confirmation link."))
    unsubscribed_at = models.DateTimeField(
        _("unsubscribed"), null=True, blank=True,
        help_text=_("When the subscriber left the list; set by the unsubscribe link."))

    class Meta:
        ordering = ["mailing_list", "-created"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "mailing_list"],
                                    name="newsletter_subscription_once_per_list"),
        ]
        indexes = [
            # Sending: the active subscribers of one list.
            models.Index(fields=["mailing_list", "status"], name="subscription_list_status_idx"),
        ]

    def __str__(self):
        return f"{self.subscriber} – {self.mailing_list}"


class ConsentRecord(models.Model):
    """The consent log: what a person agreed to, when, where, and the exact text shown.
    Kept after erasure with only a hash of the address."""

    class Action(models.TextChoices):
        SUBSCRIBE = "subscribe", _("subscribed")
        CONFIRM = "confirm", _("confirmed")
        CHANGE = "change", _("changed preferences")
        UNSUBSCRIBE = "unsubscribe", _("unsubscribed")
        REGISTER = "register", _("registered for a seminar")
        ERASE = "erase", _("erased on request")

    subscriber = models.ForeignKey(Subscriber, verbose_name=_("subscriber"),
                                   on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="consents")
    email_hash = models.CharField(_("address hash"), max_length=64, db_index=True)
    mailing_list = models.ForeignKey(MailingList, verbose_name=_("mailing list"),
                                     on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="consents")
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    consent_text = models.TextField(_("consent text shown"), blank=True)
    source = models.CharField(_("source page"), max_length=500, blank=True)
    created = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent log")

    def __str__(self):
        return f"{self.get_action_display()} {self.created:%Y-%m-%d %H:%M}"


class SeminarQuerySet(models.QuerySet):
    def public(self):
        return self.filter(published=True)

    def upcoming(self):
        return self.public().filter(ends_at__gte=timezone.now()).order_by("starts_at")

    def past(self):
        return self.public().filter(ends_at__lt=timezone.now()).order_by("-starts_at")


class Seminar(ImageMixin, Searchable):
    title = models.CharField(
        _("title"), max_length=250,
        help_text=_("The seminar's name, short and plain. Shown on its page, the seminar "
                    "list, in invitations and in search."))
    slug = models.SlugField(
        _("slug"), max_length=250, unique=True,
        help_text=_("The last part of the page's web address: lower-case letters, digits "
                    "and hyphens. Filled in from the Swedish title; keep it once the page "
                    "is public, links to it would break."))
    description = models.TextField(
        _("description"), blank=True,
        help_text=_("What the seminar is about, who speaks, who it is for. Shown on its "
                    "page and found by search."))
    starts_at = models.DateTimeField(
        _("starts"),
        help_text=_("Date and time in Swedish time, e.g. 2027-03-14 18:00. Shown on the "
                    "page, in invitations and in the calendar file."))
    ends_at = models.DateTimeField(
        _("ends"),
        help_text=_("Date and time it ends, not before it starts. The seminar counts as "
                    "past from then."))
    place = models.CharField(
        _("place"), max_length=250, blank=True,
        help_text=_("Address or room, e.g. Palmecentret, Sveavägen 68, Stockholm. Empty "
                    "for an online-only seminar. Shown on its page and in invitations."))
    online_url = models.URLField(
        _("online link"), blank=True,
        help_text=_("The link to join online, starting with https://. Sent only to those "
                    "who register; the page says only that there is one."))
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="sv",
        help_text=_("The language spoken at the seminar. Shown on its page."))
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True,
                                           help_text=_("Empty for no limit."))
    registration_deadline = models.DateTimeField(
        _("registration deadline"), null=True, blank=True,
        help_text=_("The last moment to register, before the seminar ends; empty to "
                    "allow registration until it ends. Shown on its page."))
    published = models.BooleanField(
        _("published"), default=False,
        help_text=_("Visitors see the seminar and can register only when it is "
                    "published; until then it is a draft."))
    is_demo = models.BooleanField(
        _("example content"), default=False,
        help_text=_("Made up to show the portal (manage.py load_demo): pages mark it "
                    "with an \"Example\" badge."))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = SearchableManager.from_queryset(SeminarQuerySet)()

    SEARCH_FIELDS = (("A", ("title_{lang}",)), ("B", ("description_{lang}",)),
                     ("C", ("place_{lang}",)))

    # Written in Markdown, shown as HTML (common.markdown); the admin says so.
    MARKDOWN_FIELDS = ("description",)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("seminar")
        verbose_name_plural = _("seminars")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")),
                name="newsletter_seminar_ends_after_start",
                violation_error_message=_("A seminar cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(registration_deadline__isnull=True)
                | Q(registration_deadline__lte=F("ends_at")),
                name="newsletter_seminar_deadline_before_end",
                violation_error_message=_(
                    "The registration deadline must be before the seminar ends."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("newsletter:seminar-detail", kwargs={"slug": self.slug})

    @property
    def is_public(self):
        return self.published


def hold_cutoff(now=None):
    """An unconfirmed registration made before this holds nothing any more."""
    hours = settings.SEMINAR_REGISTRATION_HOLD_HOURS
    return (now or timezone.now()) - datetime.timedelta(hours=hours)


def still_held(now=None, through=""):
    """The condition for a registration that counts: confirmed by its registrant, or
    made within the hold. `through` leads to the registration's fields from another
    model ("registrations__", for a seminar's counts)."""
    return (Q(**{f"{through}address_confirmed_at__isnull": False})
            | Q(**{f"{through}created__gt": hold_cutoff(now)}))


def holds_a_place(now=None, through=""):
    """The condition for a registration that holds one of the seminar's places."""
    return Q(**{f"{through}status": "confirmed"}) & still_held(now, through)


class RegistrationQuerySet(models.QuerySet):
    def holding_a_place(self, now=None):
        return self.filter(holds_a_place(now))

    def not_confirmed_in_time(self, now=None):
        """Never confirmed, and the hold is over: to be released, whatever their status."""
        return self.filter(address_confirmed_at__isnull=True, created__lte=hold_cutoff(now))


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("registered")
        WAITLISTED = "waitlisted", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")

    seminar = models.ForeignKey(
        Seminar, verbose_name=_("seminar"), on_delete=models.CASCADE,
        related_name="registrations",
        help_text=_("The seminar the person comes to: search by title."))
    name = models.CharField(
        _("name"), max_length=200,
        help_text=_("As the person gave it. On the attendee list; never shown to "
                    "visitors."))
    email = models.EmailField(
        _("e-mail address"), max_length=254,
        help_text=_("Where the confirmation, the online link and the reminder go."))
    organisation = models.CharField(
        _("organisation"), max_length=200, blank=True,
        help_text=_("Where the person comes from, if they said. On the attendee list."))
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="sv",
        help_text=_("The language of the mails the person gets."))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.CONFIRMED,
        help_text=_("To cancel a registration so the waiting list moves up, use the "
                    "action on the list of registrations rather than this field."))
    created = models.DateTimeField(_("registered"), auto_now_add=True)
    cancelled_at = models.DateTimeField(
        _("cancelled"), null=True, blank=True,
        help_text=_("When the registration was cancelled; set when it is."))
    # Set when a place on the waiting list opens up and this person moves up.
    promoted_at = models.DateTimeField(
        _("moved up from the waiting list"), null=True, blank=True,
        help_text=_("When the person got a place from the waiting list; set when they "
                    "do."))
    # Set when the reminder the day before has gone out, so it goes out once.
    reminded_at = models.DateTimeField(
        _("reminder sent"), null=True, blank=True,
        help_text=_("When the reminder the day before went out; empty until then. Clear "
                    "it to send the reminder again."))
    # Set when the registrant confirms from the mail. Empty only for a registration from
    # the public form not yet confirmed: it holds its place (or its place in the queue)
    # for SEMINAR_REGISTRATION_HOLD_HOURS, then newsletter.registrations releases it.
    # Staff who enter a registration vouch for it, hence the default.
    address_confirmed_at = models.DateTimeField(_("confirmed by the registrant"), null=True,
                                                blank=True, default=timezone.now)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["seminar", "created"]
        verbose_name = _("seminar registration")
        verbose_name_plural = _("seminar registrations")
        constraints = [
            # One live registration per address and seminar; a cancelled one may re-register.
            models.UniqueConstraint(
                F("seminar"), Lower("email"),
                condition=~Q(status="cancelled"),
                name="newsletter_registration_once_per_seminar",
            ),
        ]
        indexes = [
            # Releasing holds nobody confirmed (release_unconfirmed_registrations): the
            # few unconfirmed registrations, by age.
            models.Index(fields=["created"], condition=Q(address_confirmed_at__isnull=True),
                         name="registration_unconfirmed_idx"),
        ]

    def __str__(self):
        return f"{self.name} – {self.seminar}"

    @property
    def held_until(self):
        """When an unconfirmed registration stops holding its place; None once confirmed."""
        if self.address_confirmed_at is not None:
            return None
        return self.created + datetime.timedelta(
            hours=settings.SEMINAR_REGISTRATION_HOLD_HOURS)

    @property
    def hold_is_over(self):
        """Never confirmed and held for as long as it may be: it counts for nothing and
        is released when the seminar's places are next counted."""
        held_until = self.held_until
        return held_until is not None and held_until <= timezone.now()


class Mailing(models.Model):
    """A newsletter or seminar invitation that staff compose and send to mailing lists."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        QUEUED = "queued", _("queued for sending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")

    subject = models.CharField(
        _("subject"), max_length=200,
        help_text=_("The mail's subject line, short and concrete. Subscribers who chose "
                    "English get the English one when it is written."))
    body = models.TextField(
        _("body (Markdown)"),
        help_text=_("The mail's text. Subscribers who chose English get the English one "
                    "when it is written."))
    mailing_lists = models.ManyToManyField(
        MailingList, verbose_name=_("mailing lists"), related_name="mailings",
        help_text=_("Who gets the mailing: the active subscribers of these lists, each "
                    "once."))
    seminar = models.ForeignKey(Seminar, verbose_name=_("seminar"), on_delete=models.SET_NULL,
                                null=True, blank=True, related_name="invitations",
                                help_text=_("For an invitation: the seminar's details and "
                                            "registration link are added to the mail."))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created = models.DateTimeField(_("created"), auto_now_add=True)
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    # Written in Markdown, sent as HTML and as plain text (newsletter.markdown).
    MARKDOWN_FIELDS = ("body",)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")

    def __str__(self):
        return self.subject


class Delivery(models.Model):
    """One recipient of one mailing. Made before sending starts; a worker that crashes
    and restarts sends only the rows still pending, so nobody gets a mailing twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    mailing = models.ForeignKey(Mailing, verbose_name=_("mailing"), on_delete=models.CASCADE,
                                related_name="deliveries")
    # Erasing a subscriber erases their deliveries: no address is copied here.
    subscriber = models.ForeignKey(Subscriber, verbose_name=_("subscriber"),
                                   on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["mailing", "pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["mailing", "subscriber"],
                                    name="newsletter_delivery_once_per_mailing"),
        ]
        indexes = [
            # The worker: a mailing's pending rows, in order.
            models.Index(fields=["mailing", "status"], name="delivery_mailing_status_idx"),
        ]

    def __str__(self):
        return f"{self.mailing} → {self.subscriber_id}"
