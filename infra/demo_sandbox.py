"""`make run`: put the demo stores' WeChat mini-program and WeChat Pay in sandbox mode, against the local
sandbox (platform/sandbox) that run.py starts. Development only; idempotent."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

DEMO_SLUGS = ("demo-beauty", "demo-fresh")
APIV3_KEY = "sandboxApiV3Key0123456789abcdef!"  # 32 characters, sandbox only


def main() -> None:
    import django

    django.setup()
    from django_tenants.utils import schema_context

    from control_plane.tenancy.models import Tenant
    from sandbox.server import register_merchant, sandbox_keys
    from sandbox.wechatpay import Merchant, new_key_pem
    from tenants.members.services import miniprogram_configure, official_account_configure
    from tenants.payments.models import WechatPayMerchant
    from tenants.payments.services import wechatpay_configure

    folder = REPO / ".run" / "sandbox"
    platform = sandbox_keys(folder)
    for number, slug in enumerate(DEMO_SLUGS, start=1):
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            continue
        appid, mchid = f"wxdemo{number:012d}", f"19000000{number:02d}"
        with schema_context(tenant.schema_name):
            miniprogram_configure(appid=appid, secret="sandbox-secret", sandbox=True)
            official_account_configure(appid=f"wxoa{number:012d}", secret="sandbox-secret", ask_userinfo=True,
                                       sandbox=True)
            registered = (folder / "merchants" / f"{mchid}.json").exists()
            if registered and WechatPayMerchant.objects.filter(mchid=mchid).exists():
                continue
            private, public = new_key_pem()
            wechatpay_configure(appid=appid, mchid=mchid, private_key_pem=private, cert_serial_no=f"DEMO{number:036d}",
                                apiv3_key=APIV3_KEY, platform_public_key_pem=platform["public"],
                                platform_public_key_id=platform["key_id"], sandbox=True)
        register_merchant(folder, Merchant(mchid=mchid, appid=appid, public_key_pem=public,
                                           serial_no=f"DEMO{number:036d}", apiv3_key=APIV3_KEY))
    print("demo stores use the WeChat sandbox (mini-program, official account and WeChat Pay)")


if __name__ == "__main__":
    main()
