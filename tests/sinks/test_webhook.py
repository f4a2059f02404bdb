"""The webhook sink against a real local HTTP receiver: bodies, headers, retries and backoff,
Retry-After, permanent failures, timeouts, redirects, the Slack body."""

from __future__ import annotations

import base64
import socket
import time
from collections.abc import Iterator

import orjson
import pytest

from tests.sinks.alert_builders import Reports, posture_document, posture_event
from tests.sinks.webhook_server import Reply, ScriptedReceiver
from trailsweep.sinks import AlertEvent, AlertSink, WebhookSink


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedReceiver]:
    """A scripted receiver; proxies from the environment are left out of the way."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    scripted = ScriptedReceiver()
    yield scripted
    scripted.stop()


@pytest.fixture
def reports() -> Reports:
    """What the sink reports."""
    return Reports()


@pytest.fixture
def sleeps() -> list[float]:
    """The sink's waits, recorded instead of slept."""
    return []


def _sink(url: str, reports: Reports, sleeps: list[float], **options: object) -> WebhookSink:
    return WebhookSink(url, reports, sleep=sleeps.append, **options)  # type: ignore[arg-type]


def test_each_event_is_posted_as_its_document(
    receiver: ScriptedReceiver, reports: Reports, sleeps: list[float]
) -> None:
    sink = _sink(f"{receiver.url}/hook", reports, sleeps, headers={"X-Team": "secops"})
    assert isinstance(sink, AlertSink)
    assert sink.recovered_through() is None
    events = [posture_event(1), posture_event(2, action="updated", revision=2)]
    assert sink.deliver(events) == 2
    sink.close()
    assert [request.method for request in receiver.requests] == ["POST", "POST"]
    assert [request.path for request in receiver.requests] == ["/hook", "/hook"]
    assert [orjson.loads(r.body) for r in receiver.requests] == [e.document for e in events]
    first, second = (request.headers for request in receiver.requests)
    assert first["Content-Type"] == "application/json"
    assert first["Idempotency-Key"] == "00000000-0000-5000-8000-000000000001:1"
    assert second["Idempotency-Key"] == "00000000-0000-5000-8000-000000000002:2"
    assert first["X-Team"] == "secops"
    assert first["User-Agent"].startswith("trailsweep/")
    assert sleeps == [] and reports.seen == []


def test_the_sequence_is_stamped_and_the_key_falls_back_to_it(
    receiver: ScriptedReceiver, reports: Reports, sleeps: list[float]
) -> None:
    sink = _sink(receiver.url, reports, sleeps)
    assert sink.deliver([AlertEvent(5, posture_document(None)), AlertEvent(6, {"x": 1})]) == 2
    first, second = receiver.requests
    assert orjson.loads(first.body)["trailsweep.watch"]["sequence"] == 5
    assert second.headers["Idempotency-Key"] == "sequence:6"


def test_server_errors_are_retried_with_exponential_backoff(
    receiver: ScriptedReceiver, reports: Reports, sleeps: list[float]
) -> None:
    receiver.script(Reply(503), Reply(503))
    sink = _sink(receiver.url, reports, sleeps)
    assert sink.deliver([posture_event(1)]) == 1
    assert sleeps == [0.5, 1.0]
    assert len(receiver.requests) == 3
    assert len({request.body for request in receiver.requests}) == 1
    assert {request.headers["Idempotency-Key"] for request in receiver.requests} == {
        "00000000-0000-5000-8000-000000000001:1"
    }
    assert reports.seen == []


def test_giving_up_reports_and_holds_back_the_later_events(
    receiver: ScriptedReceiver, reports: Reports, sleeps: list[float]
) -> None:
    receiver.script(*[Reply(500)] * 4)
    sink = _sink(receiver.url, reports, sleeps, max_attempts=4, backoff=10.0, max_backoff=15.0)
    assert sink.deliver([posture_event(1), posture_event(2)]) == 0
    assert sleeps == [10.0, 15.0, 15.0]
    assert len(receiver.requests) == 4, "the second event was sent past a failed one"
    (error,) = reports.of("error")
    assert "HTTP 500" in error and "after 4 attempt(s)" in error
    assert "00000000-0000-5000-8000-000000000001" in error and "sequence 1" in error
    # The watcher's next batch offers the same events again; now the receiver is back.
    assert sink.deliver([posture_event(1), posture_event(2)]) == 2


@pytest.mark.parametrize(
    ("reply", "slept"),
    [
        (Reply(429, {"Retry-After": "7"}), 7.0),
        (Reply(503, {"Retry-After": "2.5"}), 2.5),
        (Reply(429, {"Retry-After": "3600"}), 30.0),
        (Reply(429, {"Retry-After": "Fri, 31 Dec 2100 23:59:59 GMT"}), 30.0),
        (Reply(429, {"Retry-After": "Thu, 01 Jan 1970 00:00:00 GMT"}), 0.0),
        (Reply(429, {"Retry-After": "soon"}), 0.5),
        (Reply(429), 0.5),
        (Reply(408), 0.5),
    ],
)
def test_retry_after_is_honoured_and_capped(
    receiver: ScriptedReceiver, reports: Reports, sleeps: list[float], reply: Reply, slept: float
) -> None:
    receiver.script(reply)
    assert _sink(receiver.url, reports, sleeps).deliver([posture_event(1)]) == 1
    assert sleeps == [slept]
    assert len(receiver.requests) == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 413])
def test_client_errors_are_permanent_and_stop_the_batch(
    receiver: ScriptedReceiver, reports: Reports, sleeps: list[float], status: int
) -> None:
    receiver.script(Reply(), Reply(status, body=b"invalid_payload\n\x1b[31m"))
    sink = _sink(receiver.url, reports, sleeps)
    events = [posture_event(1), posture_event(2), posture_event(3)]
    assert sink.deliver(events) == 1
    assert len(receiver.requests) == 2
    assert sleeps == []
    (error,) = reports.of("error")
    assert f"HTTP {status}" in error
    assert "00000000-0000-5000-8000-000000000002" in error
    assert "invalid_payload" in error and "\x1b" not in error


def test_a_receiver_slower_than_the_timeout_is_retried(
    receiver: ScriptedReceiver, reports: Reports, sleeps: list[float]
) -> None:
    receiver.script(Reply(delay=10.0))
    sink = _sink(receiver.url, reports, sleeps, timeout=0.3, max_attempts=2)
    started = time.monotonic()
    assert sink.deliver([posture_event(1)]) == 1
    took = time.monotonic() - started
    assert 0.3 <= took < 5.0
    assert len(receiver.requests) == 2
    assert sleeps == [0.5]


def test_a_refused_connection_is_retried_then_reported(
    reports: Reports, sleeps: list[float]
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = _sink(f"http://127.0.0.1:{port}/hook", reports, sleeps, max_attempts=3)
    assert sink.deliver([posture_event(1)]) == 0
    assert sleeps == [0.5, 1.0]
    (error,) = reports.of("error")
    assert "after 3 attempt(s)" in error


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_on_the_same_host_is_posted_again(
    receiver: ScriptedReceiver, reports: Reports, sleeps: list[float], status: int
) -> None:
    receiver.script(Reply(status, {"Location": "/moved?x=1"}))
    assert _sink(f"{receiver.url}/hook", reports, sleeps).deliver([posture_event(1)]) == 1
    first, second = receiver.requests
    assert (second.method, second.path) == ("POST", "/moved?x=1")
    assert second.body == first.body
    assert second.headers["Idempotency-Key"] == first.headers["Idempotency-Key"]
    assert second.headers["Content-Type"] == "application/json"


def test_see_other_means_the_post_was_taken(
    receiver: ScriptedReceiver, reports: Reports, sleeps: list[float]
) -> None:
    receiver.script(Reply(303, {"Location": "/status/1"}))
    assert _sink(receiver.url, reports, sleeps).deliver([posture_event(1)]) == 1
    assert len(receiver.requests) == 1


def test_a_redirect_to_another_host_is_not_followed(
    receiver: ScriptedReceiver, reports: Reports, sleeps: list[float]
) -> None:
    receiver.script(Reply(307, {"Location": "http://collector.invalid/in?token=s3cret"}))
    assert _sink(receiver.url, reports, sleeps).deliver([posture_event(1)]) == 0
    assert len(receiver.requests) == 1
    assert sleeps == []
    (error,) = reports.of("error")
    assert "HTTP 307" in error and "http://collector.invalid" in error
    assert "s3cret" not in error


def test_the_slack_body_is_escaped_text(
    receiver: ScriptedReceiver, reports: Reports, sleeps: list[float]
) -> None:
    arn = "arn:aws:iam::1:user/<!channel>&co"
    event = AlertEvent(1, posture_document(1, columns={"aws.cloudtrail.user_identity.arn": arn}))
    assert _sink(receiver.url, reports, sleeps, slack=True).deliver([event]) == 1
    (request,) = receiver.requests
    body = orjson.loads(request.body)
    assert list(body) == ["text"]
    assert "&lt;!channel&gt;&amp;co" in body["text"]
    assert "<!channel>" not in body["text"]
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Idempotency-Key"] == "00000000-0000-5000-8000-000000000001:1"


def test_credentials_in_the_url_become_basic_auth(
    receiver: ScriptedReceiver, reports: Reports, sleeps: list[float]
) -> None:
    url = receiver.url.replace("http://", "http://alert%40bot:p%3Ass@") + "/hook?sig=abc"
    sink = _sink(url, reports, sleeps)
    assert sink.name.startswith(f"webhook:{receiver.url}/#")
    assert sink.deliver([posture_event(1)]) == 1
    (request,) = receiver.requests
    assert request.path == "/hook?sig=abc"
    expected = base64.b64encode(b"alert@bot:p:ss").decode()
    assert request.headers["Authorization"] == f"Basic {expected}"


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://user:pw@Hooks.Example.com:8443/in/x?token=abc#f", "https://hooks.example.com:8443"),
        ("HTTP://hooks.example.com", "http://hooks.example.com"),
        ("https://[2001:db8::1]/hook", "https://[2001:db8::1]"),
    ],
)  # fmt: skip
def test_the_name_carries_no_credentials_path_or_query(url: str, host: str) -> None:
    name = WebhookSink(url, Reports()).name
    assert name.startswith(f"webhook:{host}/#")
    for secret in ("user", "pw", "token", "abc", "/in/x", "hook"):
        assert secret not in name.removeprefix(f"webhook:{host}")


def test_hooks_that_differ_only_in_their_secret_keep_separate_cursors() -> None:
    names = {
        WebhookSink(url, Reports()).name
        for url in (
            "https://hooks.slack.com/services/T1/B1/secret-one",
            "https://hooks.slack.com/services/T1/B1/secret-two",
            "https://hooks.slack.com/in?token=a",
            "https://hooks.slack.com/in?token=b",
        )
    }
    assert len(names) == 4
    again = WebhookSink("https://hooks.slack.com/in?token=a", Reports()).name
    assert again in names


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://example.com/x", "hooks.example.com/x", "http:///x",
     "http://example.com:port/"],
)  # fmt: skip
def test_only_http_urls_with_a_host_are_accepted(url: str) -> None:
    with pytest.raises(ValueError):
        WebhookSink(url, Reports())


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        WebhookSink("https://example.com", Reports(), max_attempts=0)
    with pytest.raises(ValueError):
        WebhookSink("https://example.com", Reports(), timeout=0)
    with pytest.raises(ValueError):
        WebhookSink("https://example.com", Reports(), headers={"X-A": "b\r\nX-Injected: 1"})


def test_a_redirect_loop_ends_as_a_permanent_failure(
    receiver: ScriptedReceiver, reports: Reports, sleeps: list[float]
) -> None:
    receiver.script(*[Reply(307, {"Location": f"/loop/{number}"}) for number in range(20)])
    assert _sink(receiver.url, reports, sleeps).deliver([posture_event(1)]) == 0
    assert len(receiver.requests) <= 6
    assert sleeps == []
    assert "redirect not followed" in reports.of("error")[0]
