"""User settings, declared once (key, type, default, label) and stored as TOML in the
platformdirs config folder, so the CLI and the GUI read the same file.

``SHOPBUILDER_CONFIG`` points at another file (tests, portable installs). Values are
flat (str, int, bool), so the file is written here without a TOML writer library.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shopbuilder.core.errors import ValidationError
from shopbuilder.i18n import N_, _

DEFAULT_TIME_ZONE = "Asia/Shanghai"  # = core.timeutil's; zoneinfo loads only to check one

APP_NAME = "shopbuilder"
CONFIG_ENV = "SHOPBUILDER_CONFIG"
LANGUAGES = ("", "zh_CN", "en")  # "" follows the system


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Any
    label: str  # N_() marked; translate where shown
    choices: tuple[Any, ...] = ()
    minimum: int | None = None
    maximum: int | None = None


SETTINGS: tuple[Setting, ...] = (
    Setting("data_location", str, "", N_("Data location (empty: the user data folder)")),
    Setting("time_zone", str, DEFAULT_TIME_ZONE, N_("Default time zone")),
    Setting("language", str, "", N_("Language (empty: follow the system)"), choices=LANGUAGES),
    Setting("poster_font", str, "", N_("Poster font file (empty: built-in CJK font)")),
    Setting("image_quality", int, 85, N_("JPEG image quality"), minimum=40, maximum=100),
)
BY_KEY = {s.key: s for s in SETTINGS}


def config_path() -> Path:
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "settings.toml"


def check(key: str, value: Any) -> Any:
    """The value converted to the setting's type; ValidationError naming the key if bad."""
    setting = BY_KEY.get(key)
    if setting is None:
        raise ValidationError(key, _("unknown setting"))
    if setting.type is int:
        try:
            value = int(value)
        except (TypeError, ValueError):
            raise ValidationError(key, _("must be a whole number")) from None
        if setting.minimum is not None and value < setting.minimum:
            raise ValidationError(key, _("must be at least {n}").format(n=setting.minimum))
        if setting.maximum is not None and value > setting.maximum:
            raise ValidationError(key, _("must be at most {n}").format(n=setting.maximum))
    elif setting.type is bool:
        value = value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
    else:
        value = "" if value is None else str(value)
    if setting.choices and value not in setting.choices:
        raise ValidationError(key, _("must be one of {choices}").format(
            choices=", ".join(repr(c) for c in setting.choices)))
    if key == "time_zone" and not _valid_zone(value):
        raise ValidationError(key, _("unknown time zone {tz!r}").format(tz=value))
    return value


def _valid_zone(name: str) -> bool:
    from shopbuilder.core.timeutil import is_valid_time_zone

    return is_valid_time_zone(name)


def load(path: Path | None = None) -> dict[str, Any]:
    """Every setting: the stored value when valid, else the default (a bad file never
    stops the app)."""
    path = path or config_path()
    stored: dict[str, Any] = {}
    if path.is_file():
        import tomllib

        try:
            stored = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):  # TOMLDecodeError is a ValueError
            stored = {}
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        try:
            values[setting.key] = (check(setting.key, stored[setting.key])
                                   if setting.key in stored else setting.default)
        except ValidationError:
            values[setting.key] = setting.default
    return values


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    escaped = (str(value).replace("\\", "\\\\").replace('"', '\\"')
               .replace("\n", "\\n").replace("\t", "\\t"))
    return f'"{escaped}"'


def dumps(values: dict[str, Any]) -> str:
    lines = ["# shopbuilder settings (shared by the app and the command line)"]
    lines += [f"{s.key} = {_toml_value(values.get(s.key, s.default))}" for s in SETTINGS]
    return "\n".join(lines) + "\n"


def save(values: dict[str, Any], path: Path | None = None) -> None:
    """Validate every value, then write the file atomically."""
    path = path or config_path()
    clean = {s.key: check(s.key, values.get(s.key, s.default)) for s in SETTINGS}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(dumps(clean), encoding="utf-8")
    os.replace(tmp, path)


def get(key: str) -> Any:
    return load()[key]


def set_value(key: str, value: Any, path: Path | None = None) -> None:
    values = load(path)
    values[key] = check(key, value)
    save(values, path)


def preferred_language(explicit: str | None = None) -> str | None:
    """--lang, then SHOPBUILDER_LANG, then the *language* setting; None: the system's."""
    return explicit or os.environ.get("SHOPBUILDER_LANG") or load()["language"] or None
