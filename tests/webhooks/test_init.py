"""The public surface of palomma_client.webhooks: exactly its __all__, every error under the SDK's root."""

from __future__ import annotations

import datetime
import pickle
import types

import pytest

import palomma_client.webhooks as webhooks
from palomma_client import InvalidParameterError, PalommaError
from palomma_client.webhooks import (
    DedupStoreError,
    DuplicateWebhookError,
    MissingDependencyError,
    WebhookArgumentError,
    WebhookError,
    WebhookPayloadError,
    WebhookSignatureError,
    WebhookTimestampError,
)

# What users imported before the module became a package; each must keep working.
_NAMES_IMPORTED_BEFORE = {
    "ENCODED_DATA_HEADER",
    "SIGNATURE_HEADER",
    "DedupStore",
    "DuplicateWebhookError",
    "InMemoryDedupStore",
    "InvoiceEvent",
    "SettlementEvent",
    "SignatureScheme",
    "UnknownEvent",
    "WebhookError",
    "WebhookEvent",
    "WebhookPayloadError",
    "WebhookReceiver",
    "WebhookSignatureError",
    "compute_signature",
    "parse_event",
    "sign_delivery",
}


def test_all_lists_every_public_name_and_nothing_else() -> None:
    public = {
        name
        for name, value in vars(webhooks).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert set(webhooks.__all__) == public
    assert len(webhooks.__all__) == len(public)


def test_every_name_users_imported_before_still_imports() -> None:
    assert set(webhooks.__all__) >= _NAMES_IMPORTED_BEFORE


def test_exported_classes_report_the_public_module() -> None:
    for name in webhooks.__all__:
        value = getattr(webhooks, name)
        if isinstance(value, type):
            assert value.__module__ == "palomma_client.webhooks", name


@pytest.mark.parametrize(
    ("error", "also"),
    [
        (WebhookSignatureError, ()),
        (WebhookPayloadError, (ValueError,)),
        (WebhookTimestampError, (WebhookPayloadError, ValueError)),
        (DuplicateWebhookError, ()),
        (DedupStoreError, ()),
        (WebhookArgumentError, (InvalidParameterError, ValueError)),
        (MissingDependencyError, (ImportError,)),
    ],
)
def test_every_webhook_error_sits_under_the_sdk_root(error: type[Exception], also: tuple[type[Exception], ...]) -> None:
    assert issubclass(error, WebhookError)
    assert issubclass(error, PalommaError)
    for base in also:
        assert issubclass(error, base)
    assert not issubclass(error, (KeyError, TypeError))


@pytest.mark.parametrize(
    "error",
    [
        WebhookSignatureError("X-Signature header does not match the body"),
        WebhookPayloadError("missing", field="webhookId"),
        WebhookTimestampError(
            timestamp=datetime.datetime(2999, 1, 1, tzinfo=datetime.UTC),
            now=datetime.datetime(2026, 3, 11, tzinfo=datetime.UTC),
            limit=datetime.timedelta(minutes=5),
        ),
        DuplicateWebhookError("wh_1"),
        DedupStoreError("could not claim webhook 'wh_1' in Redis"),
        WebhookArgumentError("secret", "must be the merchant's integrity key, not empty or blank"),
        MissingDependencyError("redis", "redis", "RedisDedupStore"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_every_webhook_error_pickles_with_its_message_and_attributes(error: WebhookError) -> None:
    copied = pickle.loads(pickle.dumps(error))
    assert type(copied) is type(error)
    assert str(copied) == str(error)
    assert vars(copied) == vars(error)
