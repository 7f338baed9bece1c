"""The background side of webhooks: events in, attempts out, retries on a schedule.

The app hands every committed event to :meth:`WebhookRunner.notify`, which only queues it:
the client already has its response and nothing here can delay or fail it. A small thread
pool turns events into triggered webhooks and makes attempts; a scheduler thread holds the
retries until they are due. Each process runs the webhooks its own requests triggered, so
several processes behind a load balancer never send the same one twice.

Like the official broker's in-memory jobs, retries still waiting when the process stops are
not resumed by another process: they stay ``retrying`` in the log, with the time they
were due.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from functools import partial

from accord.broker.db.engine import Database
from accord.broker.events import BrokerEvent
from accord.broker.settings import Settings
from accord.broker.webhooks import delivery, triggers

log = logging.getLogger("accord.broker.webhooks")

WORKERS = 4


class WebhookRunner:
    def __init__(self, db: Database, settings: Settings, *, workers: int = WORKERS) -> None:
        self._db = db
        self._settings = settings
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="accord-webhook")
        self._due: list[tuple[float, int, int]] = []  # (monotonic due time, seq, triggered id)
        self._seq = itertools.count()
        self._wake = threading.Condition()
        self._stopping = False
        self._scheduler = threading.Thread(
            target=self._schedule_loop, name="accord-webhook-scheduler", daemon=True
        )
        self._scheduler.start()

    def notify(self, event: BrokerEvent, committed_at: datetime) -> None:
        """Queue ``event``, committed at ``committed_at``; returns at once."""
        self._submit(partial(self._fire, event, committed_at))

    def stop(self, timeout: float = 10.0) -> None:
        """Finish attempts in flight (bounded by the webhook timeout), drop queued ones."""
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        self._scheduler.join(timeout)
        self._pool.shutdown(wait=True, cancel_futures=True)

    # --- work -----------------------------------------------------------------------------

    def _submit(self, work: Callable[[], None]) -> None:
        with self._wake:
            if self._stopping:
                return
            self._pool.submit(_logged, work)

    def _fire(self, event: BrokerEvent, committed_at: datetime) -> None:
        if not self._db.transaction(
            lambda conn: triggers.anyone_listening(conn, event, committed_at), write=False
        ):
            return
        ids = self._db.transaction(
            lambda conn: triggers.fire(conn, event, committed_at), write=True
        )
        for triggered_id in ids:
            self._submit(partial(self._attempt, triggered_id))

    def _attempt(self, triggered_id: int) -> None:
        outcome = delivery.attempt(self._db, self._settings, triggered_id)
        if outcome is not None and outcome.retry_in is not None:
            self._later(triggered_id, outcome.retry_in)

    def _later(self, triggered_id: int, delay: float) -> None:
        with self._wake:
            heapq.heappush(self._due, (time.monotonic() + delay, next(self._seq), triggered_id))
            self._wake.notify_all()

    def _schedule_loop(self) -> None:
        with self._wake:
            while not self._stopping:
                if not self._due:
                    self._wake.wait()
                    continue
                wait = self._due[0][0] - time.monotonic()
                if wait > 0:
                    self._wake.wait(wait)
                    continue
                _, _, triggered_id = heapq.heappop(self._due)
                self._pool.submit(_logged, partial(self._attempt, triggered_id))


def _logged(work: Callable[[], None]) -> None:
    """A failure here (the database gone, a bug) is logged; the thread lives on."""
    try:
        work()
    except Exception:
        log.exception("webhook work failed")
