"""ReMentor: reverse mentoring programmes inside the LMS, as an LTI 1.3 tool."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config.settings import INSTANCE_DIR, ConfigError, get_config
from lti_app import logs
from lti_app.extensions import cache, csrf, db, mail, migrate

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent
PER_PROCESS_CACHES = frozenset({"SimpleCache", "NullCache", "simple", "null", "FileSystemCache", "filesystem"})


def create_app(config_name: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the application: settings, extensions, blueprints, error pages and CLI."""
    app = Flask(__name__, instance_path=str(INSTANCE_DIR), template_folder=str(bundled("templates")), static_folder="static")
    app.config.from_object(get_config(config_name))
    app.config.update(overrides or {})
    _refuse_a_per_process_cache(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.testing:
        logs.configure(app.config["LOG_LEVEL"], app.config["LOG_FORMAT"])

    if app.config["PROXY_FIX_HOPS"]:
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)  # type: ignore[method-assign]

    db.init_app(app)
    migrate.init_app(app, db, directory=str(bundled("migrations")), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    cache.init_app(app)
    mail.init_app(app)

    from lti_app.i18n import init_i18n

    init_i18n(app)

    from lti_app import models  # noqa: F401  (register every table with the metadata)
    from lti_app.web import register_web

    register_web(app)

    from lti_app.cli import register_cli

    register_cli(app)
    return app


def bundled(name: str) -> Path:
    """``templates`` or ``migrations``: inside the installed package (a wheel, see setup.py), else at the checkout's top."""
    inside = PACKAGE_DIR / name
    return inside if inside.is_dir() else ROOT / name


def _refuse_a_per_process_cache(app: Flask) -> None:
    """Production keeps launch state in the cache: an in-process one breaks launches as soon as two processes run."""
    if app.config.get("SHARED_CACHE_REQUIRED") and app.config["CACHE_TYPE"] in PER_PROCESS_CACHES:
        raise ConfigError(
            f"Production cannot keep launch state in a per-process cache ({app.config['CACHE_TYPE']}): "
            "set REDIS_URL so that every worker process shares one cache."
        )
