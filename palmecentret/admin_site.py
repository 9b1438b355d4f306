"""The staff's admin site: Django's admin behind two-factor login for staff."""

import logging
from functools import update_wrapper
from urllib.parse import urlencode

import django_otp
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from . import two_factor
from common.client_ip import client_ip

security_log = logging.getLogger("palmecentret.security")


class PortalAdminSite(admin.AdminSite):
    """The default admin site (palmecentret.apps.PortalAdminConfig), so every
    ``@admin.register`` lands here.

    When OTP_REQUIRED (production by default), the login asks for the authenticator code
    too, and nothing opens until the session is verified by a code; a staff member without
    a device is sent to the enrolment page first. Otherwise it is Django's plain admin,
    with the enrolment page there so staff can set up their app before it is required.
    """

    site_header = "Palmecentret"
    site_title = "Palmecentret"
    index_title = gettext_lazy("Portal administration")
    enrolment_template = "admin/two_factor/enrol.html"

    # Properties, not class attributes: OTP_REQUIRED is read at each request.
    @property
    def login_form(self):
        return two_factor.TwoFactorAuthenticationForm if two_factor.otp_required() else None

    @property
    def login_template(self):
        return "admin/two_factor/login.html" if two_factor.otp_required() else None

    def is_active_staff(self, request):
        """Django's own admin check, before any code is asked for."""
        return super().has_permission(request)

    def has_permission(self, request):
        if not self.is_active_staff(request):
            return False
        return not two_factor.otp_required() or two_factor.is_verified(request.user)

    def awaits_enrolment(self, request):
        """Staff logged in by password who must set up a device before anything else."""
        return (two_factor.otp_required()
                and self.is_active_staff(request)
                and not two_factor.is_verified(request.user)
                and not two_factor.has_confirmed_device(request.user))

    def enrolment_url(self, next_url=None):
        url = reverse("admin:two-factor", current_app=self.name)
        return f"{url}?{urlencode({REDIRECT_FIELD_NAME: next_url})}" if next_url else url

    def admin_view(self, view, cacheable=False):
        protected = super().admin_view(view, cacheable)
        # Logging out must work for someone stuck before enrolment; LogoutView is
        # POST-only and CSRF-protected by itself.
        logout_view = never_cache(view)

        def inner(request, *args, **kwargs):
            if self.awaits_enrolment(request):
                if request.path == reverse("admin:logout", current_app=self.name):
                    return logout_view(request, *args, **kwargs)
                return HttpResponseRedirect(self.enrolment_url(request.get_full_path()))
            return protected(request, *args, **kwargs)

        return update_wrapper(inner, view)

    def login(self, request, extra_context=None):
        if request.method == "GET" and self.awaits_enrolment(request):
            return HttpResponseRedirect(self.enrolment_url(request.GET.get(REDIRECT_FIELD_NAME)))
        return super().login(request, extra_context)

    def get_urls(self):
        from stories.mailing_admin import compose_mailing_view

        # First, so no app label can shadow it.
        return [
            path("two-factor/", self.staff_view(self.two_factor_enrolment), name="two-factor"),
            path("guide/", self.admin_view(self.guide), name="guide"),
            # The newsletter links here by name; it may not import stories.
            path("stories/compose-mailing/", self.admin_view(compose_mailing_view),
                 {"admin_site": self}, name="stories_compose_mailing"),
            *super().get_urls(),
        ]

    def guide(self, request):
        """The staff guide: only the sections for what this user may do."""
        user = request.user
        context = {
            **self.each_context(request),
            "title": _("Guide for staff"),
            "can_publish": user.has_perm("projects.change_project"),
            "can_write_stories": user.has_perm("stories.change_story"),
            "can_mail": user.has_perm("newsletter.change_mailing"),
            "can_seminar": user.has_perm("newsletter.change_seminar"),
            "can_register": user.has_perm("newsletter.change_registration"),
            "can_answer_data": user.has_perm("newsletter.change_subscriber"),
        }
        return TemplateResponse(request, "admin/guide.html", context)

    def staff_view(self, view):
        """For pages open to staff before their session is verified: login required, no
        code yet."""
        def inner(request, *args, **kwargs):
            if not self.is_active_staff(request):
                return redirect_to_login(request.get_full_path(),
                                         reverse("admin:login", current_app=self.name))
            return view(request, *args, **kwargs)

        return csrf_protect(never_cache(update_wrapper(inner, view)))

    def two_factor_enrolment(self, request):
        """Set up an authenticator app: scan the QR code (or type the key), confirm with a
        first code. The confirming code also verifies this session."""
        user = request.user
        verified = two_factor.is_verified(user)
        has_device = two_factor.has_confirmed_device(user)
        if two_factor.otp_required() and has_device and not verified:
            # Adding a device needs a code from an existing one first; otherwise a stolen
            # password would be enough to enrol the thief's phone.
            return redirect_to_login(request.get_full_path(),
                                     reverse("admin:login", current_app=self.name))

        next_url = request.POST.get(REDIRECT_FIELD_NAME, request.GET.get(REDIRECT_FIELD_NAME, ""))
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            next_url = ""
        device = two_factor.pending_device(user)
        form = two_factor.EnrolmentForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            confirmed = two_factor.confirm_device(device, form.cleaned_data["token"])
            if confirmed is not None:
                django_otp.login(request, confirmed)
                # The session has just gained a second factor: give it a new key, as a
                # login does, so a key seen before cannot ride along.
                request.session.cycle_key()
                security_log.info("two-factor device confirmed: username=%r ip=%s",
                                  user.get_username(), client_ip(request))
                messages.success(request, _("Two-factor login is set up. From now on, give the "
                                            "code from your app when you log in."))
                return HttpResponseRedirect(next_url or reverse("admin:index",
                                                                current_app=self.name))
            form.add_error("token", two_factor.TwoFactorAuthenticationForm.error_messages[
                "code_invalid"])

        context = {
            **self.each_context(request),
            "title": _("Two-factor login"),
            "subtitle": None,
            "form": form,
            "qr_svg": two_factor.qr_svg(device),
            "secret": two_factor.secret_for_manual_entry(device),
            "has_device": has_device,
            "otp_required": two_factor.otp_required(),
            "next": next_url,
        }
        if not context["has_permission"]:
            # Nothing of the admin is shown before the session may use it.
            context.update(available_apps=[], log_entries=[])
        request.current_app = self.name
        return TemplateResponse(request, self.enrolment_template, context)
