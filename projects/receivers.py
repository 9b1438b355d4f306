"""Signal receivers that keep a project's (or programme's) `updated` stamp moving when a
row it reports in the IATI file changes, is deleted or is linked or unlinked: a deleted
transaction, a policy marker or a removed country leaves no stamp of its own for
last-updated-datetime to read."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from .models import (
    Indicator,
    IndicatorPeriod,
    PolicyMarker,
    Programme,
    Project,
    Result,
    Transaction,
)


def _touch(queryset):
    # update(): no save() signals, search documents or text cleaning for a time stamp.
    queryset.update(updated=timezone.now())


def _touch_owner(sender, instance, raw=False, **kwargs):
    if raw:  # loaddata: the fixture's own stamps stand
        return
    if sender in (Transaction, Result):
        _touch(Project.objects.filter(pk=instance.project_id))
    elif sender is Indicator:
        _touch(Project.objects.filter(results=instance.result_id))
    elif sender is IndicatorPeriod:
        _touch(Project.objects.filter(results__indicators=instance.indicator_id))
    elif sender is PolicyMarker:
        if instance.project_id:
            _touch(Project.objects.filter(pk=instance.project_id))
        if instance.programme_id:
            _touch(Programme.objects.filter(pk=instance.programme_id))


def _touch_linked(sender, instance, action, reverse, pk_set, **kwargs):
    """A country, theme, member organisation or partner added to or removed from a
    project (the admin saves the project too; code and imports may not)."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        _touch(Project.objects.filter(pk=instance.pk))
    elif pk_set:
        _touch(Project.objects.filter(pk__in=pk_set))


def connect():
    """Called from ProjectsConfig.ready()."""
    for model in (Transaction, Result, Indicator, IndicatorPeriod, PolicyMarker):
        post_save.connect(_touch_owner, sender=model, dispatch_uid=f"touch-{model.__name__}")
        post_delete.connect(_touch_owner, sender=model,
                            dispatch_uid=f"touch-deleted-{model.__name__}")
    for name in ("countries", "themes", "member_organisations", "partners"):
        m2m_changed.connect(_touch_linked, sender=getattr(Project, name).through,
                            dispatch_uid=f"touch-linked-{name}")
