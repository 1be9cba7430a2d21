"""List the operations of the generated client (a placeholder for the full demo)."""

from __future__ import annotations

import importlib
import pkgutil

import palomma_client
from palomma_client._generated import api


def main() -> None:
    print(f"palomma-client {palomma_client.__version__} for Palomma Rentals API {palomma_client.API_VERSION}")
    for tag in pkgutil.iter_modules(api.__path__):
        package = importlib.import_module(f"{api.__name__}.{tag.name}")
        for operation in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{operation.name}")
            summary = (module.asyncio_detailed.__doc__ or "").strip().splitlines()[0]
            print(f"  {tag.name}.{operation.name:<16} {summary}")


if __name__ == "__main__":
    main()
