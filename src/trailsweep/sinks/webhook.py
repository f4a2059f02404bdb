"""Webhook sink: one HTTP POST per watch alert event, JSON, retried with exponential backoff.

The body is the alert document itself (its `trailsweep.watch.sequence` set), or with `slack=True`
a Slack incoming-webhook message (`{"text": ...}`, see `slack_message`). Each request carries
`Idempotency-Key: <uuid>:<revision>`: the same alert revision always has the same key.

Delivery is at-least-once: a crash after the receiver's 2xx but before the watcher commits its
cursor sends the event again on restart, as does a retry after a response lost to a timeout, so a
receiver that must not see duplicates drops a repeated Idempotency-Key.

Failures:
- transient (a connection error, a timeout, HTTP 408, 429 or 5xx) are retried up to
  `max_attempts` times, sleeping `backoff * 2**attempt` seconds (at most `max_backoff`) between
  attempts, or what the receiver's `Retry-After` asks (also at most `max_backoff`);
- permanent (any other 4xx, a refused redirect, a TLS certificate the host does not prove) are
  not retried.
Either way, once an event cannot be delivered the batch stops there: the events after it are not
sent, so the receiver sees alerts in order and none is skipped silently. The failure is reported
and the watcher offers the same events again with its next batch, so a receiver that keeps
refusing one alert holds back every later one (and is reported each time) until it is fixed.

Redirects are followed only to the same host (re-POSTing the body, never turning the POST into a
GET, never from https down to http); a 303 means the receiver took the POST and counts as done.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import math
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from email.utils import parsedate_to_datetime
from typing import IO
from urllib.parse import unquote, urlsplit, urlunsplit

import orjson

from trailsweep.sinks.alert_events import (
    UUID_FIELD,
    AlertEvent,
    Report,
    alert_uuid,
    event_document,
    watch_integer,
)
from trailsweep.sinks.slack_message import slack_text

RETRIED_STATUSES = frozenset({408, 429})
"""Client errors that are worth another attempt (besides every 5xx)."""
MAX_REDIRECTS = 5
MAX_RESPONSE = 1 << 20
"""Bytes of a successful response read (and dropped); the rest is left unread."""
_SNIPPET = 200


@dataclass(frozen=True)
class Attempt:
    """What one POST came to: delivered, or why not and whether another attempt may help."""

    delivered: bool
    retry: bool = False
    reason: str = ""
    retry_after: float | None = None


DELIVERED = Attempt(delivered=True)


class WebhookSink:
    """POSTs each event to `url` (http or https only), in order, stopping at the first event that
    cannot be delivered (see the module's docstring for retries and the failure policy)."""

    def __init__(
        self,
        url: str,
        report: Report,
        *,
        slack: bool = False,
        timeout: float = 10.0,
        max_attempts: int = 5,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        headers: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, not {max_attempts}")
        if timeout <= 0 or backoff < 0 or max_backoff < 0:
            raise ValueError("timeout must be positive, backoff and max_backoff not negative")
        identity, self._url, credentials = _split_url(url)
        self.name = f"webhook:{identity}"
        self._report = report
        self._slack = slack
        self._timeout = timeout
        self._max_attempts = max_attempts
        self._backoff = backoff
        self._max_backoff = max_backoff
        self._sleep = sleep
        self._headers = _request_headers(headers or {}, credentials)
        # Built once: the proxy settings of the environment (HTTPS_PROXY, NO_PROXY) apply.
        self._opener = urllib.request.build_opener(SameHostRedirects())

    def recovered_through(self) -> int | None:
        """Always None: only the receiver knows what it got (it can use the Idempotency-Key)."""
        return None

    def deliver(self, events: Sequence[AlertEvent]) -> int:
        """POSTs the events in order; returns how many the receiver accepted before the first
        that could not be delivered (reported as an error)."""
        for count, event in enumerate(events):
            if not self._deliver_one(event):
                return count
        return len(events)

    def close(self) -> None:
        """Nothing to release: each request has its own connection."""

    def _deliver_one(self, event: AlertEvent) -> bool:
        try:
            body = orjson.dumps(
                {"text": slack_text(event.document)} if self._slack else event_document(event)
            )
        except TypeError as error:
            return self._failed(event, f"the document is not JSON ({error})")
        headers = {**self._headers, "Idempotency-Key": idempotency_key(event)}
        attempt = Attempt(delivered=False)
        for number in range(self._max_attempts):
            request = urllib.request.Request(self._url, data=body, headers=headers, method="POST")
            attempt = self._post(request)
            if attempt.delivered:
                return True
            if not attempt.retry:
                return self._failed(event, attempt.reason)
            if number + 1 < self._max_attempts:
                delay = attempt.retry_after
                if delay is None:
                    delay = self._backoff * 2**number
                self._sleep(min(delay, self._max_backoff))
        return self._failed(event, f"{attempt.reason}, after {self._max_attempts} attempt(s)")

    def _post(self, request: urllib.request.Request) -> Attempt:
        try:
            with self._opener.open(request, timeout=self._timeout) as response:
                response.read(MAX_RESPONSE)
            return DELIVERED
        except urllib.error.HTTPError as error:
            try:
                return self._refused(error)
            finally:
                error.close()
        except urllib.error.URLError as error:
            if isinstance(error.reason, ssl.SSLCertVerificationError):
                return Attempt(delivered=False, reason=f"TLS: {error.reason}")
            return Attempt(delivered=False, retry=True, reason=_clean(str(error.reason)))
        except (OSError, http.client.HTTPException) as error:
            return Attempt(delivered=False, retry=True, reason=_clean(repr(error)))
        except ValueError as error:
            return Attempt(delivered=False, reason=_clean(str(error)))

    def _refused(self, error: urllib.error.HTTPError) -> Attempt:
        status = error.code
        if status == 303:
            return DELIVERED
        if 300 <= status < 400:
            # The Location's path and query are left out of the report: they may hold a token.
            target = urlsplit(error.headers.get("Location") or "")
            where = f" to {target.scheme}://{target.hostname}" if target.hostname else ""
            return Attempt(
                delivered=False,
                reason=f"HTTP {status}: redirect{where} not followed (only redirects to the same "
                f"host, not from https to http, at most {MAX_REDIRECTS} of them, are)",
            )
        reason = f"HTTP {status} {_clean(str(error.reason))}".rstrip()
        snippet = _snippet(error)
        if snippet:
            reason += f": {snippet}"
        if status in RETRIED_STATUSES or 500 <= status < 600:
            wait = retry_after(error.headers, self._max_backoff)
            return Attempt(delivered=False, retry=True, reason=reason, retry_after=wait)
        return Attempt(delivered=False, reason=reason)

    def _failed(self, event: AlertEvent, reason: str) -> bool:
        self._report(
            "error",
            f"{self.name}: alert {alert_uuid(event.document)} (sequence {event.sequence}) not "
            f"delivered: {reason}; it and the alerts after it wait for the next delivery",
        )
        return False


class SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to the same host, never from https to http, re-sending the POST
    with its body and headers (urllib's default would turn it into a bodiless GET)."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        """The request to send to `newurl`, or None to leave the redirect as an HTTPError."""
        old, new = urlsplit(req.full_url), urlsplit(newurl)
        if code == 303 or new.scheme not in ("http", "https"):
            return None
        if new.hostname != old.hostname or (old.scheme == "https" and new.scheme == "http"):
            return None
        return urllib.request.Request(
            newurl, data=req.data, headers=dict(req.headers), method=req.get_method()
        )


def idempotency_key(event: AlertEvent) -> str:
    """`<alert uuid>:<revision>`: the same for every delivery of one alert revision. A document
    without them (never one of the watcher's) falls back to `sequence:<n>`."""
    uuid = event.document.get(UUID_FIELD)
    revision = watch_integer(event.document, "revision")
    if isinstance(uuid, str) and revision is not None:
        return f"{uuid}:{revision}"
    return f"sequence:{event.sequence}"


def retry_after(headers: Message, cap: float) -> float | None:
    """The wait a `Retry-After` header asks for (seconds or an HTTP date), between 0 and `cap`;
    None when there is none or it does not parse."""
    value = (headers.get("Retry-After") or "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        seconds = (moment - datetime.now(UTC)).total_seconds()
    if not math.isfinite(seconds):
        return None
    return min(max(seconds, 0.0), cap)


def _split_url(url: str) -> tuple[str, str, tuple[str, str] | None]:
    """(identity: scheme, host and a digest of the rest; URL to request; user and password)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        # The URL itself is not echoed: it may hold a secret.
        raise ValueError(f"a webhook URL must be http or https, not {scheme or 'without scheme'}")
    if not parts.hostname:
        raise ValueError("a webhook URL needs a host")
    parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    location = parts.netloc.rpartition("@")[2].lower()
    path = parts.path or "/"
    target = urlunsplit((scheme, location, path, parts.query, ""))
    credentials = None
    if parts.username is not None:
        credentials = (unquote(parts.username), unquote(parts.password or ""))
    # Hooks keep secrets in the path (Slack's /services/T/B/<secret>) or the query: the identity
    # names the host and a digest of everything else, so it leaks nothing and two hooks on one
    # host (or one hook with two tokens) keep separate delivery cursors.
    digest = hashlib.sha256(repr((target, credentials)).encode()).hexdigest()[:16]
    identity = f"{scheme}://{location}/#{digest}"
    return identity, target, credentials


def _request_headers(
    extra: Mapping[str, str], credentials: tuple[str, str] | None
) -> dict[str, str]:
    from trailsweep import __version__

    headers = {"Content-Type": "application/json", "User-Agent": f"trailsweep/{__version__}"}
    if credentials is not None:
        token = base64.b64encode(":".join(credentials).encode()).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
    for name, value in extra.items():
        if any(character in name + value for character in "\r\n\0"):
            raise ValueError(f"header {name!r} holds a line break")
        headers[name] = value
    return headers


def _snippet(error: urllib.error.HTTPError) -> str:
    """The start of an error response's body, for the report."""
    try:
        data = error.read(_SNIPPET * 4)
    except (OSError, http.client.HTTPException):
        return ""
    return _clean(data.decode("utf-8", "replace"))


def _clean(text: str) -> str:
    """Text from the network made fit for one line of a terminal: printable, short."""
    printable = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return printable if len(printable) <= _SNIPPET else printable[: _SNIPPET - 1] + "…"
