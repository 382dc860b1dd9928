"""Settings come from the environment; production refuses to start without its secrets."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from config.settings import ConfigError, get_config


def _production(env: dict[str, str], code: str = "create_app('production')") -> subprocess.CompletedProcess:
    """Start the production app in a fresh interpreter (settings are read from the environment at import)."""
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "REMENTOR_CONFIG"}}
    script = f"from lti_app import create_app\napp = {code}\nprint(app.config['CACHE_TYPE'], app.config['SESSION_COOKIE_SAMESITE'], " \
             "app.config['SESSION_COOKIE_SECURE'], app.config['SESSION_COOKIE_PARTITIONED'], app.config['DEMO_ENABLED'])"
    return subprocess.run([sys.executable, "-c", script], env={**clean, **env}, capture_output=True, text=True)


FULL = {"SECRET_KEY": "s3cret", "DATABASE_URL": "sqlite://", "REDIS_URL": "redis://127.0.0.1:6379/0"}


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "REDIS_URL"])
def test_production_refuses_to_start_without_each_required_setting_and_says_what_to_set(missing):
    started = _production({k: v for k, v in FULL.items() if k != missing})
    assert started.returncode != 0
    assert "ConfigError" in started.stderr and missing in started.stderr


def test_production_without_redis_names_the_shared_launch_storage_it_needs():
    started = _production({"SECRET_KEY": "s3cret", "DATABASE_URL": "sqlite://"})
    assert "launch storage every worker process shares" in started.stderr


def test_production_refuses_a_per_process_cache_even_when_given_as_an_override():
    started = _production(FULL, "create_app('production', {'CACHE_TYPE': 'SimpleCache'})")
    assert started.returncode != 0 and "per-process cache" in started.stderr and "REDIS_URL" in started.stderr


def test_production_starts_with_all_three_on_redis_and_keeps_cookies_iframe_ready():
    started = _production(FULL)
    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["RedisCache", "None", "True", "True", "False"]


def test_an_unknown_configuration_name_is_refused():
    with pytest.raises(ConfigError, match="Unknown configuration"):
        get_config("staging")


def _development_setting(name: str, env: dict[str, str]) -> str:
    """Read a Development setting in a fresh interpreter (settings are read from the environment at import)."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    code = f"from config.settings import get_config; print(get_config('development').{name})"
    return subprocess.run([sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True, check=True).stdout.strip()


def test_the_embedded_default_is_sqlite_under_instance_and_an_in_process_cache():
    assert _development_setting("SQLALCHEMY_DATABASE_URI", {}).endswith("/instance/rementor.sqlite")
    assert _development_setting("CACHE_TYPE", {}) == "SimpleCache"


def test_redis_url_switches_the_cache_to_redis():
    assert _development_setting("CACHE_TYPE", {"REDIS_URL": "redis://127.0.0.1:6379/0"}) == "RedisCache"
