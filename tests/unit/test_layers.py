"""The layers import one way only (web → tasks → mentoring, lti), each with what it may use; every rule proves it can fail.

Imports are read from the source (tests/import_graph.py): relative ones resolved, attributes of imported modules
followed (``import flask`` then ``flask.request``), names re-exported by the tool's own modules traced to where they
come from. A rule either lists what a layer may import (``allowed``, within ``within``) or what it may not
(``forbidden``); ``eager`` rules judge only imports made when the module loads (an import inside a function is the
way a module reaches something only when it runs).
"""
from __future__ import annotations

import ast
import functools
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.import_graph import Module, import_cycles, load_package, parse, reaches

PACKAGE = Path(__file__).resolve().parents[2] / "lti_app"
TOOL = ("lti_app",)
# The LMS stand-in proper: it knows lti1p3platform and the standard library, nothing of the tool.
DEMO_PLATFORM = tuple(f"lti_app.demo.{m}" for m in ("course", "ports", "adapters", "services", "placements", "tokens", "platform"))
# Flask's request context, every way in: the proxies, their modules, the helpers that read the request or session.
REQUEST_CONTEXT = (
    "flask.request", "flask.session", "flask.g", "flask.globals", "flask.ctx", "flask.wrappers", "flask.sessions",
    "flask.has_request_context", "flask.copy_current_request_context", "flask.after_this_request",
    "flask.stream_with_context", "flask.flash", "flask.get_flashed_messages", "flask.url_for", "flask.render_template",
    "werkzeug.local", "werkzeug.wrappers", "flask_wtf", "flask_limiter",
)


@dataclass(frozen=True)
class Rule:
    """What the modules named ``modules`` (prefixes; a name in ``exact`` only itself) may import."""

    name: str
    modules: tuple[str, ...]
    why: str
    within: tuple[str, ...] = ("",)  # the imports the rule judges ("" = all)
    allowed: tuple[str, ...] | None = None  # of those, only these (the standard library too when ``within`` is all)
    forbidden: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()  # modules (prefixes) the rule leaves to another rule
    eager: bool = False

    def governs(self, module: str) -> bool:
        """Whether the rule applies to this module."""
        if any(module == m or module.startswith(m + ".") for m in self.unless):
            return False
        return module in self.exact or any(module == m or module.startswith(m + ".") for m in self.modules)


RULES = (
    Rule("mentoring", ("lti_app.mentoring",), "the programme knows nothing of LTI, the web, the background processes "
         "or the demo", within=TOOL, allowed=("lti_app.mentoring", "lti_app.extensions")),
    Rule("mentoring-request", ("lti_app.mentoring",), "the programme gets plain fields, never the request, session "
         "or g", forbidden=REQUEST_CONTEXT),
    Rule("domain", ("lti_app.mentoring.domain",), "domain code is pure: no Flask, no SQLAlchemy, no database",
         allowed=("lti_app.mentoring.domain", "numpy", "scipy", "nh3",
                  "lti_app.mentoring.errors",  # the refusals a rule raises (InvalidInput, IllegalTransition): plain classes
                  "threadpoolctl",  # matching_quiet caps the BLAS threads of the numpy/scipy solver for one run
                  )),
    Rule("lti", ("lti_app.lti",), "LTI plumbing knows nothing of the programme, the web or the background processes",
         within=TOOL, allowed=("lti_app.lti", "lti_app.extensions")),
    Rule("operators", ("lti_app.operators",), "operator accounts stand alone", within=TOOL,
         allowed=("lti_app.operators", "lti_app.extensions")),
    Rule("tasks", ("lti_app.tasks",), "background processes use the programme and LTI, never the web layer",
         within=TOOL, allowed=("lti_app.tasks", "lti_app.mentoring", "lti_app.lti", "lti_app.extensions",
                               "lti_app.models", "lti_app.logs",
                               "lti_app.i18n",  # a mail is written in its recipient's language
                               "lti_app.create_app",  # the worker process builds the app it runs jobs in
                               )),
    Rule("i18n", (), "the languages module serves every layer and uses only the programme's sentences and people",
         exact=("lti_app.i18n", "lti_app.catalogues"), within=TOOL,
         allowed=("lti_app.mentoring.domain.texts", "lti_app.mentoring.models")),
    Rule("infrastructure", ("lti_app.extensions", "lti_app.logs"), "every layer uses the extensions and logs; they "
         "use no layer", within=TOOL, allowed=("lti_app.extensions", "lti_app.logs")),
    Rule("models", (), "the model registry imports models only", exact=("lti_app.models",), within=TOOL,
         allowed=("lti_app.lti.models", "lti_app.lti.keys", "lti_app.mentoring.models", "lti_app.operators.models",
                  "lti_app.lti.sessions", "lti_app.extensions")),
    Rule("demo-platform", (), "the LMS stand-in is built on lti1p3platform alone: it imports nothing of the tool",
         exact=("lti_app.demo", *DEMO_PLATFORM), allowed=(*DEMO_PLATFORM, "lti1p3platform", "jwt", "cryptography", "requests")),
    Rule("demo", ("lti_app.demo",), "the demo's blueprint, CLI and seeding plug the stand-in into the tool like an "
         "LMS registering with it; nothing of the web layer", unless=DEMO_PLATFORM, within=TOOL,
         allowed=("lti_app.demo", "lti_app.extensions", "lti_app.lti", "lti_app.mentoring",
                  # seeding changes a Platform row: the cached frame/form origins must go, as after the admin's edits
                  "lti_app.web.security.forget_platform_origins")),
    Rule("demo-on-demand", ("lti_app",), "the demo is loaded only where it is enabled (inside the registering "
         "function), so production never imports it", unless=("lti_app.demo",), eager=True,
         forbidden=("lti_app.demo", "lti1p3platform")),
    Rule("web", ("lti_app.web",), "views handle requests; CLI groups live beside what they operate, the demo in "
         "lti_app.demo", forbidden=("click", "flask.cli", "lti_app.cli")),
    Rule("cli", ("lti_app.cli",), "the CLI registers the groups defined beside what they operate, none from the web "
         "layer", forbidden=("lti_app.web",)),
)
REGISTRAR = "lti_app.cli"  # the one module that adds command groups to the app
RULE_NAMES = {rule.name for rule in RULES}


def _top_level(target: str) -> str:
    return target.split(".")[0]


def _under(target: str, prefix: str) -> bool:
    return prefix == "" or target == prefix or target.startswith(prefix + ".")


def breaks(rule: Rule, target: str, kind: str) -> bool:
    """Whether reaching ``target`` (a ``kind`` of reach, see import_graph) runs against the rule."""
    if not any(_under(target, w) for w in rule.within):
        return False
    hit = [f for f in rule.forbidden if _under(target, f) or (kind == "bare" and _under(f, target))]
    if hit:
        return True
    if rule.allowed is None:
        return False
    if rule.within == ("",) and _top_level(target) in sys.stdlib_module_names:
        return False
    if any(_under(target, a) for a in rule.allowed):
        return False
    return not (kind == "module" and any(_under(a, target) for a in rule.allowed))  # a parent package of an allowed one


def _registrations(module: Module) -> list[str]:
    """``<app>.cli.add_command(...)`` / ``@<app>.cli.command``: commands attached to the app outside the registrar."""
    found = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Attribute) and node.attr in {"add_command", "command", "group"}:
            if isinstance(node.value, ast.Attribute) and node.value.attr == "cli":
                found.append(f"{module.name}:{node.lineno} attaches a command to the app: only {REGISTRAR} does")
    return found


def violations(modules: dict[str, Module], checked: list[str] | None = None) -> list[str]:
    """Every import (of the modules named in ``checked``, default all) that runs against a rule."""
    problems = []
    for name in checked if checked is not None else sorted(modules):
        module = modules[name]
        for reach in reaches(module, modules):
            for rule in RULES:
                if rule.governs(name) and not (rule.eager and reach.lazy) and breaks(rule, reach.target, reach.kind):
                    problems.append(f"[{rule.name}] {name}:{reach.line} reaches {reach.target}: {rule.why}")
        if name != REGISTRAR:
            problems.extend(f"[cli-registrar] {p}" for p in _registrations(module))
    return sorted(set(problems))


@functools.cache
def _package() -> dict[str, Module]:
    return load_package(PACKAGE)


def test_no_import_runs_the_wrong_way_between_the_layers():
    modules = _package()
    assert len(modules) > 50, "the package's sources were not found"
    assert violations(modules) == []


def test_no_modules_import_one_another_in_a_circle():
    """Type hints included (the demo's three modules once did); the app factory, which wires everything, aside."""
    assert import_cycles(_package(), ignore=("lti_app",)) == []


def test_the_cycle_check_catches_a_circle_through_type_hints():
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from lti_app.demo.platform import DemoPlatform\n"
    modules = _synthetic("lti_app.demo.adapters", source)
    circles = import_cycles(modules, ignore=("lti_app",))
    assert any({"lti_app.demo.adapters", "lti_app.demo.platform"} <= set(circle) for circle in circles), circles


def test_the_demo_is_never_loaded_in_production():
    script = ("import sys\nfrom lti_app import create_app\ncreate_app('production')\n"
              "print(sorted(m for m in sys.modules if m.startswith(('lti_app.demo', 'lti1p3platform'))))")
    env = {"SECRET_KEY": "s3cret", "DATABASE_URL": "sqlite://", "REDIS_URL": "redis://127.0.0.1:6379/12",
           "PATH": "/usr/bin:/bin"}
    ran = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                         cwd=PACKAGE.parent, timeout=60)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "[]"


# (rule, module, source): each rule's self-check; a module name ending in __init__ is a package.
SELF_CHECKS = [
    ("mentoring", "lti_app.mentoring.services.bad", "from lti_app.lti.claims import Role\n"),
    ("mentoring", "lti_app.mentoring.services.bad", "from ...lti.claims import Role\n"),  # relative
    ("mentoring", "lti_app.mentoring.services.__init__", "from ...lti import claims\n"),  # relative, from a package
    ("mentoring", "lti_app.mentoring.models.bad", "import lti_app.web.session\n"),
    ("mentoring", "lti_app.mentoring.services.bad", "from lti_app.tasks.grades import drain\n"),
    ("mentoring", "lti_app.mentoring.services.bad", "def f():\n    from lti_app.demo import DemoPlatform\n"),
    ("mentoring", "lti_app.mentoring.services.bad", "import importlib\nweb = importlib.import_module('lti_app.web')\n"),
    ("mentoring-request", "lti_app.mentoring.services.bad", "from flask import request\n"),
    ("mentoring-request", "lti_app.mentoring.services.bad", "import flask\n\ndef f():\n    return flask.request.args\n"),
    ("mentoring-request", "lti_app.mentoring.services.bad", "import flask as f\nx = f.session['x']\n"),
    ("mentoring-request", "lti_app.mentoring.services.bad", "import flask\nx = getattr(flask, 'g')\n"),
    ("mentoring-request", "lti_app.mentoring.services.bad", "from flask.globals import request\n"),
    ("mentoring-request", "lti_app.mentoring.services.bad", "from flask import globals as gl\n"),
    ("mentoring-request", "lti_app.mentoring.services.bad", "from flask import *\n"),
    ("mentoring-request", "lti_app.mentoring.services.bad", "from werkzeug.local import LocalProxy\n"),
    ("mentoring-request", "lti_app.mentoring.services.bad", "from flask import has_request_context\n"),
    ("mentoring-request", "lti_app.mentoring.services.bad", "from lti_app.extensions import request\n"),  # re-exported
    ("domain", "lti_app.mentoring.domain.bad", "import sqlalchemy\n"),
    ("domain", "lti_app.mentoring.domain.bad", "from flask import current_app\n"),
    ("domain", "lti_app.mentoring.domain.bad", "from lti_app.extensions import db\n"),
    ("domain", "lti_app.mentoring.domain.bad", "from ..models.cohort import Cohort\n"),
    ("domain", "lti_app.mentoring.domain.bad", "import requests\n"),
    ("domain", "lti_app.mentoring.domain.bad", "from flask_babel import gettext as _\n"),  # texts, never Flask-Babel
    ("mentoring", "lti_app.mentoring.services.bad", "from lti_app.i18n import speak_to\n"),
    ("i18n", "lti_app.i18n", "from lti_app.web.session import membership_for\n"),
    ("lti", "lti_app.lti.bad", "from lti_app.mentoring.models.course import Course\n"),
    ("lti", "lti_app.lti.services.bad", "from ...web.security import forget_platform_origins\n"),
    ("operators", "lti_app.operators.bad", "from lti_app.lti.models import Platform\n"),
    ("tasks", "lti_app.tasks.bad", "from lti_app.web.course_pages import commit_or_flash\n"),
    ("tasks", "lti_app.tasks.bad", "def job():\n    from ..web import security\n"),
    ("tasks", "lti_app.tasks.bad", "from lti_app.demo.registration import seed\n"),
    ("infrastructure", "lti_app.extensions", "from lti_app.mentoring.models.course import Course\n"),
    ("models", "lti_app.models", "from lti_app.web import errors\n"),
    ("demo-platform", "lti_app.demo.platform", "from lti_app.lti.keys import public_jwks\n"),
    ("demo-platform", "lti_app.demo.services", "from .registration import current_platform\n"),
    ("demo-platform", "lti_app.demo.adapters", "import flask\n"),
    ("demo", "lti_app.demo.routes", "from lti_app.web.launch.routes import bp\n"),
    ("demo", "lti_app.demo.registration", "from lti_app.web.security import platform_origins\n"),
    ("demo-on-demand", "lti_app.web.__init__", "from lti_app.demo.routes import bp\n"),
    ("demo-on-demand", "lti_app.cli", "from lti_app.demo.cli import demo_cli\n"),
    ("web", "lti_app.web.sessions_cli", "from flask.cli import AppGroup\n"),
    ("web", "lti_app.web.grades", "import click\n"),
    ("cli", "lti_app.cli", "def register_cli(app):\n    from lti_app.web.grade_sync_cli import grades_cli\n"),
    ("cli-registrar", "lti_app.web.__init__", "def register_web(app):\n    app.cli.add_command(x)\n"),
    ("cli-registrar", "lti_app.tasks.cli", "@app.cli.command('x')\ndef x():\n    pass\n"),
]


def _synthetic(name: str, source: str) -> dict[str, Module]:
    """The real package with one module added or replaced by ``source``."""
    modules = dict(_package())
    is_package = name.endswith(".__init__")
    module_name = name.removesuffix(".__init__")
    modules[module_name] = parse(module_name, source, is_package)
    return modules


@pytest.mark.parametrize("rule, name, source", SELF_CHECKS)
def test_each_rule_catches_an_import_that_breaks_it(rule, name, source):
    modules = _synthetic(name, source)
    found = violations(modules, [name.removesuffix(".__init__")])
    assert any(problem.startswith(f"[{rule}]") for problem in found), found


def test_every_rule_has_a_self_check():
    assert {rule for rule, _, _ in SELF_CHECKS} == RULE_NAMES | {"cli-registrar"}


@pytest.mark.parametrize("name, source", [
    ("lti_app.mentoring.services.good", "from flask import current_app\nimport flask\nx = flask.current_app.config\n"),
    ("lti_app.mentoring.domain.good", "from __future__ import annotations\nimport numpy as np\nfrom . import skills\n"),
    ("lti_app.web.__init__", "def register_web(app):\n    from lti_app.demo.routes import bp\n"),
    ("lti_app.demo.routes", "from lti_app.demo import DemoPlatform\nfrom lti_app.extensions import csrf\n"),
])
def test_what_a_rule_allows_passes(name, source):
    assert violations(_synthetic(name, source), [name.removesuffix(".__init__")]) == []


# -- tables ---------------------------------------------------------------------------------------------------------
def tables_by_layer(registry) -> dict[str, set]:
    """{layer (the package under lti_app: "lti", "mentoring", ...): the tables its models define}."""
    found: dict[str, set] = {}
    for mapper in registry.mappers:
        parts = mapper.class_.__module__.split(".")
        if parts[0] == "lti_app" and len(parts) > 1:
            found.setdefault(parts[1], set()).add(mapper.local_table)
    return found


def lti_tables_pointing_at_the_programme(layers: dict[str, set]) -> list[str]:
    """Foreign keys from an LTI table to a programme table (the programme's tables may name LTI's, never the
    other way round: LTI plumbing stands without the programme)."""
    programme = {table.name for table in layers.get("mentoring", ())}
    return sorted(f"{table.name}.{key.parent.name} -> {key.column.table.name}"
                  for table in layers.get("lti", ()) for key in table.foreign_keys
                  if key.column.table.name in programme)


def test_no_lti_table_points_at_a_programme_table():
    import lti_app.models  # noqa: F401  (every table registered)
    from lti_app.extensions import db

    layers = tables_by_layer(db.Model.registry)
    assert {"lti", "mentoring"} <= set(layers)
    assert lti_tables_pointing_at_the_programme(layers) == []


def test_the_table_check_catches_an_lti_table_pointing_at_a_programme_table():
    from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table

    metadata = MetaData()
    course = Table("course", metadata, Column("id", Integer, primary_key=True))
    context = Table("lti_context", metadata, Column("id", Integer, primary_key=True),
                    Column("course_id", ForeignKey("course.id")))
    assert lti_tables_pointing_at_the_programme({"lti": {context}, "mentoring": {course}}) == [
        "lti_context.course_id -> course"]
    assert lti_tables_pointing_at_the_programme({"lti": {course}, "mentoring": {context}}) == []
