"""Packaging beyond pyproject.toml: templates/ and migrations/ stay at the top of the checkout (as the layout
asks) and ship inside the wheel as ``lti_app/templates`` and ``lti_app/migrations``, where ``create_app`` looks
first. pyproject.toml cannot say this: its package finder cannot map a folder outside ``lti_app/`` into it.
"""
from setuptools import find_packages, setup

BUNDLED = {"lti_app.templates": "templates", "lti_app.migrations": "migrations"}

setup(
    packages=[*find_packages(include=["lti_app*", "config*"]), *BUNDLED],
    package_dir=BUNDLED,
    package_data={
        "lti_app": ["static/**/*", "translations/*/LC_MESSAGES/messages.mo"],
        "lti_app.templates": ["**/*.html"],
        "lti_app.migrations": ["README", "alembic.ini", "script.py.mako", "versions/*.py"],
    },
    include_package_data=False,  # exactly the files above (MANIFEST.in only builds the sdist)
)
