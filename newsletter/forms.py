"""Public forms of the newsletter app: plain Forms that validate; the views act on them."""

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Layout, Submit
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

from . import subscriptions


# --- Newsletter subscriptions (newsletter.subscription_views) ----------------------------
# Plain Forms, never ModelForms: a unique check on the address would tell a stranger who
# subscribes. The views hand the cleaned data to newsletter.subscriptions.

# The name of the honeypot field: hidden from people (and from screen readers), filled in
# by bots that fill in every field. The views treat a filled-in one as a bot.
HONEYPOT = "website"


class AddressField(forms.CharField):
    """An e-mail address, normalised by newsletter.subscriptions.normalise_email (case,
    spaces, Unicode domains) and refused as Django's EmailValidator refuses it."""

    widget = forms.EmailInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", subscriptions.MAX_EMAIL_LENGTH)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "autocomplete": "email"}

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return subscriptions.normalise_email(value)


# What a name typed on a public form may be. Anyone can type anyone's address with it, so
# it must not carry a message: long enough for real names, and no links or addresses.
MAX_NAME_LENGTH = 100
# "://", "www." or a word, a dot and two or more letters without a space ("evil.example",
# "exämple.se"): a link or a domain. An initial with a space after it ("J. R. Tolkien")
# is fine; "Dr.Smith" is refused, and the message says to put a space after the dot.
LINK_LIKE = re.compile(r"://|www\.|\w\.[^\W\d_]{2,}", re.IGNORECASE)
NOT_A_NAME = _("Please write just your name, without web addresses, e-mail addresses or "
               "domain names (such as example.org). Put a space after a dot: "
               "“A. Svensson”.")


def validate_name(value):
    if "@" in value or LINK_LIKE.search(value):
        raise ValidationError(NOT_A_NAME, code="not_a_name")


class NameField(forms.CharField):
    """A person's name on a public form: at most MAX_NAME_LENGTH characters, and nothing
    that reads as a link or an e-mail address (validate_name)."""

    default_validators = [validate_name]

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_NAME_LENGTH)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "name"}))
        super().__init__(**kwargs)


def honeypot_field():
    return forms.CharField(
        label=_("Leave this field empty"), required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))


def honeypot_layout():
    # Off-screen and hidden from assistive technology; not display:none, which some bots
    # recognise.
    return Div(HONEYPOT, css_class="visually-hidden", aria_hidden="true")


class ListsForm(forms.Form):
    """What the signup form and the preference centre share: one box per mailing list
    offered (`mailing_lists`, chosen by slug, cleaned to the lists themselves), an optional
    name, and the consent text shown beside the button (CONSENT_TEXT)."""

    CONSENT_TEXT = ""

    name = NameField(label=_("Name"), required=False, help_text=_("Optional."))

    def __init__(self, *args, mailing_lists, **kwargs):
        super().__init__(*args, **kwargs)
        self.mailing_lists = {mailing_list.slug: mailing_list for mailing_list in mailing_lists}
        self.fields["lists"].choices = [(slug, mailing_list.name) for slug, mailing_list
                                        in self.mailing_lists.items()]

    def clean_lists(self):
        return [self.mailing_lists[slug] for slug in self.cleaned_data["lists"]]

    def consent_text(self):
        """The words shown beside the button, in the language they were shown in."""
        return str(self.CONSENT_TEXT)


class SignupForm(ListsForm):
    """Subscribing, on the newsletter page and in every page's footer: the address, an
    optional name and one box per public list; the consent text beside the button."""

    CONSENT_TEXT = _("The Olof Palme International Center stores your e-mail address and, "
                     "if you give it, your name to send you what you chose. We send you a "
                     "mail to confirm first. You can unsubscribe at any time with the link "
                     "in every mail.")

    email = AddressField(label=_("E-mail address"))
    lists = forms.MultipleChoiceField(
        label=_("What would you like to receive?"), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one of the lists.")})
    website = honeypot_field()
    # The page the form was sent from, for the consent log.
    source = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "signup-form"
        # The signup view is csrf_exempt so the newsletter page can be cached like every
        # other page (newsletter.subscription_views.signup says why that is safe).
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "email", "name", "lists", honeypot_layout(), "source",
            HTML('<p id="signup-consent" class="mb-2">{{ form.consent_text }}</p>'),
            Submit("subscribe", _("Subscribe"), aria_describedby="signup-consent"),
        )

    def clean_source(self):
        return safe_source(self.cleaned_data["source"])


def safe_source(path):
    """The page a form names as its source, if it is a page of ours without a secret in
    its address; the signup page otherwise. The field comes from the visitor: this keeps
    made-up text, addresses and signed links out of the consent log."""
    if (isinstance(path, str) and path.startswith("/") and not path.startswith("//")
            and len(path) <= 200 and path.isprintable()):
        try:
            match = resolve(path)
        except Resolver404:
            match = None
        if match is not None and "token" not in match.kwargs:
            return path
    return ""


class LinkRequestForm(forms.Form):
    """'Manage my subscription': the address to send a fresh link to."""

    email = AddressField(label=_("E-mail address"))
    website = honeypot_field()

    def __init__(self, *args, action=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "link-request-form"
        if action:
            self.helper.form_action = action
        self.helper.layout = Layout("email", honeypot_layout(),
                                    Submit("send", _("Send me a link")))


class PreferencesForm(ListsForm):
    """The preference centre behind the signed link: lists, name and language."""

    CONSENT_TEXT = _("The Olof Palme International Center stores your e-mail address, name "
                     "and language to send you the lists you tick. Untick a list to stop "
                     "receiving it.")

    lists = forms.MultipleChoiceField(label=_("What would you like to receive?"),
                                      widget=forms.CheckboxSelectMultiple, required=False)
    language = forms.ChoiceField(label=_("Language of our mails"), choices=settings.LANGUAGES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_id = "preferences-form"
        self.helper.layout = Layout(
            "lists", "name", "language",
            HTML('<p id="preferences-consent" class="mb-2">{{ form.consent_text }}</p>'),
            Submit("save", _("Save my choices"), aria_describedby="preferences-consent"),
        )


# --- Seminar registration (newsletter.registration_views) ------------------------------

class SeminarRegistrationForm(forms.Form):
    """Registering for a seminar. A plain Form, not a ModelForm: a unique check would tell
    a stranger which addresses have registered (newsletter.registrations handles repeats)."""

    # autocomplete names each field's purpose (WCAG 1.3.5): browsers fill them in.
    name = NameField(label=_("Name"))
    # Normalised as a subscriber's address is, so that one person's registrations, consent
    # records and subscriptions are found together (export, erasure).
    email = AddressField(label=_("E-mail address"))
    organisation = forms.CharField(
        label=_("Organisation"), max_length=200, required=False, help_text=_("Optional."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    # The label is the consent text: newsletter.registrations records it word for word.
    consent = forms.BooleanField(
        label=_("I agree that the Olof Palme International Center stores my name, e-mail "
                "address and organisation to handle my registration for this seminar."),
        error_messages={"required": _("We can only register you if you agree to this.")},
    )
    invitations = forms.BooleanField(
        label=_("Also send me invitations to the Olof Palme International Center's future "
                "seminars. I can unsubscribe at any time with the link in every invitation."),
        required=False,
    )

    def __init__(self, *args, action, waitlist=False, offer_invitations=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not offer_invitations:
            # No seminar invitation list to subscribe to: no box promising one.
            del self.fields["invitations"]
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.form_id = "registration-form"
        self.helper.add_input(Submit(
            "register", _("Join the waiting list") if waitlist else _("Register")))

    def consent_text(self, field_name):
        """The words the visitor saw beside a box, in the language they saw them in."""
        return str(self.fields[field_name].label)
