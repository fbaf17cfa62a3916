"""Reading settings from the environment, failing loudly and by name.

Every secret may also be given as ``NAME_FILE`` (a path whose content is the value), the way
container platforms mount secrets.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


class SettingError(ImproperlyConfigured):
    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"Setting {name}: {problem}")


def _raw(name: str) -> str | None:
    file_name = f"{name}_FILE"
    path = os.environ.get(file_name)
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SettingError(file_name, f"cannot read {path!r} ({exc.strerror})") from exc
    value = os.environ.get(name)
    return value if value not in (None, "") else None


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str:
    value = _raw(name)
    if value is None:
        if required or default is None:
            raise SettingError(name, f"is required; set {name} or {name}_FILE")
        return default
    return value


def env_optional(name: str) -> str | None:
    return _raw(name)


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingError(name, f"must be true or false, not {value!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise SettingError(name, f"must be a whole number, not {value!r}") from exc
    if number < minimum:
        raise SettingError(name, f"must be at least {minimum}, not {number}")
    return number


def env_fraction(name: str, default: float) -> float:
    """A number strictly between 0 and 1 (a probability)."""
    value = _raw(name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError as exc:
        raise SettingError(name, f"must be a number such as 0.95, not {value!r}") from exc
    if not 0 < number < 1:
        raise SettingError(name, f"must be between 0 and 1, not {number}")
    return number


def env_fraction_or_auto(name: str) -> float | None:
    """A probability as ``env_fraction`` reads it, or None when unset or "auto" (chosen by the program)."""
    value = _raw(name)
    if value is None or value.strip().lower() == "auto":
        return None
    return env_fraction(name, 0.5)


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return default
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise SettingError(name, "must list at least one value, separated by commas")
    return items


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = _raw(name) or default
    if value not in choices:
        raise SettingError(name, f"must be one of {', '.join(choices)}, not {value!r}")
    return value
