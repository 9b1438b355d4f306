"""Finding the links a mail carries, as its reader would follow them."""

import re
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve
from django.utils import translation


def cancel_path(message, language="sv"):
    """The path of the mail's cancel link, if it leads to the cancel page in `language`
    (the words of the address are translated: /seminarier/avboka/..., /en/seminars/cancel/...)."""
    with translation.override(language):
        for link in re.findall(r"https?://\S+", message.body):
            path = urlsplit(link).path
            try:
                match = resolve(path)
            except Resolver404:
                continue
            if match.view_name == "newsletter:registration-cancel":
                return path
    return None
