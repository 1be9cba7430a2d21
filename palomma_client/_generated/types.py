"""Types shared by the generated models."""

from typing import Literal


class Unset:
    """The type of ``UNSET``: a field the JSON object did not have, which differs from ``null``."""

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Unset = Unset()

__all__ = ["UNSET", "Unset"]
