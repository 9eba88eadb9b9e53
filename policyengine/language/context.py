"""The request context a policy is evaluated against (service-agnostic)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .principals import Caller


@dataclass(slots=True)
class RequestContext:
    """One authorisation question: may ``caller`` perform ``action`` on ``resource``?

    ``keys`` maps lower-cased condition-key names to values: ``str``, ``bool``, ``int``, or a
    list of strings for multivalued keys. A key that is not in the map is absent.
    """

    caller: Caller
    action: str
    resource: str
    keys: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.keys.get(key.lower(), default)
