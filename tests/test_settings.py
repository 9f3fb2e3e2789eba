"""The settings table: layering, types, and that every setting is documented."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from budgetkg.settings import (
    SETTINGS,
    SettingsError,
    default_data_dir,
    load_settings,
    settings_markdown,
)

DOCS = Path(__file__).resolve().parent.parent / "docs" / "service.md"


def test_defaults_are_safe_and_typed():
    s = load_settings(environ={})
    assert s.host == "127.0.0.1"
    assert s.port == 5000
    assert s.query_timeout == 30.0 and isinstance(s.query_timeout, float)
    assert s.max_rows == 10000
    assert s.max_request_bytes == 1024 * 1024
    assert isinstance(s.data_dir, Path)


def test_data_dir_follows_xdg(tmp_path):
    assert default_data_dir({"XDG_DATA_HOME": str(tmp_path)}) == tmp_path / "budgetkg"
    # A relative XDG_DATA_HOME is invalid per the spec and ignored.
    assert default_data_dir({"XDG_DATA_HOME": "rel"}) == Path.home() / ".local" / "share" / "budgetkg"
    assert load_settings(environ={"XDG_DATA_HOME": str(tmp_path)}).data_dir == tmp_path / "budgetkg"


def test_layers_file_then_environment_then_overrides(tmp_path):
    config = tmp_path / "budgetkg.toml"
    config.write_text('port = 6000\nmax_rows = 50\nhost = "0.0.0.0"\n', encoding="utf-8")
    env = {"BUDGETKG_PORT": "7000", "BUDGETKG_QUERY_TIMEOUT": "2.5"}
    s = load_settings({"port": 8000}, config_file=config, environ=env)
    assert s.port == 8000  # override beats environment
    assert s.query_timeout == 2.5  # environment beats default
    assert s.max_rows == 50 and s.host == "0.0.0.0"  # file beats default
    assert load_settings(config_file=config, environ=env).port == 7000  # env beats file
    # None means "flag not given": the lower layers stay.
    assert load_settings({"port": None}, config_file=config, environ={}).port == 6000


def test_config_file_from_environment_and_budgetkg_table(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text("[budgetkg]\nworkers = 3\n", encoding="utf-8")
    assert load_settings(environ={"BUDGETKG_CONFIG": str(config)}).workers == 3


@pytest.mark.parametrize(
    ("layer", "message"),
    [
        ({"BUDGETKG_PORT": "http"}, "BUDGETKG_PORT: port must be int"),
        ({"BUDGETKG_PORT": "70000"}, "TCP port"),
        ({"BUDGETKG_MAX_ROWS": "0"}, "positive"),
        ({"BUDGETKG_BASE_IRI": "no-scheme/"}, "absolute IRI"),
        ({"BUDGETKG_QUERY_TIMEOUT": "-1"}, "positive"),
    ],
)
def test_bad_environment_values_name_the_variable(layer, message):
    with pytest.raises(SettingsError, match=message):
        load_settings(environ=layer)


def test_unknown_keys_and_bad_toml_are_errors(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("prot = 1\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="unknown setting 'prot'"):
        load_settings(config_file=bad, environ={})
    broken = tmp_path / "broken.toml"
    broken.write_text("port = = 1\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="invalid TOML"):
        load_settings(config_file=broken, environ={})
    with pytest.raises(SettingsError, match="unknown setting"):
        load_settings({"nope": 1}, environ={})


def test_base_iri_default_matches_the_loader():
    from budgetkg.loader.iris import DEFAULT_BASE

    assert load_settings(environ={}).base_iri == DEFAULT_BASE


def test_every_setting_has_help_and_a_serve_flag():
    from budgetkg.cli import main

    result = CliRunner().invoke(main, ["serve", "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    help_text = " ".join(result.output.split())
    assert len(SETTINGS) >= 12
    for s in SETTINGS:
        assert len(s.help) > 15, f"{s.name} has no real help text"
        if s.secret:  # passwords have no flag (shell history, `ps`): environment or file only
            assert s.option not in help_text, s.name
            continue
        assert s.option in help_text, s.name
        assert s.env_var in help_text, s.name
        # click wraps lines; compare the first words of the help
        assert " ".join(s.help.split()[:4]) in help_text, s.name
    assert "--config" in help_text


def test_docs_list_every_setting():
    text = DOCS.read_text(encoding="utf-8")
    assert settings_markdown() in text, "regenerate the table in docs/service.md from settings_markdown()"
    for s in SETTINGS:
        assert f"`{s.name}`" in text
