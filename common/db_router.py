"""Reads from the read replica (DATABASE_REPLICA_URL) where they cannot miss a write.

How it fits together:

- `replica_reads` says whether this request's reads may go to the replica. It is False
  unless ReplicaReadsMiddleware sets it, so commands, the db_worker and anything else
  outside a request always read the primary.
- ReplicaReadsMiddleware sets it for GET and HEAD from anonymous visitors: the page
  cache's own test (common.page_cache.is_anonymous_read), whatever
  PAGE_CACHE_SECONDS. They see what everyone sees and have written nothing the replica
  might not have yet. Staff (any session cookie), a visitor with a message waiting after
  a form, every POST, the admin and /healthz read the primary.
- It stays set until Django's request_finished signal, not until the middleware returns:
  streamed answers (the IATI file, the CSV and JSON exports) run their queries while the
  WSGI server sends them, after the middleware chain. request_finished comes when the
  server closes the answer, so nothing carries over into the thread's next request.
- ReplicaRouter reads from "replica" only when it is set and the primary connection is
  outside any transaction: a read inside transaction.atomic must see that transaction's
  own writes, which the replica never has. Writes and migrations always go to the
  primary; the replica gets its schema and rows by replication.
- Pages that show a visitor what they just changed through a signed link (confirming a
  subscription, the preference centre, unsubscribing, cancelling a registration) are
  anonymous GETs right after the visitor's own POST: `reads_from_primary` keeps them on
  the primary, so a replica a moment behind cannot show the change undone.

A replica that lags shows anonymous visitors slightly older pages. Right after a change
the page cache is made stale at once; a page rendered from a replica that has not yet
replayed the change may then be stored for up to PAGE_CACHE_SECONDS. With streaming
replication on a local network that window is typically well under a second; watch the
replica's lag (pg_stat_replication) and /healthz's "replica" in monitoring.
"""

from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from .page_cache import is_anonymous_read

REPLICA = "replica"

replica_reads = ContextVar("palmecentret_replica_reads", default=False)


def reset_replica_reads(**kwargs):
    """request_finished receiver (connected in PalmecentretConfig.ready)."""
    replica_reads.set(False)


class ReplicaRouter:
    """Sends reads to the replica when replica_reads allows it, everything else to the
    primary. Installed by settings.py only when DATABASE_REPLICA_URL is set."""

    def db_for_read(self, model, **hints):
        if (replica_reads.get() and REPLICA in settings.DATABASES
                and not connections[DEFAULT_DB_ALIAS].in_atomic_block):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The same rows on both: an object read from the replica may be tied to one from
        # the primary (and is saved to the primary).
        both = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in both and obj2._state.db in both:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReplicaReadsMiddleware:
    """Lets anonymous visitors' GET and HEAD requests read from the replica. Placed right
    after PageCacheMiddleware: a cache hit needs no database, a miss reaches this."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        replica_reads.set(is_anonymous_read(request))
        # Not reset on the way out: a streamed answer still reads (see the module's
        # docstring); request_finished resets it.
        return self.get_response(request)


def reads_from_primary(view):
    """For a view whose page shows what the visitor has just changed (right after the
    POST that changed it): its reads go to the primary, even for an anonymous GET."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        replica_reads.set(False)
        return view(request, *args, **kwargs)

    return wrapper
