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


@pytest.fixture
def nav_book(tmp_path):
    """A workbook holding only a two-day NAV table (``tests.books.NAV_TWO_DAYS``); the reader's
    tests break it part by part."""
    from fee_core.write.inputs import write_input_workbook
    from tests.books import NAV_TWO_DAYS
    p = tmp_path / "nav.xlsx"
    write_input_workbook(p, {"NAV": NAV_TWO_DAYS})
    return p


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "libreoffice" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.libreoffice)
