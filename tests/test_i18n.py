"""The language lablog speaks: the catalogs are complete, and each command picks its own."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from lablog import i18n

ROOT = Path(__file__).resolve().parent.parent


def _catalog_tool():
    spec = importlib.util.spec_from_file_location("catalog", ROOT / "tools" / "catalog.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_message_has_a_danish_translation_and_the_compiled_catalog_is_current():
    problems = _catalog_tool().problems("da")
    assert not problems, "\n".join(problems[:40]) + f"\n({len(problems)} problems; see tools/catalog.py)"


def test_placeholders_are_compared_by_name():
    tool = _catalog_tool()
    assert tool.placeholders("{n} items in {lab}") == ["{lab}", "{n}"]
    assert tool.placeholders("%(num)d items, 100%%") == ["%(num)d"]


@pytest.mark.parametrize(
    ("env", "config", "expected"),
    [
        ({}, None, "en"),
        ({"LANG": "da_DK.UTF-8"}, None, "da"),
        ({"LANG": "da_DK.UTF-8", "LC_ALL": "C"}, None, "en"),
        ({"LC_MESSAGES": "da_DK.UTF-8", "LANG": "C.UTF-8"}, None, "da"),
        ({"LANG": "C"}, "da", "da"),
        ({"LANG": "da_DK.UTF-8"}, "en", "en"),
        ({"LABLOG_LANG": "da", "LANG": "C"}, "en", "da"),
        ({"LABLOG_LANG": "en", "LANG": "da_DK.UTF-8"}, "da", "en"),
    ],
)
def test_the_language_comes_from_lablog_lang_then_the_config_then_the_locale(
    monkeypatch, tmp_path, env, config, expected
):
    for name in ("LABLOG_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("LABLOG_CONFIG_DIR", str(tmp_path))
    if config:
        (tmp_path / "config.toml").write_text(f'lang = "{config}"\n', encoding="utf-8")
    assert i18n.choose() == expected


def test_plural_forms_count_whole_things():
    with i18n.speaking("en"):
        assert i18n.ngettext("{n} item", "{n} items", 1) == "{n} item"
        assert i18n.ngettext("{n} item", "{n} items", 2.5) == "{n} items"


def test_help_and_usage_errors_in_danish_then_english_again(cli, monkeypatch):
    monkeypatch.setenv("LABLOG_LANG", "da")
    out = cli("lab", "list", "--help").stdout
    assert "Tilvalg:" in out and "Vis denne hjælp og afslut." in out
    refused = cli("lab", "list", "--bogus", ok=False)
    assert refused.exit_code == 2
    assert refused.stderr.startswith("Fejl: Ukendt tilvalg: --bogus (se `lablog lab list --help`)")
    # The same command tree, back in English: nothing Danish stays behind.
    monkeypatch.setenv("LABLOG_LANG", "en")
    out = cli("lab", "list", "--help").stdout
    assert "Options:" in out and "Show this message and exit." in out and "Tilvalg" not in out
