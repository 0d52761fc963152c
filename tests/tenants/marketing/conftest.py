"""Marketing tests run inside store alpha's schema; ``cart`` is a member with an address and two products."""

import pytest

from tenants.catalog.editing import category_save
from tenants.catalog.services import SkuInput, product_create
from tenants.orders.models import ShippingTemplate
from tests.factories import AddressFactory, MemberFactory
from tests.tenants.distribution.conftest import in_alpha  # noqa: F401 - fixture


@pytest.fixture
def cart(request):
    """A member with an address, ¥8 flat shipping, and two products: a cream (¥99) in 护肤 and a lipstick (¥59)."""
    request.getfixturevalue("in_alpha")
    ShippingTemplate.objects.create(name="运费", mode="flat", flat_fee_fen=800, is_default=True)
    skincare = category_save(category=None, name="护肤", parent_id=None)
    cream = product_create(title="面霜", publish=True, skus=[SkuInput(price_fen=9900, stock=20)])
    cream.categories.set([category_save(category=None, name="面霜类", parent_id=skincare.pk)])
    lipstick = product_create(title="口红", publish=True, skus=[SkuInput(price_fen=5900, stock=20)])
    member = MemberFactory()
    return {"member": member, "address": AddressFactory(member=member).pk, "skincare": skincare,
            "cream": cream.skus.get().pk, "lipstick": lipstick.skus.get().pk, "lipstick_product": lipstick.pk}
