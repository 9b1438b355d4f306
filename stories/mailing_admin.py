"""The admin page that starts a newsletter from stories: choose published stories, write
an introduction and a subject per language, choose the lists; it makes a draft mailing
(stories.mailing) and opens it, to preview, test and send as any other.

Reached from the list of mailings ("New mailing from stories"): the newsletter's admin
links to it by URL name only, since the newsletter app may not import stories. Open to
staff who may add mailings and view stories (newsletter managers, palmecentret.roles).
"""

import reversion
from django import forms
from django.contrib.admin import helpers, widgets
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import ngettext, pgettext_lazy

from newsletter.models import Mailing, MailingList, Subscription

from . import mailing as story_mailing
from .models import Story

# The newest published stories the page offers; a newsletter is about recent work.
CHOICES = 40
PERMISSIONS = ("newsletter.add_mailing", "stories.view_story")


def may_compose(user):
    return user.has_perms(PERMISSIONS)


def ids_from(value):
    return [int(part) for part in str(value or "").split(",") if part.strip().isdigit()]


class StoryChoiceField(forms.ModelMultipleChoiceField):
    """Published stories only; a draft (left in a link, or unpublished while the page was
    open) is refused by name rather than as "not one of the available choices"."""

    def label_from_instance(self, story):
        date = story.published_on.strftime("%Y-%m-%d")
        if (story.title_en or "").strip():
            return f"{story.title_sv} ({date})"
        # Outside the f-string: makemessages does not look inside one.
        swedish_only = _("Swedish only")
        return f"{story.title_sv} ({date}, {swedish_only})"

    def clean(self, value):
        ids = [int(pk) for pk in value or [] if str(pk).isdigit()]
        drafts = Story.objects.filter(pk__in=ids, published=False)
        if drafts:
            raise forms.ValidationError(ngettext(
                "This story is a draft: %(titles)s. Publish it first, or leave it out: "
                "subscribers could not open its page.",
                "These stories are drafts: %(titles)s. Publish them first, or leave them "
                "out: subscribers could not open their pages.", len(drafts))
                % {"titles": ", ".join(story.title for story in drafts)},
                code="draft")
        return super().clean(value)


# A box per choice, one under another, each label as wide as it needs (the admin's
# "radiolist" style; without it a label wraps at the admin's 160 px label width).
CHECKBOXES = forms.CheckboxSelectMultiple(attrs={"class": "radiolist"})

# The page's layout, as the mailing form's: each language's field side by side.
FIELDSETS = [
    (pgettext_lazy("story mailing", "Stories"), {"fields": ["stories"]}),
    (gettext_lazy("Subject and introduction"), {"fields": [
        ("subject_sv", "subject_en"), ("introduction_sv", "introduction_en")]}),
    (gettext_lazy("Recipients"), {"fields": ["mailing_lists"]}),
]


class ComposeForm(forms.Form):
    stories = StoryChoiceField(
        queryset=Story.objects.none(), widget=CHECKBOXES,
        label=pgettext_lazy("story mailing", "Stories"),
        help_text=gettext_lazy("The newest published stories. Each is shown with its "
                               "image, title, lead and a link to read more, newest "
                               "first."))
    subject_sv = forms.CharField(label=gettext_lazy("Subject (Swedish)"), max_length=200,
                                 widget=widgets.AdminTextInputWidget)
    introduction_sv = forms.CharField(
        label=gettext_lazy("Introduction (Swedish)"), widget=widgets.AdminTextareaWidget,
        help_text=gettext_lazy("A few lines before the stories, in Markdown as in any "
                               "mailing."))
    subject_en = forms.CharField(label=gettext_lazy("Subject (English)"), max_length=200,
                                 required=False, widget=widgets.AdminTextInputWidget)
    introduction_en = forms.CharField(
        label=gettext_lazy("Introduction (English)"), required=False,
        widget=widgets.AdminTextareaWidget,
        help_text=gettext_lazy("Subscribers who chose English get the English version. "
                               "A story without English text is shown in Swedish with a "
                               "note."))
    mailing_lists = forms.ModelMultipleChoiceField(
        queryset=MailingList.objects.all(), widget=CHECKBOXES,
        label=gettext_lazy("Mailing lists"),
        help_text=gettext_lazy("Who gets the mailing: the active subscribers of these "
                               "lists, each once."))

    def __init__(self, *args, preselected=(), **kwargs):
        super().__init__(*args, **kwargs)
        newest = list(Story.objects.public().newest_first()
                      .values_list("pk", flat=True)[:CHOICES])
        self.fields["stories"].queryset = (Story.objects.public()
                                           .filter(pk__in=[*newest, *preselected])
                                           .newest_first())

    def clean(self):
        cleaned = super().clean()
        subject_en = (cleaned.get("subject_en") or "").strip()
        introduction_en = (cleaned.get("introduction_en") or "").strip()
        # As the mailing form asks: the English version whole or not at all.
        if subject_en and not introduction_en:
            self.add_error("introduction_en", _("Write the English introduction too, or "
                                                "leave the English subject empty."))
        if introduction_en and not subject_en:
            self.add_error("subject_en", _("Write the English subject too, or leave the "
                                           "English introduction empty."))
        lists = cleaned.get("mailing_lists")
        if lists and not subject_en and not introduction_en:
            readers = (Subscription.objects
                       .filter(mailing_list__in=lists, status=Subscription.Status.ACTIVE,
                               subscriber__language="en")
                       .values("subscriber").distinct().count())
            if readers:
                self.add_error("subject_en", ngettext(
                    "%(count)d subscriber on these lists chose English: write the English "
                    "subject and introduction.",
                    "%(count)d subscribers on these lists chose English: write the English "
                    "subject and introduction.", readers) % {"count": readers})
        return cleaned


def compose_mailing_view(request, admin_site):
    if not may_compose(request.user):
        raise PermissionDenied
    preselected = ids_from(request.GET.get("stories"))
    if request.method == "POST":
        form = ComposeForm(request.POST, preselected=preselected)
        if form.is_valid():
            return _create(request, admin_site, form)
    else:
        form = ComposeForm(preselected=preselected, initial={
            "stories": preselected,
            "mailing_lists": list(MailingList.objects.filter(is_public=True)
                                  .values_list("pk", flat=True)[:1])})
        for draft in Story.objects.filter(pk__in=preselected, published=False):
            messages.warning(request, _("“%(title)s” is a draft and cannot go into a "
                                        "mailing until it is published.")
                             % {"title": draft.title})
    context = {
        **admin_site.each_context(request),
        "title": _("New mailing from stories"),
        "opts": Mailing._meta,
        "form": form,
        "adminform": helpers.AdminForm(form, FIELDSETS, {}),
    }
    return TemplateResponse(request, "admin/stories/compose_mailing.html", context)


def _create(request, admin_site, form):
    data = form.cleaned_data
    # Newest first, as the page lists them and the public pages do.
    stories = sorted(data["stories"], key=lambda story: (story.published_on, story.pk),
                     reverse=True)
    mailing_admin = admin_site.get_model_admin(Mailing)
    with reversion.create_revision():
        mailing = story_mailing.create_mailing(
            stories=stories, mailing_lists=data["mailing_lists"], user=request.user,
            subjects={"sv": data["subject_sv"], "en": data["subject_en"]},
            introductions={"sv": data["introduction_sv"], "en": data["introduction_en"]})
        reversion.set_user(request.user)
        # The history shows it added, as if saved from the mailing form.
        mailing_admin.log_addition(request, mailing, [{"added": {}}])
    messages.success(request, ngettext(
        "The draft “%(subject)s” is made from %(count)d story. Read it through, then "
        "choose Preview and send yourself a test before you send it.",
        "The draft “%(subject)s” is made from %(count)d stories. Read it through, then "
        "choose Preview and send yourself a test before you send it.", len(stories))
        % {"subject": mailing.subject, "count": len(stories)})
    return redirect("admin:newsletter_mailing_change", mailing.pk)
