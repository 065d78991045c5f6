"""The public hall cached for anonymous visitors: 榜单大厅 (`/`), 榜单详情 (`/hall/<pk>/`) and
the open-data feeds (`/feeds/demands.json`, `/feeds/demands.atom`).

What is cached: the whole rendered response (status 200, body, content type) of a GET or
HEAD by an anonymous visitor, for `HALL_CACHE_SECONDS` (0 turns caching off). Signed-in
users are never served from the cache and never fill it: their pages carry a personalised
menu, their name, a CSRF token and, on the detail page, a 我要揭榜 button that depends on
their unit and permissions. They are a small share of the hall's readers (the public and
crawlers are the load), so caching only the data part for them would add a second, partly
cached rendering path for little gain. A response that sets a cookie, uses a CSRF token or
says no-store is not stored either, and a visitor with pending messages (e.g. just signed
out) is served fresh so the message is shown to them and never to anybody else.

Three keys, read together with one `cache.get_many` (one Redis MGET):

- `hall:generation` — incremented by `invalidate_hall(reason)` after the commit of every
  service that changes what the hall shows (publishing, closing a demand as matched or
  unsolved, announcements, a search-index rebuild). Every stored page records the
  generation it was rendered under and is served only while that is still the current one,
  so bumping it makes every cached page stale at once: no key listing, no pattern delete,
  the same on LocMem and Redis. The generation is read before the view renders, so a page
  rendered while a publish commits is stored with the old generation and never served.
- `hall:next-deadline` — the *status epoch* and the generation it was computed for: the
  next solicitation deadline still ahead among published demands (or none). Passing a
  deadline moves a demand from 征集中 to 已截止 without any write; the epoch then changes
  and the next request renders afresh. The epoch is recomputed with one query when the
  record belongs to another generation (or is missing) or once its deadline has passed.
- `hall:page:<hash of scheme, host, path, the normalised query string and the language>` —
  `(generation, epoch, content type, body)`. It is served only when its generation and
  epoch equal the current ones; otherwise the view renders and the entry is replaced. A
  slow rendering of the old generation that lands after a fresh one only costs the next
  visitor one more rendering: it is never served.

A cached hit therefore costs one cache round trip (MGET of the three keys) and no SQL
query; with `jiebang.core.cache_backends.RedisCache` it also builds no client object. A
miss adds the rendering, a SET of the page and, when the epoch record is stale, one query
and a SET of the record. No value is memoised in the process: an invalidation is seen by
every process on its next request.

With LocMem (no REDIS_URL) each process has its own cache: an invalidation reaches only
the process where the write happened; the others catch up within HALL_CACHE_SECONDS.
Several processes without Redis should therefore run with a short HALL_CACHE_SECONDS or 0.
A cache that cannot be reached never fails a page: the view then renders uncached.
"""

import functools
import hashlib
import logging
import time

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse

from jiebang.core import clock

logger = logging.getLogger("jiebang.portal.cache")

GENERATION_KEY = "hall:generation"
EPOCH_KEY = "hall:next-deadline"
PAGE_KEY_PREFIX = "hall:page:"
CACHE_HEADER = "X-Hall-Cache"


def _fresh_generation() -> int:
    """Starting value of the generation when the key is missing (first use, flushed or
    evicted): microseconds since the epoch, so a recreated generation never repeats one
    that pages were cached under before."""
    return time.time_ns() // 1000


def invalidate_hall(reason: str) -> None:
    """Make every cached public hall page stale once the current transaction commits.

    Services call it explicitly, inside their transaction, whenever what the public hall
    shows changes. A rolled-back transaction never invalidates; outside a transaction the
    bump happens at once. `reason` goes to the log.
    """
    transaction.on_commit(functools.partial(_bump_generation, reason))


def _bump_generation(reason: str) -> None:
    try:
        try:
            generation = cache.incr(GENERATION_KEY)
        except ValueError:  # missing: create it, unless another process just did
            generation = _fresh_generation()
            if not cache.add(GENERATION_KEY, generation, timeout=None):
                generation = cache.incr(GENERATION_KEY)
    except Exception:  # the write is committed; cached pages expire within the TTL
        logger.exception("hall cache: could not invalidate (%s)", reason)
        return
    logger.info("hall cache: generation %s (%s)", generation, reason)


def hall_generation() -> int:
    return cache.get_or_set(GENERATION_KEY, _fresh_generation, timeout=None)


def status_epoch(generation: int, stored=None) -> str:
    """The next solicitation deadline still ahead among published demands, as a string for
    the comparison with a page's; "none" when there is none. Deadlines are inclusive
    (`selectors.is_open`), so the value stays valid up to and including that instant.

    `stored` is the `EPOCH_KEY` record already read with the page (`(generation, deadline)`),
    reused while it belongs to `generation` and its deadline has not passed."""
    now = clock.now()
    if stored is None or stored[0] != generation or (stored[1] is not None and stored[1] < now):
        from django.db.models import Min

        from jiebang.demands.enums import DemandState
        from jiebang.demands.models import Demand

        upcoming = Demand.objects.filter(
            state=DemandState.PUBLISHED, solicitation_deadline__gte=now
        ).aggregate(at=Min("solicitation_deadline"))["at"]
        stored = (generation, upcoming)
        cache.set(EPOCH_KEY, stored, settings.HALL_CACHE_SECONDS)
    return f"{stored[1].timestamp():.6f}" if stored[1] is not None else "none"


def _servable(request) -> bool:
    return (
        settings.HALL_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and not len(get_messages(request))
    )


def _page_key(request, variant: str) -> str:
    described = "\n".join(
        [
            request.scheme,
            request.get_host(),
            request.path,
            variant,
            getattr(request, "LANGUAGE_CODE", ""),
        ]
    )
    return PAGE_KEY_PREFIX + hashlib.sha256(described.encode()).hexdigest()[:40]


def _lookup(key: str):
    """`(generation, epoch, entry)` for a page key: one `get_many` for the three keys, plus
    what a missing generation or a stale epoch record needs. `entry` is the stored page,
    or None when there is none or it was rendered under another generation or epoch."""
    found = cache.get_many([GENERATION_KEY, EPOCH_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        generation = hall_generation()
    epoch = status_epoch(generation, found.get(EPOCH_KEY))
    entry = found.get(key)
    if entry is not None and (entry[0] != generation or entry[1] != epoch):
        entry = None
    return generation, epoch, entry


def _storable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "no-store" not in response.get("Cache-Control", "")
    )


def cached_for_anonymous(variant=None):
    """Serve a public view's anonymous rendering from the cache (see the module docstring).

    `variant(request) -> str` gives the part of the query string the view reads, normalised
    the way the view reads it, so that equivalent URLs share an entry and parameters the
    view ignores cannot multiply entries. Without it, the query string is ignored.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _servable(request):
                return view(request, *args, **kwargs)
            try:
                key = _page_key(request, variant(request) if variant else "")
                generation, epoch, entry = _lookup(key)
            except Exception:
                logger.exception("hall cache: unavailable, rendering uncached")
                return view(request, *args, **kwargs)
            if entry is not None:
                _generation, _epoch, content_type, content = entry
                response = HttpResponse(content, content_type=content_type)
                response[CACHE_HEADER] = "hit"
                return response
            response = view(request, *args, **kwargs)
            if _storable(request, response):
                try:
                    cache.set(
                        key,
                        (generation, epoch, response["Content-Type"], response.content),
                        settings.HALL_CACHE_SECONDS,
                    )
                except Exception:
                    logger.exception("hall cache: could not store a page")
                response[CACHE_HEADER] = "miss"
            return response

        return wrapper

    return decorator
