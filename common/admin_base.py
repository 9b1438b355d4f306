"""What the apps' admins share: version history whose restore touches only the object
itself and whose entries read in the reader's language, bulk publish and unpublish
(saved one object at a time so each change is kept in its version history) and https as
the assumed URL scheme."""

import reversion
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from reversion.admin import VersionAdmin
from reversion.errors import RevertError
from reversion.models import Version

from . import history
from .search_documents import DOCUMENT_FIELDS, Searchable


def version_initial(version):
    """The form values of a stored version: its own fields, translations and
    many-to-many links, by form field name. RevertError if it cannot be read."""
    model = version.content_type.model_class()
    values = {}
    for attname, value in version.field_dict.items():
        field = next((f for f in model._meta.get_fields()
                      if getattr(f, "attname", None) == attname), None)
        if field is not None and field.editable and not field.primary_key:
            values[field.name] = value
    return values


class HistoryAdmin(VersionAdmin):
    """Version history (django-reversion) whose restore is an ordinary edit of the object.

    django-reversion's own restore writes back the whole revision a version belongs to
    (everything saved with it: the other objects of a bulk action, and the rows of the
    page's inlines, which it follows: a seminar's registrations, a programme's projects)
    and deletes what those relations gained since. Here a version only fills in the
    object's own form: saving it is an edit, with the edit's permission, validation and
    history entry, and nothing else is read from the revision or written. Versions keep
    the object's own fields only, so no inline's rows (registrants' personal data) are
    copied into them.

    A revision's comment is the change message as Django stores it (JSON, in no
    language; django-reversion keeps the text rendered in the editor's language), which
    the history page shows in the reader's (common.history,
    templates/reversion/object_history.html)."""

    restore_form_template = "admin/restore_form.html"

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.change_message)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.change_message)
        return entry

    def reversion_register(self, model, **kwargs):
        # Called for the admin's model and for each inline's model, with the inlines to
        # follow: only the model itself is kept, and nothing is followed. A searched
        # model's documents are made from its fields, not edited: not kept either.
        if model is self.model:
            exclude = DOCUMENT_FIELDS.values() if issubclass(model, Searchable) else ()
            super().reversion_register(model, exclude=tuple(exclude))

    def revision_view(self, request, object_id, version_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_object(obj), pk=version_id)
        return self._restore(request, version, object_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_deleted(self.model), pk=version_id)
        return self._restore(request, version, None, extra_context)

    def _restore(self, request, version, object_id, extra_context):
        """The object's form filled in from `version` (a deleted object's: the add form,
        saving it under its old id), with the restore's explanation; saving it is logged
        as the restore."""
        try:
            initial = version_initial(version)
        except RevertError as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect(f"{self.admin_site.name}:{self.opts.app_label}_"
                            f"{self.opts.model_name}_changelist")
        request.restoring = {"initial": initial, "pk": version.object_id}
        saved_on = formats.localize(timezone.template_localtime(version.revision.date_created))
        context = {
            "title": _("Restore %(name)s") % {"name": version.object_repr},
            "version": version, "saved_on": saved_on, "recovering": object_id is None,
            **(extra_context or {}),
        }
        with self.create_revision(request):
            response = self.changeform_view(request, object_id, request.path, context)
            if request.method == "POST" and response.status_code == 302:
                reversion.set_comment(history.dumps([
                    history.restored(version.revision.date_created),
                    *history.loads(reversion.get_comment())]))
        if getattr(response, "is_rendered", True) is False:
            response.template_name = self.restore_form_template
        return response

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        restoring = getattr(request, "restoring", None)
        if restoring is None:
            return form_class
        model = self.model

        class RestoreForm(form_class):
            def __init__(self, *args, **form_kwargs):
                if not args and "data" not in form_kwargs:
                    form_kwargs["initial"] = {**restoring["initial"],
                                              **form_kwargs.get("initial", {})}
                if form_kwargs.get("instance") is None:
                    # Recovering a deleted object: it comes back under its old id, with
                    # its history.
                    form_kwargs["instance"] = model(
                        pk=model._meta.pk.to_python(restoring["pk"]))
                super().__init__(*args, **form_kwargs)

        return RestoreForm

    def get_inlines(self, request, obj):
        # A restore is about the object's own fields: what the inlines show is left
        # as it is now.
        if getattr(request, "restoring", None) is not None:
            return []
        return super().get_inlines(request, obj)


class PublishingAdminMixin:
    """Bulk publish and unpublish. A model with requirements for publishing names what
    an object lacks in publishing_problems(obj); such objects are left as drafts and the
    editor is told which and why."""

    actions = ["publish", "unpublish"]

    def publishing_problems(self, obj):
        """What `obj` lacks to be published, as sentences (empty: nothing)."""
        return []

    def _set_published(self, request, queryset, published):
        changed, skipped = 0, []
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(history.dumps([history.published(published)]))
            for obj in queryset.filter(published=not published):
                problems = self.publishing_problems(obj) if published else []
                if problems:
                    skipped.append((obj, problems))
                    continue
                obj.published = published
                obj.save()
                changed += 1
        for obj, problems in skipped:
            self.message_user(request, _("%(name)s was not published: it needs %(missing)s.")
                              % {"name": obj, "missing": "; ".join(map(str, problems))},
                              messages.WARNING)
        return changed

    @admin.action(description=gettext_lazy("Publish the selected items"),
                  permissions=["change"])
    def publish(self, request, queryset):
        changed = self._set_published(request, queryset, True)
        self.message_user(request, ngettext("%(count)d item published.",
                                            "%(count)d items published.", changed)
                          % {"count": changed}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Unpublish the selected items (back to draft)"),
                  permissions=["change"])
    def unpublish(self, request, queryset):
        changed = self._set_published(request, queryset, False)
        self.message_user(request, ngettext("%(count)d item unpublished.",
                                            "%(count)d items unpublished.", changed)
                          % {"count": changed}, messages.SUCCESS)


class HttpsUrlsMixin:
    """A website typed without a scheme ("abf.se") is taken as https, not http."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class LabelledTableInlineMixin:
    """For a tabular inline: each row's boxes named by their column's heading for screen
    readers (aria-label). Django's table heads the columns but labels no box, so a screen
    reader announced "edit text" with no name (axe: label, select-name)."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class Labelled(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                for field in form.fields.values():
                    if field.label and not field.widget.is_hidden:
                        field.widget.attrs.setdefault("aria-label", str(field.label))
                        # A chooser wrapped with its add and change links (a foreign
                        # key's) renders its inner widget, whose attrs a form's copy no
                        # longer shares with the wrapper's.
                        inner = getattr(field.widget, "widget", None)
                        if inner is not None:
                            inner.attrs.setdefault("aria-label", str(field.label))

        return Labelled
