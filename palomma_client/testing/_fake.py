"""FakePalomma: an in-memory, stateful Palomma Rentals API for tests."""

from __future__ import annotations

import asyncio
import re
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx2

from palomma_client._exceptions import FeatureUnavailableError
from palomma_client._request import Sleep
from palomma_client.testing._app import build_app, unmodelled_operations
from palomma_client.testing._clock import FakeClock
from palomma_client.testing._examples import ObjectLayout
from palomma_client.testing._fake_state import FakeState
from palomma_client.testing._faults import Fault, FaultKind, FaultPlan, retry_after_header
from palomma_client.testing._ids import IdGenerator
from palomma_client.testing._recording import RecordedRequest, RequestLog
from palomma_client.testing._spec import ApiSpec, load_shipped_spec
from palomma_client.testing._state import InvoiceShape, InvoiceStore, StoreContents
from palomma_client.testing._validation import RequestValidator
from palomma_client.testing._webhooks import DELIVERY_TIMEOUT, FakeWebhooks, WebhookCallback
from palomma_client.webhooks import SignatureScheme, compute_signature

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from palomma_client import PalommaClient

__all__ = [
    "DEFAULT_API_KEY",
    "FAKE_BASE_URL",
    "FAKE_USERNAME",
    "MAX_BODY_SIZE",
    "MAX_RECORDED_REQUESTS",
    "FakePalomma",
    "FakeSnapshot",
]

DEFAULT_API_KEY = "sk_test_palomma_fake"
"""The API key a FakePalomma accepts unless told otherwise."""

FAKE_USERNAME = "palomma-fake"
"""The user name `client()` gives an HTTP basic scheme; the fake takes any, with an accepted key as the password."""

FAKE_BASE_URL = "http://fake.palomma.test/v1"
"""The base URL `FakePalomma.client()` uses; nothing resolves it, requests never leave the process."""

MAX_BODY_SIZE = 1024 * 1024
"""The largest request body a FakePalomma reads by default (1 MiB); a larger one is answered 413."""

MAX_RECORDED_REQUESTS = 1000
"""How many requests `FakePalomma.requests` keeps by default; older ones are dropped first."""

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class FakePalomma:
    """An in-memory, stateful fake of the Palomma Rentals API, for tests.

    It serves the operations of the OpenAPI document (by default the one shipped with the SDK) under
    its base path `/v1`, as an ASGI app (`fake.app`), with the credentials each operation's
    `security` declares (a bearer key for today's), request validation against the spec's schemas,
    the API's error bodies and cursor pagination. Tests move invoices
    along with the simulation controls (`pay`, `cancel`, `expire`, `chargeback`), move time with
    `fake.clock`, inject faults (`fail_next`, `fail_after_processing`, `delay_next`) and read what
    was sent in `fake.requests`.

    What comes from the spec: the routes, every check on parameters and bodies (400
    `{"error": "<field>: <problem>"}`), parameter defaults, the fields an invoice echoes from its
    create request (those both `CreateInvoiceRequest` and `Invoice` define, all stored), and the
    answer to any operation the fake does not model: its example, or a value synthesized from its
    schema, marked with the `X-Palomma-Fake` header (`example` or `synthesized`).

    Choices where the API's documentation is silent:

    * A second invoice with an existing `reference` (whatever that invoice's status) is rejected
      with 400 `{"error": "An invoice with reference '...' already exists"}`.
    * `ready` invoices whose `expirationDate` (creation + 5 minutes) has passed on the fake clock
      become `cancelled`, unless `start_payment` marked a payment in progress. `expirationDate` is
      shown until an invoice is paid, as in the spec's examples.
    * A payment settles in the first daily cycle (11, 13, 16, 18, 20 o'clock Colombia time, UTC-5)
      strictly after it; after the 20:00 cycle, in the next day's 11:00 cycle.
    * Fees per paid invoice: `fee_rate` of the paid amount (rounded half up to whole COP) plus
      `fee_fixed` COP; never postpaid. A settlement's `paymentAmount` is
      `amountCollected - fees + adjustments`.
    * A settlement is `processing` until its cycle time on the fake clock, `paid` from then on,
      unless pinned with `set_settlement_status`.
    * A chargeback keeps the invoice in its settlement and books an adjustment of minus its
      `paymentAmount` in the first cycle after the chargeback (its own cycle, if that has not run
      yet). A settlement exists (200) while it has an invoice or an adjustment, else 404.
    * Every value the fake writes by itself comes from the spec: a status, payment method or
      source the spec no longer lists is never written. A control that would write one
      (`chargeback` under a spec without that status, say) raises `UnlistedValue` naming it;
      invoices do not expire where the spec has no `cancelled`; a settlement stays `processing`
      where it has no `paid`.
    * A new invoice's status is the first value of the spec's `Invoice.status` that is not one the
      controls move an invoice to (`paid`, `cancelled`, `chargeback`): `ready` today, its new name
      if the vendor renames it. Where every listed value is such a later one, the fake cannot make
      an invoice: createInvoice is answered from the spec like an operation the fake does not model
      (see `unmodelled_operations`), and `create_invoice` raises `UnlistedValue`.
    * The `paymentDate` filter matches the date part of `paymentDate` as shown (UTC).
    * The key is checked before the body is read; a body over `max_body_size` is answered 413.

    Args:
        api_keys: The bearer tokens accepted; the first is the one `client()` uses.
        clock: The clock; by default a frozen `FakeClock` at the current time.
        merchant_id: The merchant part of every `paymentUrl`.
        fee_rate: Share of each paid amount taken as fee (`Decimal("0.01")` is 1 %).
        fee_fixed: Fixed fee per paid invoice, in COP.
        sleep: Awaited for injected latency; `asyncio.sleep` by default. Pass `clock.sleep` (or any
            recording function) so that delays cost no real time.
        seed: Seed for the random parts of ids, for reproducible runs.
        spec: The OpenAPI 3.0 or 3.1 document to serve, parsed (a dict, as `json.load` or
            `yaml.safe_load` returns it); the spec shipped with the SDK by default. The operations
            the fake models (`createInvoice`, `listInvoices`, `getInvoice`, `getSettlement`) are
            served from its state when the spec has them; any the spec lacks is logged and not
            served, and every other operation is answered from the spec's examples or schemas.
        max_body_size: The largest request body read, in bytes; larger ones get 413.
        max_recorded_requests: How many requests `requests` keeps (oldest dropped first); `None`
            keeps them all.
        accept_duplicate_references: Create a second invoice with a reference already used, as an
            API that does not enforce unique references would; by default a duplicate gets 400.
        list_lag: Seconds (or a `timedelta`) of the fake clock before a new invoice shows in
            listings, as an eventually consistent API's would; `get` finds it at once.

    Raises:
        ValueError: If `api_keys` is empty, a limit is not positive, or the spec cannot be served.
    """

    def __init__(
        self,
        *,
        api_keys: Iterable[str] = (DEFAULT_API_KEY,),
        clock: FakeClock | None = None,
        merchant_id: str = "merchant_test",
        fee_rate: Decimal = Decimal("0.01"),
        fee_fixed: int = 300,
        sleep: Sleep | None = None,
        seed: int | None = None,
        spec: Mapping[str, Any] | None = None,
        max_body_size: int = MAX_BODY_SIZE,
        max_recorded_requests: int | None = MAX_RECORDED_REQUESTS,
        accept_duplicate_references: bool = False,
        list_lag: timedelta | float = 0.0,
    ) -> None:
        keys = list(api_keys)
        if not keys:
            raise ValueError("FakePalomma needs at least one API key")
        if max_body_size < 0:
            raise ValueError("max_body_size cannot be negative")
        if max_recorded_requests is not None and max_recorded_requests < 1:
            raise ValueError("max_recorded_requests must be at least 1 (or None to keep every request)")
        served = ApiSpec(spec if spec is not None else load_shipped_spec())
        clock = clock if clock is not None else FakeClock()
        store = InvoiceStore(
            clock=clock,
            ids=IdGenerator(seed),
            merchant_id=merchant_id,
            fee_rate=fee_rate,
            fee_fixed=fee_fixed,
            shape=_invoice_shape(served),
            accept_duplicate_references=accept_duplicate_references,
            list_lag=list_lag if isinstance(list_lag, timedelta) else timedelta(seconds=list_lag),
        )
        self._state = FakeState(
            spec=served,
            validator=RequestValidator(served),
            store=store,
            faults=FaultPlan(),
            recorder=RequestLog(max_recorded_requests),
            clock=clock,
            api_keys=keys,
            max_body_size=max_body_size,
            sleep=sleep if sleep is not None else asyncio.sleep,
        )
        self._create_operation = served.operation("createInvoice")
        self._next_reference = 1
        # A snapshot's copies live as long as the snapshot does, and only here.
        self._snapshots: weakref.WeakKeyDictionary[FakeSnapshot, _Saved] = weakref.WeakKeyDictionary()
        self.webhooks: FakeWebhooks | None = None
        """Webhook deliveries, once `enable_webhooks` has been called."""
        self._app = build_app(self._state)

    # The settings a test may change after construction live in the state the app reads on every
    # request: each is a property over it, so a change applies to the next request.

    @property
    def api_keys(self) -> list[str]:
        """The bearer tokens accepted; the first is the one `client()` uses."""
        return self._state.api_keys

    @api_keys.setter
    def api_keys(self, keys: list[str]) -> None:
        self._state.api_keys = keys

    @property
    def max_body_size(self) -> int:
        """The largest request body read, in bytes; a larger one is answered 413 unread."""
        return self._state.max_body_size

    @max_body_size.setter
    def max_body_size(self, size: int) -> None:
        self._state.max_body_size = size

    @property
    def max_recorded_requests(self) -> int | None:
        """How many requests `requests` keeps; `None` for no limit."""
        return self._state.recorder.limit

    @max_recorded_requests.setter
    def max_recorded_requests(self, limit: int | None) -> None:
        self._state.recorder.limit = limit

    @property
    def requests(self) -> list[RecordedRequest]:
        """The requests received, oldest first (faulted ones included), at most `max_recorded_requests`."""
        return self._state.recorder.requests

    @requests.setter
    def requests(self, requests: list[RecordedRequest]) -> None:
        self._state.recorder.requests = requests

    @property
    def clock(self) -> FakeClock:
        """The fake clock: move it to expire invoices and run settlement cycles."""
        return self._state.clock

    @clock.setter
    def clock(self, clock: FakeClock) -> None:
        # The store reads its own reference: expiry and settlements follow the new clock too, not only `Date`.
        self._state.clock = self._state.store.clock = clock

    @property
    def sleep(self) -> Sleep:
        """Awaited for injected latency; `asyncio.sleep` unless given."""
        return self._state.sleep

    @sleep.setter
    def sleep(self, sleep: Sleep) -> None:
        self._state.sleep = sleep

    @property
    def app(self) -> Starlette:
        """The ASGI app; its operations live under `/v1` (serve it, or use `httpx2.ASGITransport(app=fake.app)`)."""
        return self._app

    @property
    def api_key(self) -> str:
        """The first accepted API key, the one `client()` authenticates with."""
        return self.api_keys[0]

    def client(self, **options: Any) -> PalommaClient:
        """Return a `PalommaClient` wired to this fake in process, through `httpx2.ASGITransport`.

        Use it as `async with fake.client() as palomma: ...`.

        Args:
            **options: Passed to `PalommaClient`; `api_key`, `base_url` and `transport` default to
                this fake's first key, `FAKE_BASE_URL` and an ASGI transport to `fake.app`; where the
                spec has an HTTP basic scheme, `username` and `password` default to `FAKE_USERNAME`
                and this fake's first key.

        Returns:
            A client that owns its HTTP connection pool; close it (or use `async with`).
        """
        # Imported here: the SDK must not depend on its testing package, and this keeps it that way.
        from palomma_client import PalommaClient

        options.setdefault("api_key", self.api_key)
        if any(scheme.kind == "basic" for scheme in self._state.spec.security_schemes.values()):
            options.setdefault("username", FAKE_USERNAME)
            options.setdefault("password", self.api_key)
        options.setdefault("base_url", FAKE_BASE_URL)
        options.setdefault("transport", httpx2.ASGITransport(app=self.app))
        return PalommaClient(**options)

    # --- state: seed and inspect ------------------------------------------------------------------

    def create_invoice(
        self,
        *,
        reference: str | None = None,
        amount: int = 1_850_000,
        description: str = "Canon de arrendamiento",
        redirect_url: str = "https://merchant.example.com/payments/return",
        customer_document_number: str = "900123456",
        document_type: str | None = None,
        customer_name: str | None = None,
        contract: str | None = None,
        fields: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Create an invoice directly, as if through the API (same validation), without a request.

        Args:
            reference: The merchant's reference; `REF-0001`, `REF-0002`, ... when not given.
            amount: Amount in COP, an integer within the spec's bounds.
            description: Shown to the customer.
            redirect_url: Where the customer returns to, a URI.
            customer_document_number: The customer's document number.
            document_type: The customer's document type, one of the spec's `documentType` values.
            customer_name: The customer's display name.
            contract: The contract identifier; the spec's default when not given.
            fields: More fields of the request body by their names on the wire (`{"tenantEmail": ...}`),
                added to those above or replacing them.

        Returns:
            The invoice as the API returns it (camelCase JSON).

        Raises:
            ValueError: If a value breaks the spec's rules (the message is the API's 400 message) or
                the reference is already used.
            UnlistedValue: A `ValueError`, if the spec's invoice `status` lists no status for a new invoice.
            FeatureUnavailableError: The spec has no `createInvoice` operation with a request body.
        """
        payload: dict[str, Any] = {
            "reference": reference if reference is not None else self._numbered_reference(),
            "amount": amount,
            "description": description,
            "redirectUrl": redirect_url,
            "customerDocumentNumber": customer_document_number,
        }
        optional = {"documentType": document_type, "customerName": customer_name, "contract": contract}
        payload.update({name: value for name, value in optional.items() if value is not None})
        payload.update(fields or {})
        create = self._create_operation
        if create is None or create.body is None:
            # As a hand-written feature of the SDK does, so that a suite run on such a spec can tell it apart.
            raise FeatureUnavailableError(
                "FakePalomma.create_invoice", ["the operation `createInvoice` with a request body"]
            )
        checked = self._state.validator.check_body(create, payload)
        return self._state.store.create(checked).to_json()

    def _numbered_reference(self) -> str:
        number, self._next_reference = self._next_reference, self._next_reference + 1
        return f"REF-{number:04d}"

    def invoice(self, invoice_id: str) -> dict[str, Any]:
        """Return an invoice as the API would (after applying any expiry due on the fake clock).

        Raises:
            KeyError: If there is no such invoice.
        """
        return self._state.store.require(invoice_id).to_json()

    def invoices(self) -> list[dict[str, Any]]:
        """Return every invoice, newest first, as the API would."""
        return [record.to_json() for record in self._state.store.all()]

    def settlement(self, settlement_date: date | str, cycle: str) -> dict[str, Any] | None:
        """Return a settlement as the API would, or `None` where the API answers 404.

        Args:
            settlement_date: The settlement date, a `date` or `YYYY-MM-DD`.
            cycle: The cycle: `"11"`, `"13"`, `"16"`, `"18"` or `"20"` (the fake's timetable).
        """
        return self._state.store.settlement(_as_date(settlement_date), cycle)

    def fee_for(self, payment_amount: int) -> int:
        """Return the fee this fake charges on one paid invoice of `payment_amount` COP."""
        return self._state.store.fee_for(payment_amount)

    def reset(self) -> None:
        """Forget all invoices, settlement adjustments and statuses, faults and recorded requests."""
        self._state.store.clear()
        self._forget_traffic()

    def snapshot(self) -> FakeSnapshot:
        """Return the fake's state now, which `restore` brings back as often as asked.

        Seed once (invoices, payments, settlements), take a snapshot, and restore it before each
        test: every test starts from the same invoices, ids and time, for the price of a copy
        rather than of seeding again. Later changes to the fake leave the snapshot as it was.

        Returns:
            The invoices, settlement adjustments and pinned statuses, the fake clock's time, and
            where the sequences of ids and of numbered references (`REF-0001`) stand.
        """
        contents = self._state.store.contents()
        snapshot = FakeSnapshot(time=self.clock.now(), invoices=len(contents.invoices))
        self._snapshots[snapshot] = _Saved(contents, self._next_reference)
        return snapshot

    def restore(self, snapshot: FakeSnapshot) -> None:
        """Return the fake to a snapshot it took, and, as `reset` does, forget its faults, requests and webhooks.

        Everything the snapshot holds comes back: an invoice paid since is `ready` again, one
        created since is gone, the clock shows the snapshot's time (and a ticking clock goes on
        from there), and the next invoices get the ids they got after the snapshot was taken.

        Args:
            snapshot: What `snapshot()` returned, on this fake.

        Raises:
            ValueError: If the snapshot was taken of another fake.
        """
        saved = self._snapshots.get(snapshot)
        if saved is None:
            raise ValueError("A FakeSnapshot restores only the FakePalomma it was taken of")
        self._state.store.replace_contents(saved.contents)
        self.clock.set(snapshot.time)
        self._next_reference = saved.next_reference
        self._forget_traffic()

    def _forget_traffic(self) -> None:
        self._state.faults.clear()
        self.requests.clear()
        if self.webhooks is not None:
            self.webhooks.clear()

    # --- simulation controls ----------------------------------------------------------------------

    def start_payment(self, invoice_id: str) -> dict[str, Any]:
        """Mark a customer's payment as in progress: the invoice stays `ready` but no longer expires.

        Raises:
            KeyError: If there is no such invoice.
            ValueError: If the invoice is not `ready` (already paid, cancelled or expired).
        """
        return self._state.store.start_payment(invoice_id).to_json()

    def pay(
        self,
        invoice_id: str,
        *,
        method: str | None = None,
        source: str | None = None,
        amount: int | None = None,
        at: datetime | None = None,
    ) -> dict[str, Any]:
        """Complete the payment of a `ready` invoice.

        Fills `paymentDate`, `paymentMethod`, `paymentSource`, `paymentAmount`, `paymentId`, and
        `settlementDate` / `settlementTime` with the first cycle after the payment.

        Args:
            invoice_id: The invoice to pay.
            method: One of the spec's `paymentMethod` values (`pse`, `nequiButton`, ...); `pse` when
                not given, or the spec's first value if it no longer lists `pse`.
            source: One of the spec's `paymentSource` values (`link`, `whatsapp`, ...); `link` when
                not given, or the spec's first value if it no longer lists `link`.
            amount: The amount paid, in COP; the invoice's amount when not given.
            at: When it was paid (timezone-aware); now on the fake clock when not given.

        Returns:
            The paid invoice as the API returns it.

        Raises:
            KeyError: If there is no such invoice.
            ValueError: If the invoice is not `ready` or an argument is invalid.
            UnlistedValue: A `ValueError`, if the spec's invoice `status` has no `paid`.
        """
        invoice = self._state.store.pay(invoice_id, method=method, source=source, amount=amount, paid_at=at).to_json()
        self._observe()
        return invoice

    def cancel(self, invoice_id: str) -> dict[str, Any]:
        """Cancel a `ready` invoice.

        Raises:
            KeyError: If there is no such invoice.
            ValueError: If the invoice is not `ready`.
            UnlistedValue: A `ValueError`, if the spec's invoice `status` has no `cancelled`.
        """
        invoice = self._state.store.cancel(invoice_id).to_json()
        self._observe()
        return invoice

    def expire(self, invoice_id: str) -> dict[str, Any]:
        """Expire a `ready` invoice now: it becomes `cancelled`, its `expirationDate` moves to now if later.

        Raises:
            KeyError: If there is no such invoice.
            ValueError: If the invoice is not `ready`.
            UnlistedValue: A `ValueError`, if the spec's invoice `status` has no `cancelled`.
        """
        invoice = self._state.store.expire(invoice_id).to_json()
        self._observe()
        return invoice

    def chargeback(self, invoice_id: str, *, at: datetime | None = None) -> dict[str, Any]:
        """Reverse the payment of a `paid` invoice: status `chargeback`, payment fields kept.

        The invoice stays in its settlement; minus its `paymentAmount` is booked as an adjustment in
        the first settlement cycle after the chargeback.

        Args:
            invoice_id: The invoice to charge back.
            at: When (timezone-aware); now on the fake clock when not given.

        Returns:
            The invoice as the API returns it.

        Raises:
            KeyError: If there is no such invoice.
            ValueError: If the invoice is not `paid`.
            UnlistedValue: A `ValueError`, if the spec's invoice `status` has no `chargeback`.
        """
        invoice = self._state.store.chargeback(invoice_id, charged_back_at=at).to_json()
        self._observe()
        return invoice

    def set_settlement_status(self, settlement_date: date | str, cycle: str, status: str | None) -> None:
        """Pin a settlement's status (one of the spec's `Settlement` statuses, `error` say); `None` unpins it.

        Raises:
            ValueError: If the status is not one of the spec's.
        """
        self._state.store.set_settlement_status(_as_date(settlement_date), cycle, status)
        self._observe()

    # --- webhooks ---------------------------------------------------------------------------------

    def enable_webhooks(
        self,
        secret: str,
        *,
        url: str | None = None,
        callback: WebhookCallback | None = None,
        transport: httpx2.AsyncBaseTransport | None = None,
        signature_scheme: SignatureScheme = compute_signature,
        timeout: float = DELIVERY_TIMEOUT,
    ) -> FakeWebhooks:
        """Send signed webhooks when invoices become `paid`, `cancelled` or `chargeback` and settlements `paid`.

        Webhooks are queued as the fake changes and sent when the test awaits `webhooks.deliver()`;
        see `FakeWebhooks`. Give exactly one of `url` and `callback`. Calling it again replaces the
        previous configuration and forgets its webhooks.

        Args:
            secret: The merchant's integrity key that signs each delivery.
            url: Where to POST deliveries; with `transport` (such as `httpx2.ASGITransport(app=...)`) in process.
            callback: Called as `await callback(body, headers)` instead, returning the receiver's status.
            transport: The httpx2 transport for `url`.
            signature_scheme: Computes `X-Signature`; the SDK's default scheme unless given.
            timeout: Seconds the receiver has to answer (5, as with Palomma).

        Returns:
            The `FakeWebhooks`, also kept as `fake.webhooks`.

        Raises:
            ValueError: Both or neither of `url` and `callback` are given, or `secret` is empty.
        """
        self.webhooks = FakeWebhooks(
            self._state,
            secret,
            url=url,
            callback=callback,
            transport=transport,
            signature_scheme=signature_scheme,
            timeout=timeout,
        )
        return self.webhooks

    def _observe(self) -> None:
        if self.webhooks is not None:
            self.webhooks.observe()

    # --- faults -----------------------------------------------------------------------------------

    def fail_next(
        self,
        status: int = 503,
        *,
        times: int | None = 1,
        method: str | None = None,
        path: str | None = None,
        error: str | None = None,
        retry_after: int | float | datetime | str | None = None,
    ) -> Fault:
        """Answer the next matching requests with an error, without acting on them.

        Args:
            status: The status to answer with (4xx or 5xx).
            times: How many matching requests fail; `None` for all of them until `clear_faults`.
            method: Only requests with this method (`"POST"`).
            path: Only requests whose path matches this shell-style pattern, with or without
                `/v1` (`"/invoices"`, `"/invoices/*"`).
            error: The body's `error` message; the status's reason phrase by default.
            retry_after: A `Retry-After` header: seconds, a datetime (sent as an HTTP date) or text.

        Returns:
            The fault rule; its `hits` count how often it fired.
        """
        return self._add_error_fault(FaultKind.FAIL, status, times, method, path, error, retry_after)

    def fail_after_processing(
        self,
        status: int = 500,
        *,
        times: int | None = 1,
        method: str | None = None,
        path: str | None = None,
        error: str | None = None,
        retry_after: int | float | datetime | str | None = None,
    ) -> Fault:
        """Act on the next matching requests, then answer them with an error anyway.

        The request takes full effect (a POST /invoices creates the invoice) but the client only
        sees the error: the situation a safe invoice creation must survive.

        Args:
            status: The status to answer with (4xx or 5xx).
            times: How many matching requests this applies to; `None` for all until `clear_faults`.
            method: Only requests with this method.
            path: Only requests whose path matches this shell-style pattern (see `fail_next`).
            error: The body's `error` message; the status's reason phrase by default.
            retry_after: A `Retry-After` header, as for `fail_next`.

        Returns:
            The fault rule.
        """
        return self._add_error_fault(FaultKind.FAIL_AFTER_PROCESSING, status, times, method, path, error, retry_after)

    def _add_error_fault(
        self,
        kind: FaultKind,
        status: int,
        times: int | None,
        method: str | None,
        path: str | None,
        error: str | None,
        retry_after: int | float | datetime | str | None,
    ) -> Fault:
        return self._state.faults.add(
            Fault(
                kind=kind,
                remaining=times,
                method=method,
                path=path,
                status=status,
                error=error,
                retry_after=retry_after_header(retry_after),
            )
        )

    def delay_next(
        self,
        seconds: float,
        *,
        times: int | None = 1,
        method: str | None = None,
        path: str | None = None,
    ) -> Fault:
        """Make the next matching requests wait `seconds` (through `fake.sleep`) before being handled.

        Args:
            seconds: The added latency.
            times: How many matching requests are delayed; `None` for all until `clear_faults`.
            method: Only requests with this method.
            path: Only requests whose path matches this shell-style pattern (see `fail_next`).

        Returns:
            The fault rule.
        """
        return self._state.faults.add(
            Fault(kind=FaultKind.DELAY, remaining=times, method=method, path=path, seconds=seconds)
        )

    @property
    def unmodelled_operations(self) -> dict[str, str]:
        """The operations the fake models that this spec does not let it serve from its state, each with why.

        Empty for the spec shipped with the SDK. Each one named is answered from the spec's
        examples or schemas (if the spec still has it) and keeps nothing: an invoice created that
        way cannot be read back, paid or listed.
        """
        return unmodelled_operations(self._state.spec)

    @property
    def faults(self) -> list[Fault]:
        """The fault rules that can still fire, oldest first."""
        return self._state.faults.pending()

    def clear_faults(self) -> None:
        """Remove every fault rule."""
        self._state.faults.clear()

    def __repr__(self) -> str:
        return f"<FakePalomma invoices={len(self._state.store.all())} clock={self.clock.now().isoformat()}>"


class FakeSnapshot:
    """A `FakePalomma`'s state at one moment, for `FakePalomma.restore`; made by `FakePalomma.snapshot`.

    A handle: the fake that took it keeps the copies it stands for, and no other fake restores it.

    Attributes:
        time: The fake clock's time when it was taken, which `restore` sets the clock back to.
        invoices: How many invoices the fake held.
    """

    __slots__ = ("__weakref__", "invoices", "time")

    def __init__(self, *, time: datetime, invoices: int) -> None:
        self.time = time
        self.invoices = invoices

    def __repr__(self) -> str:
        return f"<FakeSnapshot invoices={self.invoices} clock={self.time.isoformat()}>"


@dataclass(frozen=True, slots=True)
class _Saved:
    """What a snapshot stands for, beside the time it shows."""

    contents: StoreContents
    next_reference: int


def _invoice_shape(spec: ApiSpec) -> InvoiceShape:
    """What invoices and settlements look like in this spec; empty layouts where it lacks the operations."""
    create = spec.operation("createInvoice")
    settlement = spec.operation("getSettlement")
    request = None if create is None or create.body is None else create.body.json_media_type()
    invoice_pointer = None if create is None or create.success is None else create.success.schema_pointer
    settlement_pointer = None if settlement is None or settlement.success is None else settlement.success.schema_pointer
    invoice = ObjectLayout(spec, invoice_pointer)
    sent: dict[str, Any] = {}
    if request is not None and request.schema_pointer is not None:
        sent, _ = spec.object_properties(request.schema_pointer)
    return InvoiceShape(
        invoice=invoice,
        settlement=ObjectLayout(spec, settlement_pointer),
        echoed=frozenset(name for name in sent if name in invoice.names),
    )


def _as_date(value: date | str) -> date:
    if isinstance(value, datetime):
        raise TypeError("Pass a date (or YYYY-MM-DD), not a datetime")
    if isinstance(value, date):
        return value
    # The pattern first: date.fromisoformat also takes "20260312" and other ISO 8601 forms.
    if _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"settlement_date must be a date in YYYY-MM-DD format, not {value!r}")
