from __future__ import annotations

import pytest

from tests.report_data import build_folders


@pytest.fixture(scope="session")
def folders(tmp_path_factory):
    """Output folders of every kind (built once for the report tests)."""
    return build_folders(tmp_path_factory.mktemp("report-inputs"))
