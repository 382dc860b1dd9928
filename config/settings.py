"""Settings: one class per environment, every value read once from the environment with a default.

Pick the class with ``REMENTOR_CONFIG`` (development, testing, production); ``create_app`` does.
"""
from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# instance/ beside the code in a checkout; in an installed copy (``pip install .``) beside where it is run, never
# inside site-packages.
_DEFAULT_INSTANCE = BASE_DIR / "instance" if (BASE_DIR / "pyproject.toml").exists() else Path.cwd() / "instance"
INSTANCE_DIR = Path(os.environ.get("REMENTOR_INSTANCE_DIR", _DEFAULT_INSTANCE))


def env(name: str, default: str | None = None) -> str | None:
    """Return the environment variable ``name`` or ``default`` when unset or empty."""
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_int(name: str, default: int) -> int:
    """Return an integer setting from the environment."""
    return int(env(name, str(default)))  # type: ignore[arg-type]


def env_int_or_none(name: str) -> int | None:
    """Return an integer setting from the environment, or None when unset (the code then picks a default)."""
    value = env(name)
    return None if value is None else int(value)


def env_list(name: str, default: str = "") -> list[str]:
    """Return a comma-separated list setting, without blanks."""
    return [item.strip() for item in str(env(name, default)).split(",") if item.strip()]


def env_bool(name: str, default: bool) -> bool:
    """Return a boolean setting: 1/true/yes/on are true."""
    return str(env(name, "1" if default else "0")).lower() in {"1", "true", "yes", "on"}


class ConfigError(RuntimeError):
    """The configuration cannot run: a required setting is missing."""


class Base:
    """Settings shared by every environment."""

    SECRET_KEY = env("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'rementor.sqlite'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    REDIS_URL = env("REDIS_URL")
    # Flask-Caching: Redis when REDIS_URL is set, else an in-process cache (one process only).
    CACHE_TYPE = "RedisCache" if REDIS_URL else "SimpleCache"
    CACHE_REDIS_URL = REDIS_URL
    CACHE_KEY_PREFIX = env("CACHE_KEY_PREFIX", "rementor:")
    CACHE_DEFAULT_TIMEOUT = 300
    CACHE_THRESHOLD = env_int("CACHE_THRESHOLD", 20000)
    # Background jobs (grade sync, large matchings): an RQ queue on Redis when REDIS_URL is set, else inline.
    JOBS_ASYNC = env_bool("JOBS_ASYNC", bool(REDIS_URL))
    JOBS_QUEUE = env("JOBS_QUEUE", "rementor")
    JOBS_TIMEOUT_SECONDS = env_int("JOBS_TIMEOUT_SECONDS", 900)
    MATCHING_INLINE_LIMIT = env_int("MATCHING_INLINE_LIMIT", 1000)  # more active participants: matching runs as a job

    # Behind a TLS-terminating proxy: how many proxies set X-Forwarded-* (0 = none).
    PROXY_FIX_HOPS = env_int("PROXY_FIX_HOPS", 1)
    PREFERRED_URL_SCHEME = env("PREFERRED_URL_SCHEME", "https")
    # Our own session after a launch: it must travel in a cross-site LMS iframe.
    SESSION_COOKIE_NAME = env("SESSION_COOKIE_NAME", "rementor_session")
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_SAMESITE = "None"
    SESSION_COOKIE_PARTITIONED = True
    SESSION_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = env_int("SESSION_LIFETIME_SECONDS", 8 * 3600)
    # The operators' /admin pages have their own session cookie: SameSite=Strict, path /admin, never partitioned.
    ADMIN_SESSION_COOKIE_NAME = env("ADMIN_SESSION_COOKIE_NAME", "rementor_admin")
    WTF_CSRF_TIME_LIMIT = env_int("CSRF_TIME_LIMIT_SECONDS", 8 * 3600)
    # Our CSRF protection relies on the token, not the Referer: LMS iframes send foreign referers.
    WTF_CSRF_SSL_STRICT = False

    # LTI
    LTI_CLOCK_LEEWAY_SECONDS = env_int("LTI_CLOCK_LEEWAY_SECONDS", 20)
    LTI_HTTP_CONNECT_TIMEOUT = float(env("LTI_HTTP_CONNECT_TIMEOUT", "5"))  # type: ignore[arg-type]
    LTI_HTTP_READ_TIMEOUT = float(env("LTI_HTTP_READ_TIMEOUT", "15"))  # type: ignore[arg-type]
    LTI_KEYSET_CACHE_SECONDS = env_int("LTI_KEYSET_CACHE_SECONDS", 3600)
    LTI_KEYSET_REFETCH_INTERVAL_SECONDS = env_int("LTI_KEYSET_REFETCH_INTERVAL_SECONDS", 30)
    LTI_LAUNCH_DATA_SECONDS = env_int("LTI_LAUNCH_DATA_SECONDS", 8 * 3600)
    # A cookie-less frame's session token (platform storage launches) ends after this long unused
    LTI_FRAME_SESSION_SECONDS = env_int("LTI_FRAME_SESSION_SECONDS", 1800)
    LTI_NRPS_MAX_PAGES = env_int("LTI_NRPS_MAX_PAGES", 200)
    # An active pair with no meeting (or, never met, no meeting since it was published) for this many days is at risk
    DASHBOARD_AT_RISK_DAYS = env_int("DASHBOARD_AT_RISK_DAYS", 30)
    # Registration and deployment records cached for logins and launches; unset: 300 s in a shared cache (Redis),
    # off in the in-process one (a `flask platform deactivate` in another process could not reach its copy).
    LTI_REGISTRATION_CACHE_SECONDS = env_int_or_none("LTI_REGISTRATION_CACHE_SECONDS")
    # Host names the tool may call although they resolve to a private, loopback or otherwise non-public address, and
    # over plain HTTP (a test Moodle on a campus network): the one rule for every outbound call (registration, key
    # sets, tokens, AGS, NRPS). Exact host names, comma separated; empty by default in production.
    LTI_PRIVATE_HOSTS = env_list("LTI_PRIVATE_HOSTS")
    # Extra origins our target_link_uri may use besides the request's own (comma separated).
    LTI_EXTRA_TOOL_ORIGINS = [o.strip() for o in env("LTI_EXTRA_TOOL_ORIGINS", "").split(",") if o.strip()]  # type: ignore[union-attr]
    # Extra origins allowed to frame the tool, e.g. a Canvas institution's own domain (comma separated).
    FRAME_ANCESTORS_EXTRA = [o.strip() for o in env("FRAME_ANCESTORS_EXTRA", "").split(",") if o.strip()]  # type: ignore[union-attr]
    # Operators (the /admin pages): lock-out after repeated failed sign-ins, idle and absolute session limits.
    OPERATOR_MAX_FAILED_LOGINS = env_int("OPERATOR_MAX_FAILED_LOGINS", 5)
    OPERATOR_LOCKOUT_SECONDS = env_int("OPERATOR_LOCKOUT_SECONDS", 15 * 60)
    OPERATOR_SESSION_SECONDS = env_int("OPERATOR_SESSION_SECONDS", 30 * 60)
    OPERATOR_SESSION_MAX_SECONDS = env_int("OPERATOR_SESSION_MAX_SECONDS", 12 * 3600)
    # Sign-in attempts per client address (Flask-Limiter syntax; in memory, or in Redis when REDIS_URL is set).
    SIGN_IN_RATE_LIMIT = env("SIGN_IN_RATE_LIMIT", "10 per minute;100 per day")
    # Strict-Transport-Security max-age on HTTPS responses (0: no header).
    HSTS_SECONDS = env_int("HSTS_SECONDS", 0)
    TOOL_TITLE = env("TOOL_TITLE", "ReMentor")
    TOOL_KEY_FILE = env("TOOL_KEY_FILE", str(INSTANCE_DIR / "tool_key.pem"))
    # Dynamic registrations from these issuers are active at once, without the operator's approval (comma
    # separated, exact issuers). Never list https://canvas.instructure.com: every hosted Canvas shares it.
    REGISTRATION_AUTO_APPROVE_ISSUERS = [
        i.strip() for i in env("REGISTRATION_AUTO_APPROVE_ISSUERS", "").split(",") if i.strip()  # type: ignore[union-attr]
    ]
    # A launch from an unknown deployment of an approved platform records it as pending approval (Canvas
    # creates deployments without telling the tool); off: such launches are refused as UnknownDeployment.
    LTI_RECORD_UNKNOWN_DEPLOYMENTS = env_bool("LTI_RECORD_UNKNOWN_DEPLOYMENTS", True)
    # Grade sync (AGS): after a 5xx, a timeout or an unreachable LMS a score waits base × 2^(attempts-1) seconds,
    # at most the cap, before the next try; a queued send job is retried by RQ that many times on the same waits.
    GRADE_SYNC_BACKOFF_BASE_SECONDS = env_int("GRADE_SYNC_BACKOFF_BASE_SECONDS", 30)
    GRADE_SYNC_BACKOFF_CAP_SECONDS = env_int("GRADE_SYNC_BACKOFF_CAP_SECONDS", 3600)
    GRADE_SYNC_JOB_RETRIES = env_int("GRADE_SYNC_JOB_RETRIES", 6)
    # Scores claimed and sent together (one queued job per batch); how long a worker's claim on a batch lasts.
    GRADE_SYNC_BATCH_SIZE = env_int("GRADE_SYNC_BATCH_SIZE", 100)
    GRADE_SYNC_CLAIM_SECONDS = env_int("GRADE_SYNC_CLAIM_SECONDS", 300)

    # E-mail notices (Flask-Mailman). MAIL_DELIVERY "database" (the default) keeps every notice in the outbox table
    # only (the demo's outbox page shows them; no mail server needed); "send" sends them through MAIL_BACKEND.
    MAIL_DELIVERY = env("MAIL_DELIVERY", "database")
    MAIL_BACKEND = env("MAIL_BACKEND", "smtp")
    MAIL_SERVER = env("MAIL_SERVER", "localhost")
    MAIL_PORT = env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = env_bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = env("MAIL_USERNAME")
    MAIL_PASSWORD = env("MAIL_PASSWORD")
    MAIL_DEFAULT_SENDER = env("MAIL_DEFAULT_SENDER", "ReMentor <no-reply@localhost>")
    MAIL_TIMEOUT = env_int("MAIL_TIMEOUT_SECONDS", 10)
    # A mail the server refused or could not take waits base × 2^(attempts-1) seconds (at most the cap); after
    # MAIL_MAX_ATTEMPTS it is marked failed. At most one mail per person per MAIL_MIN_GAP_SECONDS outside the digest.
    MAIL_BACKOFF_BASE_SECONDS = env_int("MAIL_BACKOFF_BASE_SECONDS", 60)
    MAIL_BACKOFF_CAP_SECONDS = env_int("MAIL_BACKOFF_CAP_SECONDS", 6 * 3600)
    MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", 8)
    MAIL_MIN_GAP_SECONDS = env_int("MAIL_MIN_GAP_SECONDS", 3600)
    # Inactivity: a nudge to both partners after this many days without activity, an alert to the instructors after
    # twice as many (the default: a cohort may set its own days, ``cohort.inactivity_days``); a meeting overdue by
    # the cadence plus the grace days is a notice to both partners.
    MAIL_INACTIVITY_DAYS = env_int("MAIL_INACTIVITY_DAYS", 21)
    MAIL_MEETING_GRACE_DAYS = env_int("MAIL_MEETING_GRACE_DAYS", 3)
    # The calendar day (programme started? over? a quiet-pair warning due?) and the start of a digest's week are
    # judged in this time zone.
    MAIL_TIME_ZONE = env("MAIL_TIME_ZONE", "UTC")
    # The tool's public address, for the unsubscribe links in mails (sent by a job, outside any request).
    MAIL_TOOL_URL = env("MAIL_TOOL_URL", "http://127.0.0.1:5000")
    # How long a one-click unsubscribe link stays valid.
    MAIL_UNSUBSCRIBE_MAX_AGE_SECONDS = env_int("MAIL_UNSUBSCRIBE_MAX_AGE_SECONDS", 180 * 24 * 3600)

    DEMO_ENABLED = False
    # The demo LMS (development only): where the tool and the demo platform are reached, and the platform's key.
    DEMO_BASE_URL = env("DEMO_BASE_URL", "http://127.0.0.1:5000")
    DEMO_PLATFORM_KEY_FILE = env("DEMO_PLATFORM_KEY_FILE", str(INSTANCE_DIR / "demo_platform_key.pem"))
    LOG_LEVEL = env("LOG_LEVEL", "INFO")
    LOG_FORMAT = env("LOG_FORMAT", "text")  # "json" for one object per line


class Development(Base):
    """Local development: SQLite under instance/, in-process cache, the demo platform."""

    DEBUG = True
    DEMO_ENABLED = env_bool("DEMO_ENABLED", True)
    # The dev server is plain HTTP on 127.0.0.1: browsers drop Secure cookies there.
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_PARTITIONED = False
    PREFERRED_URL_SCHEME = env("PREFERRED_URL_SCHEME", "http")
    PROXY_FIX_HOPS = env_int("PROXY_FIX_HOPS", 0)
    # The demo platform and a Moodle or Canvas on this machine are on loopback, over plain HTTP.
    LTI_PRIVATE_HOSTS = env_list("LTI_PRIVATE_HOSTS", "localhost,127.0.0.1,::1")


class Testing(Base):
    """The test suite: an in-memory SQLite database unless DATABASE_URL says otherwise."""

    TESTING = True
    SECRET_KEY = "testing-secret"
    SQLALCHEMY_DATABASE_URI = env("DATABASE_URL", "sqlite://")
    PROXY_FIX_HOPS = 0
    DEMO_ENABLED = False
    JOBS_ASYNC = False  # tests that exercise the queue turn it on and run a burst worker
    # The test LMS servers run on loopback; the tests of the outbound guard set their own list.
    LTI_PRIVATE_HOSTS = ["localhost", "127.0.0.1", "::1"]


class Production(Base):
    """Production: PostgreSQL and Redis required, secrets required, no demo."""

    DEMO_ENABLED = False
    LOG_FORMAT = env("LOG_FORMAT", "json")
    HSTS_SECONDS = env_int("HSTS_SECONDS", 365 * 24 * 3600)
    # Launch state (OIDC state and nonce, the launch data, continue tokens) lives in the cache: with several worker
    # processes or instances a per-process cache sends the login and the launch to different memories.
    CACHE_TYPE = "RedisCache"
    SHARED_CACHE_REQUIRED = True  # create_app refuses a per-process cache given by overrides too

    REQUIRED = {
        "SECRET_KEY": "signs the session cookies",
        "DATABASE_URL": "the PostgreSQL database, e.g. postgresql+psycopg://user:pass@db/rementor",
        "REDIS_URL": "the cache and launch storage every worker process shares, and the job queue, e.g. redis://redis:6379/0",
    }

    @classmethod
    def check(cls) -> None:
        """Refuse to start without the secrets and the shared services production needs, saying what to set."""
        missing = [f"{name} ({why})" for name, why in cls.REQUIRED.items() if not env(name)]
        if missing:
            raise ConfigError("Production needs these environment variables: " + "; ".join(missing))


CONFIGS = {"development": Development, "testing": Testing, "production": Production}


def get_config(name: str | None) -> type[Base]:
    """Return the settings class named ``name`` (default from REMENTOR_CONFIG, else development)."""
    name = (name or env("REMENTOR_CONFIG", "development")).lower()  # type: ignore[union-attr]
    try:
        config = CONFIGS[name]
    except KeyError as exc:
        raise ConfigError(f"Unknown configuration {name!r}; use one of {', '.join(CONFIGS)}") from exc
    if hasattr(config, "check"):
        config.check()
    return config
