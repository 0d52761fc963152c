"""Take a real order through the running platform (`make run` must be up), with no credentials: sandbox
WeChat login, address, browse, cart, order, WeChat Pay prepay, and the sandbox gateway paying it — its
signed notification reaches the store's notify endpoint over HTTP, as WeChat's would.

    .venv/bin/python infra/demo_order.py [--store demo-beauty] [--port 8000] [--sandbox-port 8099]
"""

from __future__ import annotations

import argparse
import sys
import uuid

import requests


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", default="demo-beauty")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--sandbox-port", type=int, default=8099)
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.port}/api/v1"
    host = {"Host": f"{args.store}.localhost:{args.port}"}

    def call(method: str, path: str, token: str | None = None, **kwargs) -> dict:
        headers = {**host, **kwargs.pop("headers", {})}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = requests.request(method, base + path, headers=headers, timeout=15, **kwargs)
        if response.status_code >= 400:
            sys.exit(f"{method} {path}: {response.status_code} {response.text}")
        return response.json() if response.content else {}

    token = call("POST", "/auth/wechat-login/", json={"code": "sandbox-demo-shopper"})["token"]
    print("1. logged in through the WeChat sandbox")
    address = call("POST", "/me/addresses/", token, json={
        "recipient": "演示顾客", "phone": "13800138000", "region_code": "310115", "province": "上海市",
        "city": "上海市", "district": "浦东新区", "detail": "世纪大道 100 号"})
    product = call("GET", "/catalog/products/")["results"][0]
    sku = call("GET", f"/catalog/products/{product['id']}/")["skus"][0]
    print(f"2. chose {product['title']} at {sku['price_fen'] / 100:.2f}")
    call("POST", "/cart/", token, json={"sku_id": sku["id"], "quantity": 1})
    order = call("POST", "/orders/", token, json={"address_id": address["id"]},
                 headers={"Idempotency-Key": uuid.uuid4().hex})
    print(f"3. order {order['number']} placed, {order['payable_fen'] / 100:.2f} to pay")
    params = call("POST", "/payments/wechatpay/prepare/", token, json={"order_number": order["number"]})
    print(f"4. WeChat Pay prepared ({params['package']})")
    paid = requests.post(f"http://127.0.0.1:{args.sandbox_port}/wechatpay/sandbox/pay/{order['number']}", timeout=15)
    print(f"5. sandbox paid; its signed notification was answered with HTTP {paid.json()['delivered_status']}")
    status = call("GET", f"/orders/{order['number']}/", token)["status"]
    print(f"6. order status: {status}")
    return 0 if status == "paid" else 1


if __name__ == "__main__":
    sys.exit(main())
