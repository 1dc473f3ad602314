"""Typed errors: what a user did wrong, said so a marketer understands it.

Anything that is not a `ShopBuilderError` is a bug.
"""

from __future__ import annotations

from dataclasses import dataclass


class ShopBuilderError(Exception):
    """An expected failure with a message fit for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Issue:
    """One problem with one field: `path` like ``skus[2].price``."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ValidationError(ShopBuilderError):
    """Input that breaks a rule. Carries every issue found, first one first."""

    def __init__(self, path: str | list[Issue], message: str = "") -> None:
        issues = path if isinstance(path, list) else [Issue(path, message)]
        if not issues:
            raise ValueError("ValidationError needs at least one issue")
        self.issues: list[Issue] = issues
        self.path = issues[0].path
        super().__init__("; ".join(str(i) for i in issues))

    def prefixed(self, prefix: str) -> ValidationError:
        """The same issues under a parent path (``skus[1]`` + ``price``)."""
        def join(p: str) -> str:
            if not p:
                return prefix
            return f"{prefix}{p}" if p.startswith("[") else f"{prefix}.{p}"
        return ValidationError([Issue(join(i.path), i.message) for i in self.issues])


class NotFoundError(ShopBuilderError):
    """A shop, product or other row that does not exist (or no longer does)."""


class ConflictError(ShopBuilderError):
    """The row changed since it was read (optimistic locking), or a unique key is taken."""


class Collector:
    """Gathers issues so a service can report all of them at once."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def add(self, path: str, message: str) -> None:
        self.issues.append(Issue(path, message))

    def extend(self, error: ValidationError, prefix: str = "") -> None:
        self.issues.extend((error.prefixed(prefix) if prefix else error).issues)

    def raise_if_any(self) -> None:
        if self.issues:
            raise ValidationError(list(self.issues))

    def __bool__(self) -> bool:
        return bool(self.issues)
