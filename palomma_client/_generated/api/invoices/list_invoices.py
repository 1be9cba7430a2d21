import datetime
from http import HTTPStatus
from typing import Any

import httpx2

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.list_invoices_response import ListInvoicesResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    reference: str | Unset = UNSET,
    customer_document_number: str | Unset = UNSET,
    contract: str | Unset = UNSET,
    payment_date: datetime.date | Unset = UNSET,
    settlement_date: datetime.date | Unset = UNSET,
    settlement_cycle: str | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["reference"] = reference

    params["customerDocumentNumber"] = customer_document_number

    params["contract"] = contract

    json_payment_date: str | Unset = UNSET
    if not isinstance(payment_date, Unset):
        json_payment_date = payment_date.isoformat()
    params["paymentDate"] = json_payment_date

    json_settlement_date: str | Unset = UNSET
    if not isinstance(settlement_date, Unset):
        json_settlement_date = settlement_date.isoformat()
    params["settlementDate"] = json_settlement_date

    params["settlementCycle"] = settlement_cycle

    params["limit"] = limit

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/invoices",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx2.Response
) -> ErrorResponse | ListInvoicesResponse | None:
    if response.status_code == 200:
        response_200 = ListInvoicesResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 500:
        response_500 = ErrorResponse.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx2.Response
) -> Response[ErrorResponse | ListInvoicesResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    reference: str | Unset = UNSET,
    customer_document_number: str | Unset = UNSET,
    contract: str | Unset = UNSET,
    payment_date: datetime.date | Unset = UNSET,
    settlement_date: datetime.date | Unset = UNSET,
    settlement_cycle: str | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
) -> Response[ErrorResponse | ListInvoicesResponse]:
    """List invoices

     Returns a paginated list of invoices for the authenticated merchant.

    Args:
        reference (str | Unset):
        customer_document_number (str | Unset):
        contract (str | Unset):
        payment_date (datetime.date | Unset):
        settlement_date (datetime.date | Unset):
        settlement_cycle (str | Unset):
        limit (int | Unset):  Default: 20.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx2.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ListInvoicesResponse]
    """

    kwargs = _get_kwargs(
        reference=reference,
        customer_document_number=customer_document_number,
        contract=contract,
        payment_date=payment_date,
        settlement_date=settlement_date,
        settlement_cycle=settlement_cycle,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    reference: str | Unset = UNSET,
    customer_document_number: str | Unset = UNSET,
    contract: str | Unset = UNSET,
    payment_date: datetime.date | Unset = UNSET,
    settlement_date: datetime.date | Unset = UNSET,
    settlement_cycle: str | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
) -> ErrorResponse | ListInvoicesResponse | None:
    """List invoices

     Returns a paginated list of invoices for the authenticated merchant.

    Args:
        reference (str | Unset):
        customer_document_number (str | Unset):
        contract (str | Unset):
        payment_date (datetime.date | Unset):
        settlement_date (datetime.date | Unset):
        settlement_cycle (str | Unset):
        limit (int | Unset):  Default: 20.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx2.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ListInvoicesResponse
    """

    return sync_detailed(
        client=client,
        reference=reference,
        customer_document_number=customer_document_number,
        contract=contract,
        payment_date=payment_date,
        settlement_date=settlement_date,
        settlement_cycle=settlement_cycle,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    reference: str | Unset = UNSET,
    customer_document_number: str | Unset = UNSET,
    contract: str | Unset = UNSET,
    payment_date: datetime.date | Unset = UNSET,
    settlement_date: datetime.date | Unset = UNSET,
    settlement_cycle: str | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
) -> Response[ErrorResponse | ListInvoicesResponse]:
    """List invoices

     Returns a paginated list of invoices for the authenticated merchant.

    Args:
        reference (str | Unset):
        customer_document_number (str | Unset):
        contract (str | Unset):
        payment_date (datetime.date | Unset):
        settlement_date (datetime.date | Unset):
        settlement_cycle (str | Unset):
        limit (int | Unset):  Default: 20.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx2.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ListInvoicesResponse]
    """

    kwargs = _get_kwargs(
        reference=reference,
        customer_document_number=customer_document_number,
        contract=contract,
        payment_date=payment_date,
        settlement_date=settlement_date,
        settlement_cycle=settlement_cycle,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    reference: str | Unset = UNSET,
    customer_document_number: str | Unset = UNSET,
    contract: str | Unset = UNSET,
    payment_date: datetime.date | Unset = UNSET,
    settlement_date: datetime.date | Unset = UNSET,
    settlement_cycle: str | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: str | Unset = UNSET,
) -> ErrorResponse | ListInvoicesResponse | None:
    """List invoices

     Returns a paginated list of invoices for the authenticated merchant.

    Args:
        reference (str | Unset):
        customer_document_number (str | Unset):
        contract (str | Unset):
        payment_date (datetime.date | Unset):
        settlement_date (datetime.date | Unset):
        settlement_cycle (str | Unset):
        limit (int | Unset):  Default: 20.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx2.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ListInvoicesResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            reference=reference,
            customer_document_number=customer_document_number,
            contract=contract,
            payment_date=payment_date,
            settlement_date=settlement_date,
            settlement_cycle=settlement_cycle,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
