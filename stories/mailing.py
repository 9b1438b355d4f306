"""A newsletter made from stories: a draft Mailing whose body in each language is an
introduction followed by the chosen stories (image, linked title, lead, "Read more").

The newsletter app sends it as any other mailing (preview, test, send); it knows nothing
of stories, so the composing lives here, above it. The body is the Markdown staff write
anyway, so the draft can still be edited before it goes out; every link and image in it
is absolute (SITE_URL): a mail has no site to be relative to.
"""

import html
import re

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from common.images import offered_widths, rendition_size
from newsletter.models import Mailing

# The column of the mail (templates/emails/base.html): 600 px less 24 px padding each
# side. Images are sent at most this wide, so a client that ignores max-width (Outlook
# on Windows) still fits them; the file is the 800 px rendition, sharp on a phone.
MAIL_IMAGE_WIDTH = 552
RENDITION_WIDTH = 800

# What Markdown would read as marks in a story's plain text (title, lead, alt text).
_MARKS = re.compile(r"([\\`*_\[\]])")
_LINE_START = re.compile(r"^([ \t]*)(#|>|[-+]\s|\d+[.)]\s)", re.MULTILINE)


def plain(text):
    """A story's plain text, safe inside a Markdown body: its marks escaped, a tag-like
    "<" spelled as an entity, line breaks kept as the editor typed them."""
    text = _MARKS.sub(r"\\\1", (text or "").strip())
    text = re.sub(r"<(?=[A-Za-z/!?])", "&lt;", text)
    return _LINE_START.sub(lambda m: f"{m[1]}\\{m[2]}", text)


def absolute(path):
    return settings.SITE_URL + path


def mail_rendition(story):
    """(JPEG rendition file, display width, display height) for the story's image in a
    mail, or None without an image. Mail clients show JPEG (not WebP). The rendition is
    one that common.images.MakeOffered made when the image was saved: the 800 px one,
    or for a narrower original the one at its own size."""
    if not story.image or not story.image_width:
        return None
    widths = offered_widths(story.image_width)
    width = RENDITION_WIDTH if RENDITION_WIDTH in widths else widths[-1]
    rendition_width, rendition_height = rendition_size(width, story.image_width,
                                                      story.image_height)
    shown = min(rendition_width, MAIL_IMAGE_WIDTH)
    height = round(rendition_height * shown / rendition_width)
    return getattr(story, f"image_w{width}_jpeg"), shown, height


def in_language(story, field, language):
    """The field in `language`, or the Swedish one when it has no translation; and
    whether it fell back."""
    value = (getattr(story, f"{field}_{language}", "") or "").strip()
    if value or language == settings.LANGUAGE_CODE:
        return value, False
    return (getattr(story, f"{field}_{settings.LANGUAGE_CODE}", "") or "").strip(), True


def story_url(story, language):
    with translation.override(language):
        return absolute(story.get_absolute_url())


def story_markdown(story, language):
    """One story in the body: image (with alt text, for clients that block images), the
    title as a link, the lead and a "Read more" link, in `language` or, for a story not
    translated, in Swedish with a note saying so."""
    title, untranslated = in_language(story, "title", language)
    lead, _lead_fell_back = in_language(story, "lead", language)
    url = story_url(story, language)
    parts = []
    image = mail_rendition(story)
    if image is not None:
        file, width, height = image
        alt, _alt_fell_back = in_language(story, "image_alt", language)
        # An HTML tag rather than ![alt](src): only HTML can give the width and height
        # Outlook needs to keep a large image inside the column.
        parts.append(f'<img src="{html.escape(absolute(file.url))}" '
                     f'alt="{html.escape(alt)}" width="{width}" height="{height}">')
    parts.append(f"## [{plain(title)}]({url})")
    with translation.override(language):
        if untranslated:
            parts.append("*" + _("This story is in Swedish only.") + "*")
        if lead:
            parts.append(plain(lead))
        # Outside the f-string: makemessages does not look inside one.
        read_more = pgettext("story mailing", "Read more")
        parts.append(f"[{read_more}]({url})")
    return "\n\n".join(parts)


def compose_body(introduction, stories, language):
    """The whole body in one language: the introduction as written (Markdown), then each
    story, separated by rules."""
    blocks = [(introduction or "").strip()] if (introduction or "").strip() else []
    blocks += [story_markdown(story, language) for story in stories]
    return "\n\n---\n\n".join(blocks) + "\n"


def create_mailing(*, stories, mailing_lists, subjects, introductions, user):
    """A draft mailing of the stories (in the order given) to the lists. `subjects` and
    `introductions` map a language to its text; the English version is made when there
    is an English subject, as the mailing form asks (both or neither)."""
    fields = {"subject_sv": subjects["sv"],
              "body_sv": compose_body(introductions.get("sv"), stories, "sv")}
    if (subjects.get("en") or "").strip():
        fields["subject_en"] = subjects["en"]
        fields["body_en"] = compose_body(introductions.get("en"), stories, "en")
    with transaction.atomic():
        mailing = Mailing.objects.create(created_by=user, **fields)
        mailing.mailing_lists.set(mailing_lists)
    return mailing
