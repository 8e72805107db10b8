"""The user's config file: read with tomllib, written with tomli-w."""

import os
import tomllib
from pathlib import Path

from lablog.errors import LablogError
from lablog.i18n import N_, _

APP = "lablog"


def config_dir() -> Path:
    if env := os.environ.get("LABLOG_CONFIG_DIR"):
        return Path(env)
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP))


def data_dir() -> Path:
    if env := os.environ.get("LABLOG_DATA_DIR"):
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP))


def config_path() -> Path:
    return config_dir() / "config.toml"


def load() -> dict:
    """The config file as a dict; {} when there is none."""
    path = config_path()
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as e:
        raise LablogError(
            _("The config file {path} is not valid TOML ({error}); fix or remove it").format(
                path=path, error=e
            )
        ) from e


def save(values: dict) -> Path:
    import tomli_w

    from lablog import files

    path = config_path()
    files.private_dirs(path.parent)
    files.write_text(path, tomli_w.dumps(values), force=True)
    return path


# The keys a user may set, each with what it means (shown translated: _(KEYS[key]))
# and a check of its value.
KEYS: dict[str, str] = {
    "db": N_("the store: a SQLite path or a database URL (LABLOG_DB and --db come first)"),
    "user": N_("who changes are recorded as: a person's handle (LABLOG_USER and --as come first)"),
    "lab": N_("the lab commands use when LAB is left out (LABLOG_LAB comes first)"),
    "lang": N_("the language of messages and reports: en or da"),
    "week_start": N_("the day `sprint plan` starts a sprint on by default: monday … sunday"),
    "honorarium_rate": N_("kroner per hour in `report honorarium` (its --rate comes first)"),
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def check_key(key: str) -> None:
    if key not in KEYS:
        import difflib

        close = difflib.get_close_matches(key, KEYS, n=1)
        keys = ", ".join(KEYS)
        if close:
            raise LablogError(
                _("No config key {key!r} (did you mean {close}?); the keys are {keys}").format(
                    key=key, close=close[0], keys=keys
                )
            )
        raise LablogError(_("No config key {key!r}; the keys are {keys}").format(key=key, keys=keys))


def check(key: str, value: str) -> str | float:
    """The value as the config file keeps it; raises LablogError saying what is allowed."""
    import re

    check_key(key)
    value = value.strip()
    if not value or not value.isprintable():
        raise LablogError(_("Give {key} a value: {meaning}").format(key=key, meaning=_(KEYS[key])))
    if key == "lab":
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]{0,9}", value):
            raise LablogError(
                _("{value!r} is not a lab code; use 1-10 letters and digits, a letter first").format(
                    value=value
                )
            )
        return value.upper()
    if key == "lang" and value.lower() not in ("en", "da"):
        raise LablogError(_("lang must be en or da, not {value!r}").format(value=value))
    if key == "week_start" and value.lower() not in WEEKDAYS:
        raise LablogError(
            _("week_start must be a weekday in English (monday … sunday), not {value!r}").format(value=value)
        )
    if key == "honorarium_rate":
        try:
            rate = float(value.replace(",", "."))
        except ValueError:
            rate = -1.0
        if not 0 <= rate < 100_000:
            raise LablogError(
                _("honorarium_rate must be kroner per hour, e.g. 650 or 712,50, not {value!r}").format(
                    value=value
                )
            )
        return rate
    return value.lower() if key in ("lang", "week_start") else value


def default_lab() -> str | None:
    """The lab a command uses when LAB is left out: LABLOG_LAB, else the config file's `lab`."""
    value = str(os.environ.get("LABLOG_LAB") or load().get("lab") or "").strip()
    return value.upper() or None


def week_start() -> int:
    """The weekday (Monday 0) sprints start on by default: the config's `week_start`, else Monday."""
    value = str(load().get("week_start", "monday")).lower()
    return WEEKDAYS.index(value) if value in WEEKDAYS else 0
