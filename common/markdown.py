"""Markdown written by staff, as sanitised HTML: the one set of rules for mailings and pages."""

import re

import markdown as markdown_lib
import nh3

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


def normalise(text):
    # Browsers post text areas with CRLF line ends.
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


def sanitised_html(text, **nh3_options):
    """The HTML for a Markdown text: raw HTML in it is sanitised (scripts removed with
    their content, event attributes and javascript: links dropped) and links get
    rel="noopener noreferrer". `nh3_options` add to nh3.clean's (a mail's link style).
    A single line break stays one (nl2br): texts written before they were Markdown, and
    by staff who press Enter for a new line, read as they were typed."""
    html = markdown_lib.markdown(normalise(text), extensions=["sane_lists", "nl2br"],
                                 output_format="html")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel="noopener noreferrer", **nh3_options)


# The marks of the few things staff write (the admin's guide), for plain_words().
_MARKS = [
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)?"), r"\1"),  # a link or image: its text
    (re.compile(r"\]\([^)\s]*\)?"), ""),  # the end of one whose start was cut off
    (re.compile(r"^[ \t]{0,3}(?:#{1,6}|>|[-*+]|\d{1,9}[.)])[ \t]+", re.MULTILINE), ""),
    (re.compile(r"\*\*|__|`"), ""),
    (re.compile(r"(?<![\w*])[*_](?=\S)|(?<=\S)[*_](?![\w*])"), ""),  # *italic*, _italic_
]


def plain_words(text):
    """A Markdown text or a piece of one (a search headline may end inside a link) with
    its marks taken out and its words left, for a plain-text preview."""
    for pattern, replacement in _MARKS:
        text = pattern.sub(replacement, text or "")
    return text
