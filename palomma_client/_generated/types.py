"""Nothing is shared here: an absent optional field of a generated model reads as ``None``."""

__all__: list[str] = []
