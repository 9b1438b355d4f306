"""A mailing's Markdown body as safe HTML for the mail's HTML part, and as plain text."""

import html
import re

from django.conf import settings

from common.markdown import normalise, sanitised_html

# Mail clients ignore style sheets in the head more often than not: links get the
# portal's colour inline, as in the other mail templates.
LINK_STYLE = "color:#a6192e;"
# An image as wide as it says (width, for Outlook), never wider than a phone's screen.
IMAGE_STYLE = "display:block;max-width:100%;height:auto;border:0;"


def _absolute_urls(tag, attribute, value):
    """A link such as /projekt/ means the portal, but a mail has no site to be relative
    to: it gets SITE_URL in front. (nh3 has already dropped unsafe schemes.)"""
    if attribute in ("href", "src") and value.startswith("/") and not value.startswith("//"):
        return settings.SITE_URL + value
    return value


def to_html(text):
    """The HTML for a Markdown text, sanitised as on the portal's pages (common.markdown),
    with links made absolute and coloured, images kept within the column, for mail
    clients."""
    return sanitised_html(text, attribute_filter=_absolute_urls,
                          set_tag_attribute_values={"a": {"style": LINK_STYLE},
                                                    "img": {"style": IMAGE_STYLE}})


# A Markdown link or image to a path of the portal: [text](/projekt/).
RELATIVE_LINK = re.compile(r"\]\((/(?!/)[^)\s]*)")
# An image written as HTML (a mailing made from stories gives its size so): in plain
# text, its alt text in brackets.
IMAGE_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
ALT = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


def _image_text(match):
    alt = ALT.search(match[0])
    text = html.unescape((alt[1] or alt[2] or "") if alt else "").strip()
    return f"[{text}]" if text else ""


def to_text(text):
    """The plain-text part: Markdown is written to be read as it is; only links to the
    portal's own pages get SITE_URL in front, as in the HTML; an image written as HTML
    is its alt text."""
    text = IMAGE_TAG.sub(_image_text, normalise(text).strip())
    return RELATIVE_LINK.sub(lambda match: f"]({settings.SITE_URL}{match[1]}", text)

