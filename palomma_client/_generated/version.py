"""The package version, moved on by `make generate` as the spec changes; see CHANGELOG.md."""

__version__ = "0.1.0"
