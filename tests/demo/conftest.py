"""The demo seeds pay through the same WeChat sandboxes as the shop API tests."""

from tests.shop_api.conftest import gateway, wechat_sandbox  # noqa: F401 - fixtures
