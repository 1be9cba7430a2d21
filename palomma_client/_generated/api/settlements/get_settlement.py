"""``getSettlement``: GET /settlements/{date}/{cycle}. Builds the request and parses the answer; nothing here sends."""

from __future__ import annotations

import datetime
from typing import Any

from palomma_client._request import ApiRequest
from palomma_client._validation import (
    check_date,
    check_string,
    path_segment,
)

from ...errors import ResponseSchemaError
from ...models.settlement import Settlement
from ...security import Security

OPERATION_ID = "getSettlement"
METHOD = "GET"
PATH = "/settlements/{date}/{cycle}"
SECURITY: Security = (("bearerAuth",),)
"""The security schemes whose credentials it needs: any one group of them (``()``: none)."""

RULES: dict[str, dict[str, Any]] = {
    "date": {"format": "date"},
    "cycle": {},
}
"""The spec's rules of each argument (``minimum``, ``maxLength``, ``enum``...), as the spec writes them."""


def build_request(
    date: datetime.date | str,
    cycle: str,
) -> ApiRequest:
    """Check every argument against the spec's rules and build the request; nothing is sent.

    Raises:
        InvalidParameterError: An argument breaks a rule of the spec; it names the argument.
    """
    date = check_date("date", date)
    _date_segment = path_segment("date", date.isoformat())
    cycle = check_string("cycle", cycle)
    _cycle_segment = path_segment("cycle", cycle)
    return ApiRequest(
        OPERATION_ID,
        METHOD,
        f"/settlements/{_date_segment}/{_cycle_segment}",
        params=None,
        json=None,
        security=SECURITY,
    )


def parse_response(status_code: int, data: Any) -> Settlement:
    """The answer's model, from its status code and decoded JSON body.

    Raises:
        ResponseSchemaError: The body does not match the spec, or the status is not a documented success.
    """
    if status_code == 200:
        return Settlement.from_dict(data)
    raise ResponseSchemaError("", f"status {status_code} is not a documented success status of {OPERATION_ID}")
