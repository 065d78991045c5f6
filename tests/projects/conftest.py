"""Fixtures of the project service tests: selection chains built once per module (see
`support.py`), and the fixed first day every test starts on (opt in with
`pytest.mark.usefixtures("day0")`)."""

import pytest
import time_machine

from tests.projects.builders import selected_proposal, selected_race_proposals
from tests.projects.support import BUILD_AT, DAY0, module_rows, on, started


@pytest.fixture(scope="module")
def selected(django_db_setup, django_db_blocker, tmp_path_factory):
    """(proposal, bureau officer): one ordinary demand's selected solver."""
    with module_rows(django_db_blocker, tmp_path_factory):
        with time_machine.travel(BUILD_AT, tick=False):
            chain = selected_proposal()
        yield chain


@pytest.fixture(scope="module")
def race_selected(django_db_setup, django_db_blocker, tmp_path_factory):
    """(proposal A, proposal B, bureau officer): a horse race's two selected routes."""
    with module_rows(django_db_blocker, tmp_path_factory):
        with time_machine.travel(BUILD_AT, tick=False):
            chain = selected_race_proposals()
        yield chain


@pytest.fixture
def day0():
    with on(DAY0):
        yield


@pytest.fixture
def bureau(selected):
    return selected[1]


@pytest.fixture
def project(selected):
    """Initiated on DAY0 with its technology contract registered: in progress."""
    proposal, bureau = selected
    return started(proposal, bureau)
