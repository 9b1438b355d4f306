"""Every mail the portal sends is a set of templates — subject, plain text and HTML — in
templates/emails/, rendered in the recipient's language by this one helper."""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


# What a mail server can fail with; anything else is a bug and should be seen as one.
MAIL_ERRORS = (smtplib.SMTPException, OSError)


def absolute(path):
    """An address for a mail: mail clients need the whole URL (SITE_URL + path)."""
    return settings.SITE_URL + path


def build(name, to, context=None, language=None, headers=None, attachments=(),
          connection=None):
    """The message for templates/emails/<name>_subject.txt, <name>.txt and <name>.html,
    not yet sent (sending code may add headers or send it over its own connection)."""
    context = {"SITE_URL": settings.SITE_URL, **(context or {})}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
        text = render_to_string(f"emails/{name}.txt", context)
        html = render_to_string(f"emails/{name}.html", context)
    message = EmailMultiAlternatives(subject, text, to=[to], headers=headers or {},
                                     connection=connection)
    message.attach_alternative(html, "text/html")
    for attachment in attachments:
        message.attach(*attachment)
    return message


def send(name, to, context=None, language=None, **kwargs):
    return build(name, to, context, language, **kwargs).send()
