"""The README's production section lists every setting that config/settings.py reads from the environment."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _settings_read() -> set[str]:
    source = (ROOT / "config" / "settings.py").read_text()
    return set(re.findall(r'\benv(?:_int|_bool|_int_or_none)?\(\s*"([A-Z0-9_]+)"', source)) | set(
        re.findall(r'os\.environ\.get\(\s*"([A-Z0-9_]+)"', source))


def _production_section() -> str:
    readme = (ROOT / "README.md").read_text()
    start = readme.index("### Production")
    return readme[start : readme.index("\n## ", start)]


def test_the_settings_module_is_read_as_expected():
    # the scan must see both ways settings are read, or the next test would pass on an empty set
    assert {"SECRET_KEY", "REMENTOR_INSTANCE_DIR", "MATCHING_INLINE_LIMIT"} <= _settings_read()


def test_every_setting_is_documented_in_the_production_section():
    documented = set(re.findall(r"`([A-Z0-9_]+)`", _production_section()))
    assert sorted(_settings_read() - documented) == []
