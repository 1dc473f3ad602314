"""Bearer tokens for the receiver, per shop or for the whole workspace.

The token file has one grant per line, ``SCOPE TOKEN`` where SCOPE is a shop id or
``*`` (every shop). TOKEN may be written as ``sha256:<hex>`` so the file need not hold
the secret itself. Blank lines and ``#`` comments are ignored. Tokens are compared in
constant time and never logged.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from pathlib import Path

from shopbuilder.core.errors import ShopBuilderError
from shopbuilder.i18n import _
from shopbuilder.publish.protocol import SLUG_RE, TOKEN_RE

ALL_SHOPS = "*"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class TokenTable:
    """Grants as (scope, token SHA-256); only digests are kept in memory."""

    grants: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def from_file(cls, path: Path) -> TokenTable:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ShopBuilderError(_("cannot read the token file {path}: {error}").format(
                path=path, error=exc.strerror)) from exc
        table = cls()
        for number, line in enumerate(text.splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split()
            if len(parts) != 2 or not (parts[0] == ALL_SHOPS or SLUG_RE.match(parts[0])):
                raise ShopBuilderError(_(
                    "{path} line {n}: write a grant as 'SHOP TOKEN' or '* TOKEN'"
                ).format(path=path, n=number))
            if not TOKEN_RE.fullmatch(parts[1]):  # no client could ever send it
                raise ShopBuilderError(_(
                    "{path} line {n}: the token may contain only printable ASCII characters"
                ).format(path=path, n=number))
            table.add(parts[0], parts[1])
        return table

    def add(self, scope: str, token: str) -> None:
        digest = token.removeprefix("sha256:") if token.startswith("sha256:") \
            else token_digest(token)
        self.grants.append((scope, digest.lower()))

    def scopes_for(self, token: str) -> set[str]:
        """Shops this token may publish to (``*`` for all); empty for a bad token."""
        digest = token_digest(token)
        return {scope for scope, known in self.grants if hmac.compare_digest(digest, known)}

    def known_shop(self, slug: str) -> bool:
        return any(scope in (ALL_SHOPS, slug) for scope, _digest in self.grants)

    def __bool__(self) -> bool:
        return bool(self.grants)


def bearer_token(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _sep, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()
