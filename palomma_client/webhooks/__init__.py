"""Receive Palomma webhooks: verify the signature, parse the event, process each delivery once.

Palomma sends one webhook per invoice or settlement when it reaches its final
status: a ``POST`` whose JSON body is ``{webhookId, timestamp, type, data}``.
Failed deliveries are retried with the same ``webhookId`` and body, and the
receiver must answer 200 within 5 seconds::

    from palomma_client.webhooks import (
        DedupStoreError, DuplicateWebhookError, RedisDedupStore, WebhookPayloadError, WebhookReceiver,
        WebhookSignatureError, WebhookTooLargeError,
    )

    receiver = WebhookReceiver(os.environ["PALOMMA_INTEGRITY_KEY"], dedup_store=RedisDedupStore(redis))

    async def on_webhook(body: bytes, headers: Mapping[str, str]) -> int:
        try:
            await receiver.process(body, headers, handle_event)  # releases the claim if handle_event fails
        except WebhookSignatureError:
            return 401
        except WebhookPayloadError:  # includes WebhookTimestampError
            return 400
        except (DuplicateWebhookError, WebhookTooLargeError):
            return 200  # already handled, or too large ever to be: acknowledge, or Palomma keeps retrying
        except DedupStoreError:
            return 503  # Redis is down: Palomma retries later
        return 200

Warning:
    The exact signature scheme of the current API (v1) is **unconfirmed**. The
    default, `compute_signature`, is the one the previous API generation
    documented; pass your own function as ``signature_scheme`` to replace it.

See ``docs/webhooks.md`` for deduplication across replicas and the age rules.
"""

from palomma_client._public import present_as as _present_as
from palomma_client.webhooks._constants import (
    DEFAULT_DEDUP_TTL,
    DEFAULT_MAX_AGE,
    DEFAULT_MAX_CLOCK_SKEW,
    DEFAULT_REDIS_KEY_PREFIX,
    ENCODED_DATA_HEADER,
    MAX_WEBHOOK_BODY_BYTES,
    MAX_WEBHOOK_HEADER_BYTES,
    SIGNATURE_HEADER,
)
from palomma_client.webhooks._dedup import DedupStore, InMemoryDedupStore, RedisDedupStore
from palomma_client.webhooks._errors import (
    DedupStoreError,
    DedupStoreLostError,
    DuplicateWebhookError,
    MissingDependencyError,
    WebhookArgumentError,
    WebhookError,
    WebhookPayloadError,
    WebhookSignatureError,
    WebhookTimestampError,
    WebhookTooLargeError,
)
from palomma_client.webhooks._events import InvoiceEvent, SettlementEvent, UnknownEvent, WebhookEvent, parse_event
from palomma_client.webhooks._receiver import WebhookHandler, WebhookReceiver
from palomma_client.webhooks._signature import SignatureScheme, compute_signature, sign_delivery, verify_signature

__all__ = [
    "DEFAULT_DEDUP_TTL",
    "DEFAULT_MAX_AGE",
    "DEFAULT_MAX_CLOCK_SKEW",
    "DEFAULT_REDIS_KEY_PREFIX",
    "ENCODED_DATA_HEADER",
    "MAX_WEBHOOK_BODY_BYTES",
    "MAX_WEBHOOK_HEADER_BYTES",
    "SIGNATURE_HEADER",
    "DedupStore",
    "DedupStoreError",
    "DedupStoreLostError",
    "DuplicateWebhookError",
    "InMemoryDedupStore",
    "InvoiceEvent",
    "MissingDependencyError",
    "RedisDedupStore",
    "SettlementEvent",
    "SignatureScheme",
    "UnknownEvent",
    "WebhookArgumentError",
    "WebhookError",
    "WebhookEvent",
    "WebhookHandler",
    "WebhookPayloadError",
    "WebhookReceiver",
    "WebhookSignatureError",
    "WebhookTimestampError",
    "WebhookTooLargeError",
    "compute_signature",
    "parse_event",
    "sign_delivery",
    "verify_signature",
]

_present_as(__name__, __all__, globals())
