"""The safety rule for stories: a story linked to a project that hides its partners may not
name them (issue 27, item 2). Finds, in a story's texts, the names and places of the
hidden partners of the projects it is linked to."""

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Prefetch

from common.markdown import plain_words
from projects.models import Partner, Project

# Every text of a story a visitor or a mail reader may see, by form field name: both
# languages of the translated ones (an English text that names a partner is as public as
# a Swedish one), and the image's credit (a photo credited to the partner names it).
TEXT_FIELDS = ("title_sv", "title_en", "lead_sv", "lead_en", "body_sv", "body_en",
               "image_alt_sv", "image_alt_en", "image_credit", "author")


@dataclass(frozen=True)
class Mention:
    """A hidden partner of a linked project that a story's text names (what="name") or
    whose place it names (what="place"), in the field `field`."""

    partner: Partner
    project: Project
    what: str
    field: str


def _normal(text):
    # The same letters whether typed composed or not ("Niš"), any case, any spacing.
    return " ".join(unicodedata.normalize("NFC", text or "").casefold().split())


def _names(text, phrase):
    """Whether `text` names `phrase` as words of its own: "Gaza" in "i Gaza," but not in
    "Gazastreet"; a partner called "Centret" is not found in "Palmecentret"."""
    phrase = _normal(phrase)
    if not phrase:
        return False
    pattern = r"\s+".join(re.escape(word) for word in phrase.split())
    return re.search(rf"(?<!\w){pattern}(?!\w)", text) is not None


def hiding_projects(projects):
    """Those of `projects` (a queryset or list) that hide their partners, with their
    partners."""
    if hasattr(projects, "filter"):
        return list(projects.filter(visibility=Project.Visibility.HIDE_PARTNERS)
                    .prefetch_related("partners"))
    return [p for p in projects if p.visibility == Project.Visibility.HIDE_PARTNERS]


def hidden_partner_mentions(texts, projects):
    """The Mentions in `texts` ({field name: text}) of the hidden partners of `projects`
    (those that hide their partners, partners prefetched): names first."""
    plain = {field: _normal(plain_words(text)) for field, text in texts.items() if text}
    found = []
    for project in projects:
        if project.visibility != Project.Visibility.HIDE_PARTNERS:
            continue
        for partner in project.partners.all():
            for what, phrase in (("name", partner.name), ("place", partner.place)):
                field = next((f for f, text in plain.items() if _names(text, phrase)), None)
                if field is not None:
                    found.append(Mention(partner, project, what, field))
    return sorted(found, key=lambda m: (m.what != "name", m.partner.name, m.project.pk))


def story_texts(story):
    """{field name: text} of a saved or unsaved story."""
    return {field: getattr(story, field, "") or "" for field in TEXT_FIELDS}


def mentions_in_story(story):
    """The Mentions in a saved story, its linked projects read from the database (or from
    a prefetch to `hiding_projects`, see with_hiding_projects())."""
    projects = getattr(story, "hiding_projects", None)
    if projects is None:
        projects = hiding_projects(story.projects.all())
    return hidden_partner_mentions(story_texts(story), projects)


def with_hiding_projects(stories):
    """`stories` (a queryset) with each story's linked projects that hide their partners,
    and their partners, in two queries for all of them (for mentions_in_story())."""
    return stories.prefetch_related(Prefetch(
        "projects", to_attr="hiding_projects",
        queryset=Project.objects.filter(visibility=Project.Visibility.HIDE_PARTNERS)
        .prefetch_related("partners")))
