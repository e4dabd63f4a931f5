"""README → Definities → Statistiek documents the statistical rules, and every function it names exists."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    definitions = text.split("\n## Definities\n", 1)[1].split("\n## ", 1)[0]
    return definitions.split("\n### Statistiek\n", 1)[1].split("\n### ", 1)[0]


def test_statistics_definitions_cover_the_rules_and_name_real_functions():
    section = _section()
    for topic in ("op koers", "Pre-trendtoets", "Trendpijl", "Trechter", "interval"):
        assert topic in section
    names = re.findall(r"`stats\.(\w+)\.(\w+)`", section)
    assert len(names) >= 6
    for module, attribute in names:
        assert hasattr(importlib.import_module(f"data_access.stats.{module}"), attribute), (module, attribute)
