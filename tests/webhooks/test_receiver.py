"""WebhookReceiver: the age and clock-skew rules, the secret, and processing each delivery once."""

from __future__ import annotations

import asyncio
import datetime
import logging
import pickle
from typing import Any

import pytest

from palomma_client.webhooks import (
    DEFAULT_MAX_AGE,
    DEFAULT_MAX_CLOCK_SKEW,
    DuplicateWebhookError,
    InMemoryDedupStore,
    InvoiceEvent,
    WebhookArgumentError,
    WebhookError,
    WebhookEvent,
    WebhookPayloadError,
    WebhookReceiver,
    WebhookTimestampError,
)
from tests.webhooks.support import (
    NOW,
    SECRET,
    SENT_AT,
    WEBHOOK_ID,
    at_now,
    body_of,
    delivery,
    invoice_delivery,
    paid_invoice,
    signed,
)

# --------------------------------------------------------------------------- age and clock skew


def _sent_at(timestamp: str, webhook_id: str = WEBHOOK_ID) -> tuple[bytes, dict[str, str]]:
    body = body_of(delivery("invoice", paid_invoice(), webhook_id=webhook_id) | {"timestamp": timestamp})
    return body, signed(body)


def _clock_at(moment: datetime.datetime) -> WebhookReceiver:
    return WebhookReceiver(SECRET, clock=lambda: moment)


def test_the_defaults_accept_three_days_of_retries_and_five_minutes_of_skew() -> None:
    assert (datetime.timedelta(days=3), datetime.timedelta(minutes=5)) == (DEFAULT_MAX_AGE, DEFAULT_MAX_CLOCK_SKEW)
    receiver = WebhookReceiver(SECRET)
    assert (receiver.max_age, receiver.max_clock_skew) == (DEFAULT_MAX_AGE, DEFAULT_MAX_CLOCK_SKEW)


@pytest.mark.parametrize(
    "received_after",
    [
        datetime.timedelta(0),
        datetime.timedelta(seconds=2),
        datetime.timedelta(hours=30),  # a retry a day and more later still carries the first timestamp
        datetime.timedelta(days=3),  # the oldest accepted
        -datetime.timedelta(minutes=5),  # the sender's clock ahead of ours, by the most allowed
    ],
    ids=["at-once", "two-seconds", "retry-after-30-hours", "exactly-three-days", "five-minutes-ahead"],
)
async def test_genuine_deliveries_and_their_retries_are_accepted(received_after: datetime.timedelta) -> None:
    body, headers = invoice_delivery()
    event = await _clock_at(SENT_AT + received_after).verify_and_parse(body, headers)
    assert isinstance(event, InvoiceEvent)


@pytest.mark.parametrize(
    ("timestamp", "message"),
    [
        ("1999-12-31T23:59:59Z", "timestamp: 9566 days old, older than the 3 days allowed"),
        ("2026-03-08T18:01:05.119Z", "timestamp: 3 days old, older than the 3 days allowed"),
        ("2999-01-01T00:00:00Z", "in the future, more than the 5 minutes of clock difference allowed"),
        ("2026-03-11T18:06:07.121Z", "timestamp: 5 minutes in the future"),
        ("0001-01-01T00:00:00+14:00", "older than the 3 days allowed"),
        ("9999-12-31T23:59:59-14:00", "in the future"),
    ],
    ids=["1999", "just-past-three-days", "2999", "just-past-five-minutes-ahead", "year-1", "year-9999"],
)
async def test_old_and_future_timestamps_are_rejected_and_claim_nothing(timestamp: str, message: str) -> None:
    body, headers = _sent_at(timestamp)
    store = InMemoryDedupStore()
    receiver = WebhookReceiver(SECRET, dedup_store=store, clock=lambda: SENT_AT + datetime.timedelta(seconds=2))

    with pytest.raises(WebhookTimestampError) as caught:
        await receiver.verify_and_parse(body, headers)

    assert message in str(caught.value)
    assert caught.value.field == "timestamp"
    assert caught.value.excerpt == repr(timestamp)
    assert caught.value.now == NOW
    assert isinstance(caught.value, WebhookPayloadError), "answered 400 like any unacceptable body"
    assert len(store) == 0


async def test_age_limits_are_configurable_in_seconds_or_timedeltas() -> None:
    body, headers = invoice_delivery()
    one_hour_late = SENT_AT + datetime.timedelta(hours=1)

    strict = WebhookReceiver(SECRET, max_age=600, clock=lambda: one_hour_late)
    with pytest.raises(WebhookTimestampError, match="1 hour old, older than the 10 minutes allowed"):
        await strict.verify_and_parse(body, headers)

    lenient = WebhookReceiver(SECRET, max_clock_skew=datetime.timedelta(hours=2), clock=lambda: SENT_AT)
    early = body_of(delivery("invoice", paid_invoice()) | {"timestamp": "2026-03-11T19:30:00Z"})
    assert isinstance(await lenient.verify_and_parse(early, signed(early)), InvoiceEvent)


async def test_a_naive_clock_is_read_as_utc() -> None:
    body, headers = invoice_delivery()
    naive_now = NOW.replace(tzinfo=None)
    event = await WebhookReceiver(SECRET, clock=lambda: naive_now).verify_and_parse(body, headers)
    assert event.webhook_id == WEBHOOK_ID


def test_timestamp_errors_pickle() -> None:
    error = WebhookTimestampError(
        timestamp=datetime.datetime(1999, 1, 1, tzinfo=datetime.UTC), now=NOW, limit=DEFAULT_MAX_AGE
    )
    copied = pickle.loads(pickle.dumps(error))
    assert (type(copied), str(copied), copied.age) == (WebhookTimestampError, str(error), error.age)


@pytest.mark.parametrize(
    ("arguments", "parameter"),
    [
        ({"max_age": 0}, "max_age"),
        ({"max_age": -datetime.timedelta(days=1)}, "max_age"),
        ({"max_clock_skew": float("inf")}, "max_clock_skew"),
        ({"max_clock_skew": "5m"}, "max_clock_skew"),
    ],
)
def test_meaningless_age_limits_are_refused_at_construction(arguments: dict[str, Any], parameter: str) -> None:
    with pytest.raises(WebhookArgumentError) as caught:
        WebhookReceiver(SECRET, **arguments)
    assert caught.value.parameter == parameter


# --------------------------------------------------------------------------- the secret


@pytest.mark.parametrize(
    "secret", ["", "   ", "\n\t", b"", b"  \n"], ids=["empty", "spaces", "newline-tab", "empty-bytes", "blank-bytes"]
)
def test_an_empty_or_blank_secret_is_refused_at_construction(secret: str | bytes) -> None:
    with pytest.raises(WebhookArgumentError, match="integrity key, not empty or blank") as caught:
        WebhookReceiver(secret)
    assert caught.value.parameter == "secret"
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("secret", [None, 12345, ["key"]], ids=["none", "int", "list"])
def test_a_secret_that_is_not_text_or_bytes_is_refused_at_construction(secret: Any) -> None:
    with pytest.raises(WebhookArgumentError, match="as str or bytes"):
        WebhookReceiver(secret)


async def test_a_bytes_secret_verifies_like_its_text() -> None:
    body, headers = invoice_delivery()
    event = await WebhookReceiver(SECRET.encode(), clock=at_now).verify_and_parse(body, headers)
    assert event.webhook_id == WEBHOOK_ID


def test_a_bytes_secret_that_is_not_utf8_is_refused_at_construction() -> None:
    with pytest.raises(WebhookArgumentError, match="UTF-8") as caught:
        WebhookReceiver(b"\xff\xfe-binary-key")
    assert "\\xff" not in str(caught.value)


async def test_the_secret_never_appears_in_reprs_messages_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    receiver = WebhookReceiver(SECRET, clock=at_now)
    good_body, good_headers = invoice_delivery()
    unknown_type_body = body_of(delivery("refund", {"a": 1}, webhook_id="wh_9"))
    old_body, old_headers = _sent_at("1999-01-01T00:00:00Z", webhook_id="wh_old")
    errors: list[BaseException] = []

    attempts: list[tuple[Any, dict[str, str]]] = [
        (good_body, {}),
        (good_body, signed(good_body, secret=SECRET + "x")),
        (good_body.replace(b"{", b"{ ", 1), good_headers),  # one byte more than was signed
        (b"{", signed(b"{")),
        (old_body, old_headers),
        (good_body.decode(), good_headers),
        (good_body, good_headers),
        (good_body, good_headers),
        (unknown_type_body, signed(unknown_type_body)),
    ]
    for body, headers in attempts:
        try:
            await receiver.verify_and_parse(body, headers)
        except WebhookError as error:
            errors.append(error)

    async def failing_handler(event: WebhookEvent) -> None:
        raise RuntimeError("ledger down")

    retry_body, retry_headers = invoice_delivery(webhook_id="wh_fails")
    with pytest.raises(RuntimeError) as failure:
        await receiver.process(retry_body, retry_headers, failing_handler)
    errors.append(failure.value)
    for secret in ("", b"\xff"):
        try:
            WebhookReceiver(secret)
        except WebhookError as error:
            errors.append(error)

    assert len(errors) == 10
    texts = [repr(receiver), str(receiver), repr(vars(receiver)), str(vars(receiver))]
    texts += [str(error) for error in errors] + [repr(error) for error in errors]
    texts += [str(argument) for error in errors for argument in error.args]
    texts += [record.getMessage() for record in caplog.records]
    assert caplog.records, "the rejections and the duplicate are logged at debug level"
    assert repr(receiver).startswith("WebhookReceiver(secret=<hidden>")
    for text in texts:
        assert SECRET not in text


# --------------------------------------------------------------------------- process


async def test_process_runs_the_handler_once_per_webhook() -> None:
    body, headers = invoice_delivery()
    receiver = WebhookReceiver(SECRET, clock=at_now)
    handled: list[WebhookEvent] = []

    async def handle(event: WebhookEvent) -> None:
        handled.append(event)

    event = await receiver.process(body, headers, handle)
    with pytest.raises(DuplicateWebhookError):
        await receiver.process(body, headers, handle)

    assert handled == [event]


async def test_a_failed_handler_releases_the_claim_so_the_retry_is_processed(caplog: pytest.LogCaptureFixture) -> None:
    body, headers = invoice_delivery()
    receiver = WebhookReceiver(SECRET, clock=at_now)
    failures = [RuntimeError("ledger database is down")]
    handled: list[str] = []

    async def handle(event: WebhookEvent) -> None:
        if failures:
            raise failures.pop()
        handled.append(event.webhook_id)

    caplog.set_level(logging.INFO)
    with pytest.raises(RuntimeError, match="ledger database is down"):
        await receiver.process(body, headers, handle)
    await receiver.process(body, headers, handle)  # Palomma's retry

    assert handled == [WEBHOOK_ID]
    assert "released it so that Palomma's retry is processed" in caplog.text


async def test_a_cancelled_handler_releases_the_claim_too() -> None:
    body, headers = invoice_delivery()
    receiver = WebhookReceiver(SECRET, clock=at_now)
    started = asyncio.Event()

    async def hang(event: WebhookEvent) -> None:
        started.set()
        await asyncio.Event().wait()

    task = asyncio.create_task(receiver.process(body, headers, hang))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    event = await receiver.verify_and_parse(body, headers)
    assert event.webhook_id == WEBHOOK_ID


class _StoreThatCannotForget(InMemoryDedupStore):
    async def forget(self, webhook_id: str) -> None:
        raise ConnectionError("the store went away")


async def test_a_release_that_fails_is_logged_and_the_handlers_error_still_propagates(
    caplog: pytest.LogCaptureFixture,
) -> None:
    body, headers = invoice_delivery()
    receiver = WebhookReceiver(SECRET, dedup_store=_StoreThatCannotForget(), clock=at_now)

    async def handle(event: WebhookEvent) -> None:
        raise RuntimeError("ledger database is down")

    with pytest.raises(RuntimeError, match="ledger database is down") as caught:
        await receiver.process(body, headers, handle)

    assert "could not be released" in caplog.text
    assert "the store went away" in caplog.text
    assert any("could not be released" in note for note in getattr(caught.value, "__notes__", []))


# --------------------------------------------------------------------------- misuse is a typed error, early


@pytest.mark.parametrize(
    ("arguments", "parameter"),
    [
        ({"dedup_store": {"wh_1"}}, "dedup_store"),
        ({"signature_scheme": "hmac-sha256"}, "signature_scheme"),
        ({"clock": datetime.datetime(2026, 3, 11, tzinfo=datetime.UTC)}, "clock"),
    ],
)
def test_unusable_collaborators_are_refused_at_construction(arguments: dict[str, Any], parameter: str) -> None:
    with pytest.raises(WebhookArgumentError) as caught:
        WebhookReceiver(SECRET, **arguments)
    assert caught.value.parameter == parameter


async def test_headers_that_are_not_a_mapping_are_an_argument_error() -> None:
    body, headers = invoice_delivery()
    with pytest.raises(WebhookArgumentError, match="headers: must be a mapping"):
        await WebhookReceiver(SECRET, clock=at_now).verify_and_parse(body, list(headers.items()))  # type: ignore[arg-type]


async def test_a_clock_or_scheme_returning_the_wrong_type_is_an_argument_error() -> None:
    body, headers = invoice_delivery()
    late_clock = WebhookReceiver(SECRET, clock=lambda: "2026-03-11T18:01:07Z")  # type: ignore[arg-type,return-value]
    with pytest.raises(WebhookArgumentError, match=r"clock: must return a datetime\.datetime, returned str"):
        await late_clock.verify_and_parse(body, headers)

    bytes_scheme = WebhookReceiver(SECRET, signature_scheme=lambda body, secret: b"0" * 64)  # type: ignore[arg-type,return-value]
    with pytest.raises(WebhookArgumentError, match="signature_scheme: must return the expected signature as str"):
        bytes_scheme.verify(body, headers)
