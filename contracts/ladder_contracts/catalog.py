"""Every contract Ladder knows, in one registry."""

from ladder_contracts import events, inputs
from ladder_contracts.registry import ContractRegistry

REGISTRY = ContractRegistry([*events.ALL, *inputs.ALL])
