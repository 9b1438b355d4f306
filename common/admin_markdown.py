"""Markdown fields in the admin: the model names them (MARKDOWN_FIELDS), the form says
so, in the field's help text and in a short guide to the marks beside the text area."""

from django import forms
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

MARKDOWN_HELP = _("Markdown: **bold**, *italic*, [link text](https://...), lines starting "
                  "with - for lists, an empty line between paragraphs.")


def markdown_fields(model):
    """The names of a model's text fields written in Markdown and shown as HTML on its
    pages (common.markdown): the model lists them in MARKDOWN_FIELDS."""
    return frozenset(getattr(model, "MARKDOWN_FIELDS", ()))


class MarkdownTextarea(forms.Textarea):
    """A text area followed by a "How to write" guide to the marks that work: a closed
    <details>, so it takes one line until opened and needs no script."""

    def render(self, name, value, attrs=None, renderer=None):
        # One box for the two: the admin lays a field's label and widget out side by side.
        return format_html('<div class="markdown-field">{}{}</div>',
                           super().render(name, value, attrs, renderer),
                           render_to_string("admin/includes/markdown_guide.html"))


class MarkdownAdminMixin:
    """For a ModelAdmin (before TranslationAdmin): each of the model's MARKDOWN_FIELDS,
    in every language, says in its help text that it is Markdown and which marks work,
    and has the guide under it."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        # modeltranslation's body_sv and body_en stand for the model's body.
        original = getattr(db_field, "translated_field", db_field)
        if formfield is not None and original.name in markdown_fields(self.model):
            formfield.widget = MarkdownTextarea(attrs=formfield.widget.attrs)
            formfield.help_text = (format_lazy("{} {}", formfield.help_text, MARKDOWN_HELP)
                                   if formfield.help_text else MARKDOWN_HELP)
        return formfield
