"""Receive Palomma webhooks with FastAPI: verify, answer 200 at once, process in the background.

    pip install --index-url "$PRIVATE_INDEX_URL" 'palomma-client[testing]==0.1.0' fastapi
    PALOMMA_INTEGRITY_KEY=... PALOMMA_API_KEY=sk_test_... python examples/webhook_receiver.py

Palomma POSTs a webhook when an invoice or a settlement reaches its final
status, wants a 200 within 5 seconds, and retries with the same ``webhookId``
until it gets one. ``POST /palomma/webhooks`` therefore:

1. reads the raw body (the signature covers the bytes, not re-encoded JSON), at
   most ``MAX_WEBHOOK_BODY_BYTES`` of it (a larger delivery is logged and answered
   200, since every retry would be as large), and checks ``X-Signature`` with
   ``WebhookReceiver``: a missing or wrong one is answered 401 and nothing is
   processed; a body that is not a delivery, 400;
2. answers a ``webhookId`` it has already received (a retry or a replay) with
   200 and does nothing more, so each webhook is processed once;
3. answers a new event 200 at once and processes it afterwards, in FastAPI's
   ``BackgroundTasks``, so slow work never breaks the 5-second deadline.

Once the 200 is sent Palomma will not retry, so a failure while processing is
logged and the ``webhookId`` is forgotten: a replay (or Palomma's own retry, had
the answer been lost) is then processed instead of being dropped as a
duplicate. A service that must never lose an event would first write it to a
durable queue, inside the request, and answer 200 after that.

Processing here is ``RentLedger``: it records each invoice's final status and,
when a settlement is paid, reconciles it with ``settlements.reconcile`` and
logs any discrepancy. ``create_app(secret, ledger=..., client_factory=...)``
lets tests use the fake API (``FakePalomma.enable_webhooks``) end to end.
"""

import logging
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import BackgroundTasks, FastAPI, Request, status
from fastapi.responses import JSONResponse

from palomma_client import InvoiceStatus, PalommaClient, PalommaError, ReconciliationReport
from palomma_client.fastapi import read_webhook_body
from palomma_client.webhooks import (
    DuplicateWebhookError,
    InvoiceEvent,
    SettlementEvent,
    UnknownEvent,
    WebhookEvent,
    WebhookPayloadError,
    WebhookReceiver,
    WebhookSignatureError,
    WebhookTooLargeError,
)

from spec_needs import needs

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/palomma/webhooks"

ClientFactory = Callable[[], PalommaClient]


class RentLedger:
    """What this service does with each event: the merchant's own record of rent and payouts.

    Attributes:
        invoice_statuses: The latest final status of each invoice, by its reference (or id without one).
        reconciliations: The reconciliation of each paid settlement, by ``(date, cycle)``.
        processed: The ``webhookId`` of every event processed, in order.
    """

    def __init__(self) -> None:
        self.invoice_statuses: dict[str, InvoiceStatus] = {}
        self.reconciliations: dict[tuple[str, str], ReconciliationReport] = {}
        self.processed: list[str] = []

    async def handle(self, event: WebhookEvent, palomma: PalommaClient | None) -> None:
        """Process one verified, first-time event.

        Args:
            event: The event ``WebhookReceiver`` returned.
            palomma: The service's client, used to reconcile settlements; ``None`` skips that.

        Raises:
            PalommaError: Reconciling a settlement failed.
        """
        match event:
            case InvoiceEvent(data=data):
                invoice = needs(data, "id", "status")
                # The reference is optional, and a later spec may drop it: the id stands in without one.
                reference = getattr(invoice, "reference", None)
                key = reference if isinstance(reference, str) else invoice.id
                self.invoice_statuses[key] = invoice.status
                logger.info("invoice %s is now %s", key, invoice.status)
            case SettlementEvent(data=data):
                settlement = needs(data, "date", "cycle")
                if palomma is not None:
                    report = await palomma.settlements.reconcile(settlement.date, settlement.cycle)
                    self.reconciliations[(settlement.date, settlement.cycle)] = report
                    if not report.balanced:
                        logger.warning("%s", report.summary())
            case UnknownEvent():
                # A type this SDK version does not know yet: acknowledged, nothing to do.
                logger.info("ignoring webhook %s of unknown type %r", event.webhook_id, event.type)
        self.processed.append(event.webhook_id)


def create_app(
    secret: str | None = None,
    *,
    ledger: RentLedger | None = None,
    client_factory: ClientFactory | None = None,
    receiver: WebhookReceiver | None = None,
) -> FastAPI:
    """Build the webhook service.

    Args:
        secret: The merchant's integrity key; defaults to ``PALOMMA_INTEGRITY_KEY``.
        ledger: Where events are processed; a new ``RentLedger`` by default (``app.state.ledger``).
        client_factory: Makes the ``PalommaClient`` opened for the service's lifespan, used to reconcile
            settlements; ``None`` processes settlements without reconciling them.
        receiver: A configured ``WebhookReceiver`` (a shared dedup store, another signature scheme);
            built from ``secret`` by default.

    Returns:
        The FastAPI app.

    Raises:
        RuntimeError: Neither ``secret``, ``receiver`` nor ``PALOMMA_INTEGRITY_KEY`` gives the key.
    """
    if receiver is None:
        key = secret if secret is not None else os.environ.get("PALOMMA_INTEGRITY_KEY", "")
        if not key:
            raise RuntimeError("set PALOMMA_INTEGRITY_KEY to the merchant's integrity key")
        # With several workers, pass a receiver with a shared DedupStore (see the README).
        receiver = WebhookReceiver(key)
    webhook_receiver = receiver
    event_ledger = ledger if ledger is not None else RentLedger()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if client_factory is None:
            yield
            return
        async with client_factory() as palomma:
            app.state.palomma = palomma
            yield
        app.state.palomma = None

    app = FastAPI(title="Palomma webhook receiver", lifespan=lifespan)
    app.state.ledger = event_ledger
    app.state.receiver = webhook_receiver
    app.state.palomma = None  # until the lifespan opens a client, if it has a factory

    async def process(event: WebhookEvent, palomma: PalommaClient | None) -> None:
        try:
            await event_ledger.handle(event, palomma)
        # The 200 is already sent: a failure can only be logged, and the id released so that a
        # replay of this webhook is processed rather than dropped as a duplicate.
        except Exception:
            logger.exception("processing webhook %s failed; a replay of it will be processed", event.webhook_id)
            await webhook_receiver.forget(event.webhook_id)

    @app.post(WEBHOOK_PATH)
    async def palomma_webhook(request: Request, background: BackgroundTasks) -> JSONResponse:
        try:
            body = await read_webhook_body(request)
            event = await webhook_receiver.verify_and_parse(body, request.headers)
        except WebhookTooLargeError:
            # Every retry would be as large: a 200 stops Palomma repeating it. The receiver logged it.
            return JSONResponse({"status": "too large"})
        except WebhookSignatureError:
            return JSONResponse({"error": "invalid signature"}, status_code=status.HTTP_401_UNAUTHORIZED)
        except WebhookPayloadError as error:
            logger.warning("rejected a webhook: %s", error)
            return JSONResponse({"error": "invalid payload"}, status_code=status.HTTP_400_BAD_REQUEST)
        except DuplicateWebhookError:
            return JSONResponse({"status": "duplicate"})
        background.add_task(process, event, request.app.state.palomma)
        return JSONResponse({"status": "received"})

    return app


def main() -> None:
    """Serve the receiver on 127.0.0.1:8000 with uvicorn (from the ``testing`` extra)."""
    import uvicorn

    logging.basicConfig(level=logging.INFO)
    factory: ClientFactory | None = PalommaClient if os.environ.get("PALOMMA_API_KEY") else None
    uvicorn.run(create_app(client_factory=factory), host="127.0.0.1", port=8000)


if __name__ == "__main__":
    try:
        main()
    except (RuntimeError, PalommaError) as error:
        raise SystemExit(str(error)) from None
