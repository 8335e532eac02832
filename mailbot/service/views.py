"""What services hand to the command line and the review pages: frozen views of the data.

A view is a frozen dataclass whose fields are named and ordered as the JSON that
``--json`` prints; ``as_json()`` gives that JSON (nested views and tuples included), so
the field list is written once, in the class.
"""

from __future__ import annotations

from dataclasses import Field, fields
from typing import Any, ClassVar


class JsonView:
    """Mixed into a view dataclass: ``as_json()`` is its fields in order, as JSON values."""

    __slots__ = ()
    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]

    def as_json(self) -> dict[str, Any]:
        """The fields, in order; nested views as their JSON, tuples as lists."""
        return {field.name: _plain(getattr(self, field.name)) for field in fields(self)}


def _plain(value: Any) -> Any:
    if isinstance(value, JsonView):
        return value.as_json()
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value
