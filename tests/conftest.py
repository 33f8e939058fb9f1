"""Shared pytest fixtures and markers.  Fixture modules live beside this file and are imported
here.  A test that uses the ``libreoffice`` fixture is marked ``libreoffice`` automatically, so
``python -m pytest -m "not libreoffice and not bench"`` runs the fast core."""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from tests.libreoffice import libreoffice  # noqa: E402,F401


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "libreoffice" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.libreoffice)
