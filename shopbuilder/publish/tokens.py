"""Target tokens in the OS keyring (via `keyring`), never in the DB, settings or logs.

With no usable keyring (a headless Linux box without Secret Service, or a backend
that would write plaintext) we refuse with a clear message instead of quietly
storing the secret somewhere readable.
"""

from __future__ import annotations

from typing import Any

import keyring
import keyring.errors
from keyring.backends import fail

from shopbuilder.core.errors import ShopBuilderError
from shopbuilder.i18n import _
from shopbuilder.publish.protocol import TOKEN_RE

SERVICE = "shopbuilder-publish"


class KeyringUnavailable(ShopBuilderError):
    """No OS keyring to keep a token in."""


def _account(target: str, url: str) -> str:
    # The URL is part of the account so a re-pointed target never sends an old token
    # to a new server.
    return f"{target} {url}"


def _is_unsafe(backend: Any) -> bool:
    name = f"{type(backend).__module__}.{type(backend).__name__}".lower()
    if isinstance(backend, fail.Keyring) or "plaintext" in name or ".null." in name:
        return True
    chained = getattr(backend, "backends", None)
    return chained is not None and not chained


def _backend() -> Any:
    backend = keyring.get_keyring()
    if _is_unsafe(backend):
        raise KeyringUnavailable(_(
            "no secure keyring is available to store the target's token (found {backend}); "
            "install and unlock your system's keyring (Windows Credential Manager, macOS "
            "Keychain, or GNOME Keyring/KWallet on Linux) and try again"
        ).format(backend=type(backend).__name__))
    return backend


def check_token(token: str) -> str:
    """The token without surrounding blanks, refused when it could not be sent (a pasted
    token often brings a typographic dash or a line break). Never quotes the secret."""
    token = token.strip()
    if not token:
        raise ShopBuilderError(_("the token is empty"))
    if not TOKEN_RE.fullmatch(token):
        bad = next(i for i, ch in enumerate(token, 1) if not TOKEN_RE.fullmatch(ch))
        raise ShopBuilderError(_(
            "the token may contain only printable ASCII characters (letters, digits and "
            "punctuation, no spaces); character {n} is not one: copy the token again "
            "from where it was issued").format(n=bad))
    return token


def store_token(target: str, url: str, token: str) -> None:
    token = check_token(token)
    try:
        _backend().set_password(SERVICE, _account(target, url), token)
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(_("the keyring refused to store the token: {error}")
                                 .format(error=type(exc).__name__)) from exc


def load_token(target: str, url: str) -> str:
    try:
        token = _backend().get_password(SERVICE, _account(target, url))
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(_("the keyring could not be read: {error}")
                                 .format(error=type(exc).__name__)) from exc
    if not token:
        raise ShopBuilderError(_(
            "no token stored for target {target}; run 'shopbuilder target add {target} "
            "--url {url}' again to enter it").format(target=target, url=url))
    if not TOKEN_RE.fullmatch(token):  # stored before tokens were checked
        raise ShopBuilderError(_(
            "the token stored for target {target} has characters that cannot be sent; run "
            "'shopbuilder target add {target} --url {url}' again to enter it").format(
                target=target, url=url))
    return token


def delete_token(target: str, url: str) -> None:
    try:
        _backend().delete_password(SERVICE, _account(target, url))
    except keyring.errors.PasswordDeleteError:
        pass
    except KeyringUnavailable:
        pass
