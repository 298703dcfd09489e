"""Base classes for pipelint's small data classes.

``@dataclass`` writes each class's ``__init__``, ``__repr__`` and ``__eq__`` as source text and
compiles it when the module is imported: about 0.3 ms a class. A cold run of one template
defines some forty of them, which was a tenth of its time. pipelint's data classes therefore
spell out ``__slots__`` and ``__init__`` and inherit ``repr`` and equality from these bases,
which read the field names from ``__slots__``.

* :class:`Record`: compared by identity (like ``@dataclass(eq=False)``);
* :class:`ValueRecord`: equal when all fields are equal, not hashable (like ``@dataclass``);
* :class:`FrozenRecord`: equal and hashed by its fields (like ``@dataclass(frozen=True)``,
  without enforcing immutability).
"""

from __future__ import annotations

from typing import Any


class Record:
    """A data class with a readable ``repr``; its fields are its ``__slots__``."""

    __slots__ = ()

    def _field_names(self) -> tuple[str, ...]:
        return _fields(type(self))

    def _field_values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._field_names())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._field_names())
        return f"{type(self).__name__}({fields})"


_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(cls: type) -> tuple[str, ...]:
    """The ``__slots__`` of a class and its bases, base classes' first (worked out once)."""
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(name for klass in reversed(cls.__mro__) for name in klass.__dict__.get("__slots__", ())
                                     if name != "__weakref__")
    return names


class ValueRecord(Record):
    """A :class:`Record` equal to another of the same class with equal fields."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._field_values() == other._field_values()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]


class FrozenRecord(ValueRecord):
    """A :class:`ValueRecord` that can be a dict key or set member (its fields must not change)."""

    __slots__ = ()

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(self._field_values())
