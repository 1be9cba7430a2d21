"""Invoice CSV files: one ``invoices.create`` call per row, checked row by row in a single pass.

The columns are the fields of ``InvoiceRequest``, which are the fields of the
spec's ``CreateInvoiceRequest``: nothing here names one. How a cell becomes a
value follows the field's type in the generated model (a whole number for an
integer, text for a string or an enum, and so on).

Every row is checked on its own, and the only thing kept across rows is each
reference's first line, to report a reference used twice: checking a file
is one pass, linear in its length, however many rows are bad.
"""

from __future__ import annotations

import collections
import csv
import datetime
import json
import os
import re
from collections.abc import Callable, Iterator
from typing import IO, Final

from palomma_client._exceptions import InvalidParameterError, InvoiceCSVError
from palomma_client._features import is_missing
from palomma_client._generated_names import CreateInvoiceRequest
from palomma_client.workflows._models import FieldKind, field_kinds
from palomma_client.workflows._request import INVOICE_REQUESTS, InvoiceRequest

__all__ = [
    "INVOICE_CSV_COLUMNS",
    "REQUIRED_INVOICE_CSV_COLUMNS",
    "check_file",
    "iter_invoice_csv",
    "read_invoice_csv",
    "spreadsheet_safe",
    "spreadsheet_writer",
    "stream_file",
]

INVOICE_CSV_COLUMNS: Final = InvoiceRequest.FIELDS
"""Every column an invoice CSV file may have: the fields of ``invoices.create``, in the spec's order."""

REQUIRED_INVOICE_CSV_COLUMNS: Final = InvoiceRequest.REQUIRED_FIELDS
"""The columns an invoice CSV file must have."""

_OPTIONAL_COLUMNS: Final = tuple(column for column in INVOICE_CSV_COLUMNS if column not in REQUIRED_INVOICE_CSV_COLUMNS)
# A header may also name a column as the API's JSON does (redirectUrl for redirect_url).
_JSON_NAMES: Final[dict[str, str]] = {} if is_missing(CreateInvoiceRequest) else CreateInvoiceRequest.JSON_NAMES
_COLUMN_BY_HEADER: Final = {
    **{json_name: name for name, json_name in _JSON_NAMES.items() if name in INVOICE_CSV_COLUMNS},
    **{name: name for name in INVOICE_CSV_COLUMNS},
}

# OWASP's list of the first characters that make a spreadsheet read a cell as a formula
# (https://owasp.org/www-community/attacks/CSV_Injection).
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """Return a CSV cell that a spreadsheet shows as the text it is, never runs as a formula.

    A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    gets a single quote in front, as OWASP advises: Excel, LibreOffice and
    Google Sheets then show the text (the quote hidden or visible) instead of
    evaluating it. Only text that came from someone else goes through here;
    a number the SDK formats itself (a negative adjustment) cannot carry a
    formula and is written as it is, so it stays a number.

    Args:
        text: The cell's text.

    Returns:
        ``text``, or ``"'" + text`` when it starts with one of those characters.
    """
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def spreadsheet_writer(destination: IO[str], columns: list[str]) -> csv.DictWriter[str]:
    """Return a CSV writer whose every line ends ``\\r\\n``, as RFC 4180 and spreadsheets write them.

    With ``\\n`` alone, Python's writer leaves a carriage return inside a cell
    unquoted, and a reader ends the row there; with ``\\r\\n`` every cell holding
    either is quoted.

    Args:
        destination: Where the rows go, opened with ``newline=""``.
        columns: The header's columns, in order.

    Returns:
        A ``csv.DictWriter``; the caller writes the header.
    """
    return csv.DictWriter(destination, fieldnames=columns, lineterminator="\r\n")


Problem = tuple[int | None, str | None, str]


class _CellError(ValueError):
    """A cell's text is not a value of its column's kind; the message says how to write one."""


_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def _integer(text: str) -> int:
    if not _WHOLE_NUMBER.fullmatch(text):
        raise _CellError(f"{text!r} is not a whole number; write digits only, with no separators or decimals")
    return int(text)


def _number(text: str) -> float:
    if not _NUMBER.fullmatch(text):
        raise _CellError(f"{text!r} is not a number; write digits, with a dot before any decimals")
    return float(text)


def _boolean(text: str) -> bool:
    lowered = text.lower()
    if lowered not in ("true", "false"):
        raise _CellError(f"{text!r} is not true or false")
    return lowered == "true"


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise _CellError(f"{text!r} is not a date; write YYYY-MM-DD") from None


def _datetime(text: str) -> datetime.datetime:
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        raise _CellError(f"{text!r} is not an ISO 8601 date-time, such as 2026-03-12T10:30:00-05:00") from None


def _json(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        raise _CellError(f"{text!r} is not JSON") from None


_CONVERTERS: Final[dict[FieldKind, Callable[[str], object]]] = {
    "integer": _integer,
    "number": _number,
    "boolean": _boolean,
    "date": _date,
    "datetime": _datetime,
    "text": str,
    "json": _json,
}
_CONVERTER_OF: Final = {name: _CONVERTERS[kind] for name, kind in field_kinds(CreateInvoiceRequest).items()}


def describe_columns() -> str:
    """The columns, for messages and help: ``reference, amount, ... (optional: ...)``."""
    return ", ".join(REQUIRED_INVOICE_CSV_COLUMNS) + " (optional: " + ", ".join(_OPTIONAL_COLUMNS) + ")"


# --------------------------------------------------------------------------- public readers


def read_invoice_csv(
    path: str | os.PathLike[str], *, delimiter: str | None = None, encoding: str = "utf-8-sig"
) -> list[InvoiceRequest]:
    """Read invoice requests from a CSV file, checking every row before anything can be sent.

    The first line names the columns, in any order: one per argument of ``invoices.create``
    (``INVOICE_CSV_COLUMNS``), as in ``invoices.create`` (``redirect_url``) or as in the API's
    JSON (``redirectUrl``). The required ones (``REQUIRED_INVOICE_CSV_COLUMNS``) must be there;
    an empty cell of an optional one means "not given". A whole-number column such as
    ``amount`` takes digits only (``1850000``). An unknown column is an error, so that a
    misspelt optional column is not silently ignored.

    The whole file is checked, in one pass, and refused as a whole if any row is bad, so a batch
    never starts half-checked: fix the file and run again. For a file too large to hold, use
    ``iter_invoice_csv``.

    Args:
        path: The CSV file.
        delimiter: ``","`` or ``";"`` (spreadsheets set to Spanish write ``;``); by default whichever the
            header line uses.
        encoding: The file's encoding; the default also skips the byte-order mark spreadsheets write.

    Returns:
        One ``InvoiceRequest`` per data row, in file order, each with its ``line``.

    Raises:
        InvoiceCSVError: A column is missing or unknown, or rows are bad; ``problems`` lists each with its
            line number. Also an ``InvalidParameterError`` and a ``ValueError``.
        OSError: The file cannot be read.
        FeatureUnavailableError: The API's spec no longer has the create operation, its model or its
            ``reference``.
    """
    requests: list[InvoiceRequest] = []
    _check(os.fspath(path), delimiter, encoding, keep=requests.append)
    return requests


def iter_invoice_csv(
    path: str | os.PathLike[str], *, delimiter: str | None = None, encoding: str = "utf-8-sig"
) -> Iterator[InvoiceRequest]:
    """Check a CSV file of invoice requests whole, then read it again one row at a time.

    The file is the same as for ``read_invoice_csv``, and checked the same way before this
    returns; but the requests are then read as they are drawn, so a file of any length can feed
    ``invoices.create_many`` or ``invoices.create_many_iter`` in bounded memory. Checking keeps
    only each reference's first line (to report a reference used twice).

    Args:
        path: The CSV file.
        delimiter: ``","`` or ``";"``; by default whichever the header line uses.
        encoding: The file's encoding; the default also skips a byte-order mark.

    Returns:
        An iterator of one ``InvoiceRequest`` per data row, in file order, each with its ``line``.

    Raises:
        InvoiceCSVError: At the call, when the file has bad columns or rows; while iterating, only if the
            file was changed in between and a row is now bad.
        OSError: The file cannot be read.
        FeatureUnavailableError: The API's spec no longer has the create operation, its model or its
            ``reference``.
    """
    name = os.fspath(path)
    check_file(name, delimiter=delimiter, encoding=encoding)
    return stream_file(name, delimiter=delimiter, encoding=encoding)


def check_file(name: str, *, delimiter: str | None = None, encoding: str = "utf-8-sig") -> int:
    """Check every row of an invoice CSV file in one pass and count them; what ``--dry-run`` does.

    Args:
        name: The file.
        delimiter: ``","`` or ``";"``; by default whichever the header line uses.
        encoding: The file's encoding.

    Returns:
        How many data rows the file has.

    Raises:
        InvoiceCSVError: The file has bad columns or rows.
        OSError: The file cannot be read.
        FeatureUnavailableError: The API's spec no longer has the create operation, its model or its
            ``reference``.
    """
    return _check(name, delimiter, encoding, keep=None)


def stream_file(name: str, *, delimiter: str | None = None, encoding: str = "utf-8-sig") -> Iterator[InvoiceRequest]:
    """The requests of a file already checked, read as they are drawn.

    Args:
        name: The file, checked with ``check_file``.
        delimiter: As given to ``check_file``.
        encoding: As given to ``check_file``.

    Returns:
        One ``InvoiceRequest`` per data row, in file order, each with its ``line``.

    Raises:
        InvoiceCSVError: While iterating, at the first bad row (the file changed since it was checked).
        OSError: The file cannot be read.
        FeatureUnavailableError: The API's spec no longer has the create operation, its model or its
            ``reference``.
    """
    with _open(name, encoding) as handle:
        for line, record in _records(name, handle, delimiter, encoding):
            if not isinstance(record, InvoiceRequest):
                raise InvoiceCSVError(name, [*record, (line, None, "the file changed after it was checked")])
            yield record


# --------------------------------------------------------------------------- one pass over a file


def _check(name: str, delimiter: str | None, encoding: str, keep: Callable[[InvoiceRequest], None] | None) -> int:
    INVOICE_REQUESTS.check()
    problems: list[Problem] = []
    first_line_of: dict[str, int] = {}
    count = 0
    with _open(name, encoding) as handle:
        for line, record in _records(name, handle, delimiter, encoding):
            if not isinstance(record, InvoiceRequest):
                problems.extend(record)
                continue
            earlier = first_line_of.setdefault(record.reference, line)
            if earlier != line:
                problems.append((line, "reference", f"{record.reference!r} is already used on line {earlier}"))
                continue
            count += 1
            if keep is not None:
                keep(record)
    if problems:
        raise InvoiceCSVError(name, problems)
    return count


def _open(name: str, encoding: str) -> IO[str]:
    # newline="" lets the csv module keep a quoted cell's line breaks inside it.
    return open(name, encoding=encoding, newline="")


def _records(
    name: str, handle: IO[str], delimiter: str | None, encoding: str
) -> Iterator[tuple[int, InvoiceRequest | list[Problem]]]:
    """Each data row's line, and its request or its problems; the header's problems raise at once."""
    try:
        header_line = handle.readline()
        handle.seek(0)
        if delimiter is None:
            delimiter = ";" if ";" in header_line and "," not in header_line else ","
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        try:
            header = next(reader, None)
        except csv.Error as error:
            raise InvoiceCSVError(name, [(1, None, f"unreadable header: {error}")]) from None
        columns = _columns(name, header)
        while True:
            # A record may span lines (a quoted cell with a line break): report the line it starts on.
            line = reader.line_num + 1
            try:
                row = next(reader, None)
            except csv.Error as error:
                yield line, [(line, None, f"unreadable row: {error}")]
                return
            if row is None:
                return
            if any(cell.strip() for cell in row):
                yield line, _row(columns, row, line)
    except UnicodeDecodeError as error:
        raise InvoiceCSVError(name, [(None, None, f"is not {encoding} text ({error.reason})")]) from None


def _columns(name: str, header: list[str] | None) -> list[str]:
    if header is None or not any(cell.strip() for cell in header):
        problem = f"the file is empty; the first line must name the columns: {describe_columns()}"
        raise InvoiceCSVError(name, [(1, None, problem)])
    named = [cell.strip() for cell in header]
    columns = [_COLUMN_BY_HEADER.get(cell, _COLUMN_BY_HEADER.get(cell.lower(), cell.lower())) for cell in named]
    problems: list[Problem] = [
        (1, column, f"unknown column (known: {describe_columns()})")
        for column in sorted({column for column in columns if column not in INVOICE_CSV_COLUMNS})
    ]
    problems.extend(
        (1, column, "required column is missing") for column in REQUIRED_INVOICE_CSV_COLUMNS if column not in columns
    )
    repeated = sorted(column for column, count in collections.Counter(columns).items() if count > 1)
    problems.extend((1, column, "column appears more than once") for column in repeated)
    if problems:
        # Without the right columns every row would fail the same way: report the header alone.
        raise InvoiceCSVError(name, problems)
    return columns


def _row(columns: list[str], row: list[str], line: int) -> InvoiceRequest | list[Problem]:
    if len(row) != len(columns):
        return [(line, None, f"expected {len(columns)} fields like the header, found {len(row)}")]
    problems: list[Problem] = []
    arguments: dict[str, object] = {}
    for column, raw in zip(columns, row, strict=True):
        text = raw.strip()
        if not text:
            if column in REQUIRED_INVOICE_CSV_COLUMNS:
                problems.append((line, column, "must not be empty"))
            continue
        try:
            arguments[column] = _CONVERTER_OF[column](text)
        except _CellError as error:
            problems.append((line, column, str(error)))
    if problems:
        return problems
    try:
        return InvoiceRequest(line=line, **arguments)
    except InvalidParameterError as error:
        return [(line, error.parameter, str(error).removeprefix(f"{error.parameter}: "))]
