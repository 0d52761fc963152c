"""CRM tests run inside store alpha's schema; ``cart`` is a member with an address and two products."""

from tests.tenants.distribution.conftest import in_alpha  # noqa: F401 - fixture
from tests.tenants.marketing.conftest import cart  # noqa: F401 - fixture
