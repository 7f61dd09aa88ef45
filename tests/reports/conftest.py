from __future__ import annotations

import pytest


@pytest.fixture
def figures(db):
    """The seeded legal figures. The data migration loads them; re-seeding here keeps these tests independent of
    any earlier transactional test that flushed the tables."""
    from swingfund.compliance.services import legal_figures_seed

    legal_figures_seed()
