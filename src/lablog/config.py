"""The user's config file: read with tomllib, written with tomli-w."""

import os
import tomllib
from pathlib import Path

from lablog.errors import LablogError

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
        raise LablogError(f"The config file {path} is not valid TOML ({e}); fix or remove it") from e


def save(values: dict) -> Path:
    import tomli_w

    from lablog import files

    path = config_path()
    files.private_dirs(path.parent)
    files.write_text(path, tomli_w.dumps(values), force=True)
    return path
