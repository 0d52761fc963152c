import pytest
from django_tenants.utils import schema_context


@pytest.fixture
def in_alpha(store_a):
    with schema_context(store_a.schema):
        yield store_a
