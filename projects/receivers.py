"""Signal receivers that keep a project's (or programme's) `updated` stamp moving when a
row it reports in the IATI file changes or is deleted: a deleted transaction or a policy
marker leaves no stamp of its own for last-updated-datetime to read."""

from django.db.models.signals import post_delete, post_save
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


def connect():
    """Called from ProjectsConfig.ready()."""
    for model in (Transaction, Result, Indicator, IndicatorPeriod, PolicyMarker):
        post_save.connect(_touch_owner, sender=model, dispatch_uid=f"touch-{model.__name__}")
        post_delete.connect(_touch_owner, sender=model,
                            dispatch_uid=f"touch-deleted-{model.__name__}")
