"""Every operation of the spec, and the resources a client carries: one per tag."""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import ClassVar

from palomma_client._request import Requester
from palomma_client._resource import APIResource

from . import invoices, settlements
from .invoices import InvoicesResource
from .settlements import SettlementsResource

__all__ = ["METHODS", "OPERATIONS", "GeneratedResources", "InvoicesResource", "SettlementsResource"]

OPERATIONS: dict[str, ModuleType] = {
    "listInvoices": invoices.list_invoices,
    "createInvoice": invoices.create_invoice,
    "getInvoice": invoices.get_invoice,
    "getSettlement": settlements.get_settlement,
}
"""Each operationId's module, with its ``build_request`` and ``parse_response``."""

METHODS: dict[str, tuple[str, str]] = {
    "listInvoices": ("invoices", "list"),
    "createInvoice": ("invoices", "create"),
    "getInvoice": ("invoices", "get"),
    "getSettlement": ("settlements", "get"),
}
"""Each operationId's resource and method on a client: ``("invoices", "create")`` is ``palomma.invoices.create``."""


class GeneratedResources:
    """The resources of a client, one attribute per tag of the spec."""

    invoices: InvoicesResource
    """Create, retrieve, and list invoices."""
    settlements: SettlementsResource
    """Retrieve settlements by date and cycle."""

    RESOURCE_CLASSES: ClassVar[Mapping[str, type[APIResource]]] = {
        "invoices": InvoicesResource,
        "settlements": SettlementsResource,
    }
    """The class of each resource attribute; a client may name subclasses of these instead."""

    def _bind_resources(self, requester: Requester) -> None:
        for attribute, resource_class in self.RESOURCE_CLASSES.items():
            setattr(self, attribute, resource_class(requester))
