"""What an example refused for want of the spec is read from its service's logs, and skips its test naming it once."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from palomma_client import (
    FeatureUnavailableError,
    Invoice,
    InvoiceOutcomeUnknownError,
    Invoices,
    NotFoundError,
    PalommaError,
)
from palomma_client._http_answers import http_answer
from tests.examples.conftest import RefusalsLogged, skip_for_refusals
from tests.support import fresh_name


@pytest.fixture
def logged() -> Iterator[RefusalsLogged]:
    handler = RefusalsLogged()
    logging.getLogger().addHandler(handler)
    try:
        yield handler
    finally:
        logging.getLogger().removeHandler(handler)


def an_absent_method() -> str:
    """A phrase naming a method the generated ``Invoices`` does not have, as ``needs`` names it."""
    return f"`Invoices.{fresh_name(dir(Invoices), 'archive')}`"


def test_the_refusal_a_service_answers_501_for_is_read_from_the_glues_log(logged: RefusalsLogged) -> None:
    refusal = FeatureUnavailableError("this example (Invoices)", [an_absent_method()])

    answer = http_answer(refusal)

    assert answer.status == 501
    assert logged.refusals == [refusal]


def test_a_create_the_spec_no_longer_lets_the_sdk_check_gives_the_lookups_refusal(logged: RefusalsLogged) -> None:
    lookup = FeatureUnavailableError("invoices.find_by_reference", ["the operation `listInvoices`"])
    unknown = InvoiceOutcomeUnknownError("RENT-1", PalommaError("the create failed"), "no lookup")
    unknown.__cause__ = lookup

    assert http_answer(unknown).status == 503
    assert logged.refusals == [lookup]


def test_a_refusal_a_service_logs_while_processing_is_read_from_the_traceback(logged: RefusalsLogged) -> None:
    refusal = FeatureUnavailableError("this example (Invoice)", ["`Invoice.colour`"])
    try:
        raise refusal
    except FeatureUnavailableError:
        logging.getLogger("examples_webhook_receiver").exception("processing webhook wh_1 failed")
    logging.getLogger("palomma_client").error("answering 404 to a %s", NotFoundError.__name__)

    assert logged.refusals == [refusal]


def test_an_examples_refusal_of_what_the_sdk_lacks_skips_naming_what_is_gone_once() -> None:
    missing = an_absent_method()

    with pytest.raises(pytest.skip.Exception) as skipped:
        skip_for_refusals([FeatureUnavailableError("this example (Invoices)", [missing])])

    assert skipped.value.msg == f"this example (Invoices) needs what the spec no longer has: {missing}"


def test_a_refusal_of_what_the_sdk_has_skips_nothing() -> None:
    present = f"`Invoice.{next(iter(Invoice.JSON_NAMES))}`"
    genuine = FeatureUnavailableError("this example (Invoices)", [an_absent_method()])

    skip_for_refusals([FeatureUnavailableError("this example (Invoice)", [present])])
    skip_for_refusals([genuine, FeatureUnavailableError("invoices.no_such_feature", ["the operation `gone`"])])
    skip_for_refusals([])
