"""Ladder's published and consumed event contracts.

Every event travels as a CloudEvents 1.0 envelope (structured JSON mode of the
Kafka protocol binding) whose ``data`` is one of the versioned models here.
"""

from ladder_contracts.envelope import CloudEvent, EventData, TraceContext
from ladder_contracts.catalog import REGISTRY
from ladder_contracts.registry import ContractError, ContractRegistry, UnknownEventType

__all__ = [
    "CloudEvent",
    "ContractError",
    "ContractRegistry",
    "EventData",
    "REGISTRY",
    "TraceContext",
    "UnknownEventType",
]
