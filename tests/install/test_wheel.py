"""A non-editable install works: the wheel carries templates/, migrations/ and the static files, and an app installed
from it (not from this checkout) upgrades an empty database and serves pages.

Nothing is downloaded: the wheel is built without build isolation by the setuptools of the test environment, and
the fresh virtualenv installs it with ``--no-deps --no-index``; its dependencies come from the test environment's
site-packages through a ``.pth`` file (which adds that folder to ``sys.path`` without running the editable
install's own ``.pth`` hook, so the checkout stays out of reach).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from importlib import metadata
from pathlib import Path
from urllib.request import urlopen

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "lti_app", "config", "templates", "migrations")
SERVE = (
    "import sys\nfrom werkzeug.serving import make_server\nfrom lti_app import create_app\n"
    "server = make_server('127.0.0.1', 0, create_app())\nprint(server.port, flush=True)\nserver.serve_forever()\n"
)

pytestmark = pytest.mark.slow


def _wheel_builder_or_skip() -> None:
    """Building a wheel offline needs setuptools 70.1+ (its own bdist_wheel) or the ``wheel`` package installed."""
    version = tuple(int(p) for p in metadata.version("setuptools").split(".")[:2] if p.isdigit())
    has_wheel = any(d.metadata["Name"] == "wheel" for d in metadata.distributions())
    if version >= (70, 1) or has_wheel:
        return
    message = ("building the wheel offline needs setuptools>=70.1 in the test environment "
               f"(found {metadata.version('setuptools')}): pip install 'setuptools>=70.1'")
    if os.environ.get("REMENTOR_REQUIRE_SERVICES"):
        pytest.fail(message)
    pytest.skip(message)


def _build_wheel(tmp_path: Path) -> Path:
    """The wheel, built from a copy of the sources (the checkout gets no build/ or egg-info)."""
    source = tmp_path / "src"
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(path, source / name)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation", "--no-index",
         "-w", str(tmp_path / "dist"), "-q"], capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    return next((tmp_path / "dist").glob("rementor-*.whl"))


def _fresh_venv(tmp_path: Path, wheel: Path) -> Path:
    """A new virtualenv with the wheel installed and the test environment's packages visible; its python."""
    home = tmp_path / "venv"
    venv.create(home, with_pip=False)
    python = home / "bin" / "python"
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(purelib, "zz_test_environment.pth").write_text("\n".join(sorted(ours)) + "\n")
    installed = subprocess.run([python, "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
                               capture_output=True, text=True, timeout=120)
    assert installed.returncode == 0, installed.stderr
    return python


def _environment(tmp_path: Path) -> dict[str, str]:
    """Development settings on a SQLite file of this test's own, whatever the suite's DATABASE_URL."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "REMENTOR_CONFIG": "development",
            "REMENTOR_INSTANCE_DIR": str(tmp_path / "instance"), "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite'}"}


def _get(port: int, path: str) -> tuple[int, str]:
    with urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:  # noqa: S310 - loopback only
        return response.status, response.read().decode()


def test_the_wheel_carries_the_templates_the_migrations_and_the_static_files(tmp_path):
    _wheel_builder_or_skip()
    names = set(zipfile.ZipFile(_build_wheel(tmp_path)).namelist())
    for folder, inside in (("templates", "lti_app/templates"), ("migrations", "lti_app/migrations"),
                           ("lti_app/static", "lti_app/static")):
        expected = {f"{inside}/{p.relative_to(ROOT / folder).as_posix()}" for p in (ROOT / folder).rglob("*")
                    if p.is_file() and "__pycache__" not in p.parts}
        assert expected and expected <= names, sorted(expected - names)


def test_an_app_installed_from_the_wheel_upgrades_its_database_and_serves_pages(tmp_path):
    _wheel_builder_or_skip()
    python = _fresh_venv(tmp_path, _build_wheel(tmp_path))
    env, work = _environment(tmp_path), tmp_path / "elsewhere"
    work.mkdir()  # not the checkout: lti_app must come from the installed wheel
    where = subprocess.run([python, "-c", "import lti_app; print(lti_app.__file__)"], cwd=work, env=env,
                           capture_output=True, text=True, check=True).stdout.strip()
    assert where.startswith(str(tmp_path / "venv")) and "site-packages" in where
    upgraded = subprocess.run([python, "-m", "flask", "--app", "lti_app", "db", "upgrade"], cwd=work, env=env,
                              capture_output=True, text=True, timeout=120)
    assert upgraded.returncode == 0, upgraded.stderr
    server = subprocess.Popen([python, "-c", SERVE], cwd=work, env=env, stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline())
        status, body = _get(port, "/healthz")
        assert status == 200 and json.loads(body)["checks"] == {"database": "ok", "cache": "ok"}
        status, body = _get(port, "/demo/")  # a template, over a table the migrations made
        assert status == 200 and "flask --app lti_app demo seed" in body
        status, body = _get(port, "/static/css/rementor.css")
        assert status == 200 and body
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()
