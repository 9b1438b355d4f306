"""The project cards a page shows (includes/project_card.html), read from its HTML as a
visitor sees them."""

import html
import re

# The card's image (or its fallback) comes before its body; a demo badge after the link.
CARD_LINK = re.compile(r'<article class="[^"]*\bproject-card\b[^"]*">(?:(?!</article>).)*?'
                       r'<div class="card-body">'
                       r'\s*<h3 class="h5 card-title"><a href="([^"]+)">([^<]*)</a>', re.S)


def cards(response):
    """[(url, title)] of the page's project cards, in the page's order."""
    return [(url, html.unescape(title))
            for url, title in CARD_LINK.findall(response.content.decode())]


def card_titles(response):
    return [title for _url, title in cards(response)]


def card_urls(response):
    return [url for url, _title in cards(response)]
