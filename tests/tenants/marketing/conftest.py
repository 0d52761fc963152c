"""Marketing tests run inside store alpha's schema."""

from tests.tenants.distribution.conftest import in_alpha  # noqa: F401 - fixture
