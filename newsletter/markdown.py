"""A mailing's Markdown body as safe HTML for the mail's HTML part, and as plain text."""

import re

import markdown as markdown_lib
import nh3
from django.conf import settings

# What a newsletter needs and every mail client shows; no forms, frames, styles or scripts.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4", "hr", "i",
    "img", "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align"},
}
URL_SCHEMES = {"https", "http", "mailto"}
# Mail clients ignore style sheets in the head more often than not: links get the
# portal's colour inline, as in the other mail templates.
LINK_STYLE = "color:#a6192e;"


def _absolute_urls(tag, attribute, value):
    """A link such as /projekt/ means the portal, but a mail has no site to be relative
    to: it gets SITE_URL in front. (nh3 has already dropped unsafe schemes.)"""
    if attribute in ("href", "src") and value.startswith("/") and not value.startswith("//"):
        return settings.SITE_URL + value
    return value


def to_html(text):
    """The HTML for a Markdown text: raw HTML in it is sanitised, scripts removed with
    their content, links made absolute and given rel="noopener noreferrer"."""
    html = markdown_lib.markdown(normalise(text), extensions=["sane_lists"],
                                 output_format="html")
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer", attribute_filter=_absolute_urls,
        set_tag_attribute_values={"a": {"style": LINK_STYLE}},
    )


# A Markdown link or image to a path of the portal: [text](/projekt/).
RELATIVE_LINK = re.compile(r"\]\((/(?!/)[^)\s]*)")


def to_text(text):
    """The plain-text part: Markdown is written to be read as it is; only links to the
    portal's own pages get SITE_URL in front, as in the HTML."""
    return RELATIVE_LINK.sub(lambda match: f"]({settings.SITE_URL}{match[1]}",
                             normalise(text).strip())


def normalise(text):
    # Browsers post text areas with CRLF line ends.
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")
