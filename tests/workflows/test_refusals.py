"""A refusal another process writes (the CLI's exit 2, a traceback) is read back whole, for the skip hook's reason."""

from __future__ import annotations

import traceback

from palomma_client import FeatureUnavailableError
from tests.testing.support import take_noted, unavailable_reason
from tests.workflows.support import CLI_ERROR, TRACEBACK_ERROR, note_refusal

REFUSAL = FeatureUnavailableError(
    "palomma invoices create-batch", ["the field `reference` of `Invoice`", "the operation `listInvoices`"]
)


def test_the_clis_refusal_is_read_back_and_noted_as_it_was_raised() -> None:
    stderr = f"Reading rent.csv\n{CLI_ERROR}{REFUSAL}\n"

    rebuilt = note_refusal(stderr, CLI_ERROR)

    assert rebuilt is not None
    assert (rebuilt.feature, str(rebuilt)) == (REFUSAL.feature, str(REFUSAL))
    assert take_noted() == [rebuilt]
    assert unavailable_reason(rebuilt) == (
        "palomma invoices create-batch needs what the spec no longer has: "
        "the field `reference` of `Invoice` and the operation `listInvoices`"
    )


def test_a_refusal_a_program_died_of_is_read_from_its_traceback() -> None:
    try:
        raise REFUSAL
    except FeatureUnavailableError as error:
        # What the interpreter writes to stderr for an exception nothing caught.
        stderr = "".join(traceback.format_exception(error))

    rebuilt = note_refusal(stderr, TRACEBACK_ERROR)

    assert rebuilt is not None
    assert str(rebuilt) == str(REFUSAL)
    take_noted()


def test_output_without_a_refusal_after_the_prefix_notes_nothing() -> None:
    assert note_refusal(f"{TRACEBACK_ERROR}{REFUSAL}\n", CLI_ERROR) is None
    assert note_refusal(f"{CLI_ERROR}invalid value for '--concurrency'\n", CLI_ERROR) is None
    assert take_noted() == []
