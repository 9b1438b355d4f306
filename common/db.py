"""Lifting the web's statement timeout (DATABASE_STATEMENT_TIMEOUT) for long batch work."""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.signals import connection_created


def lift_statement_timeout(using=DEFAULT_DB_ALIAS):
    """No statement timeout on this process's connections to `using` from now on.

    For commands whose single statements may legitimately run long and where nobody is
    waiting for a page (migrate on a large table, load_demo with 100,000 subscribers,
    write_iati): the setting protects web workers, not them. Applied to the open
    connection and to any the process opens later, so a reconnect does not bring the
    timeout back. A no-op on databases without statement timeouts (SQLite).
    """
    _lifted.add(using)
    connection_created.connect(_no_timeout, dispatch_uid="palmecentret-no-statement-timeout")
    connection = connections[using]
    if connection.connection is not None:
        _no_timeout(sender=type(connection), connection=connection)


# The aliases whose connections run without a statement timeout in this process.
_lifted = set()


def _no_timeout(sender, connection, **kwargs):
    if connection.alias in _lifted and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # For the session (not SET LOCAL): it outlives the transaction it is made in.
            cursor.execute("SET statement_timeout = 0")


def lift_statement_timeout_before_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """pre_migrate receiver: migrations may rewrite large tables or wait for a lock."""
    lift_statement_timeout(using)
