"""The rows of the newsletter managers' CSV export of subscribers, streamed by the admin
(common.admin_spreadsheets): the server holds a few thousand rows at a time, whatever
the total.

The rows are read with two cursors side by side, both in subscriber order: the
subscribers themselves and their active subscriptions (for the "lists" column). Each
reads 2,000 rows per round trip (a server-side cursor on PostgreSQL), and the two are
merged as they go, so no query runs per subscriber and nothing is collected in memory.
"""

from django.utils import timezone
from django.utils.text import capfirst

from .models import MailingList, Subscriber, Subscription

# Rows fetched per round trip.
CHUNK_SIZE = 2000

# The columns: the subscriber's own fields (the admin's export resource may choose
# among them) and the lists they receive.
FIELDS = ["email", "name", "language", "created", "confirmed_at", "unsubscribed_at"]
LISTS = "lists"
DATETIME_FIELDS = {"created", "confirmed_at", "unsubscribed_at"}


def _cell(name, value):
    if value is not None and name in DATETIME_FIELDS:
        # Local time, to the second, in a form every spreadsheet reads as a date.
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    return value


def _active_lists(subscribers):
    """(subscriber id, [list names]) for each of `subscribers` with an active
    subscription, in subscriber id order."""
    names = {mailing_list.pk: mailing_list.name for mailing_list in MailingList.objects.all()}
    rows = (Subscription.objects
            .filter(subscriber__in=subscribers.order_by().values("pk"),
                    status=Subscription.Status.ACTIVE)
            .order_by("subscriber_id", "mailing_list__sort_order", "mailing_list_id")
            .values_list("subscriber_id", "mailing_list_id")
            .iterator(chunk_size=CHUNK_SIZE))
    current, lists = None, []
    for subscriber_id, mailing_list_id in rows:
        if subscriber_id != current:
            if current is not None:
                yield current, lists
            current, lists = subscriber_id, []
        lists.append(names[mailing_list_id])
    if current is not None:
        yield current, lists


def header(fields):
    """The columns' titles in the staff member's language, as the other spreadsheets'
    (common.admin_spreadsheets): the fields' verbose names, then "Mailing lists"."""
    return [*(str(capfirst(Subscriber._meta.get_field(name).verbose_name)) for name in fields),
            str(capfirst(MailingList._meta.verbose_name_plural))]


def subscriber_rows(subscribers, fields=FIELDS):
    """The header, then one row per subscriber (in id order): `fields`, then the names of
    the lists they receive."""
    yield header(fields)
    lists = _active_lists(subscribers)
    next_lists = next(lists, None)
    for pk, *values in (subscribers.order_by("pk").values_list("pk", *fields)
                        .iterator(chunk_size=CHUNK_SIZE)):
        # Both run in id order: skip what belongs to no exported subscriber (none,
        # unless one was deleted in between), take what belongs to this one.
        while next_lists is not None and next_lists[0] < pk:
            next_lists = next(lists, None)
        receives = []
        if next_lists is not None and next_lists[0] == pk:
            receives = next_lists[1]
            next_lists = next(lists, None)
        yield [*(_cell(name, value) for name, value in zip(fields, values)),
               ", ".join(receives)]
