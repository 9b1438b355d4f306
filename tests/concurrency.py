"""Racing requests in tests: many threads released at the same instant."""

import threading

from django.db import connection


def at_once(count, work):
    """Run work(n) for n in range(count), each in its own thread, all released together by
    a barrier; each thread's own database connection is closed after it. Returns the
    exceptions raised, if any."""
    barrier = threading.Barrier(count)
    errors = []

    def run(n):
        try:
            barrier.wait()
            work(n)
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
