"""Serve sandbox WSGI apps on a local port, each under its own prefix: ``/wechat/`` (mini-program API),
``/wechatpay/`` (WeChat Pay v3, mounted by whoever configures its keys), ``/stripe/`` (Stripe billing) and
``/sms/`` (Tencent Cloud SMS, whose API is a POST to the host's root naming its action in ``X-TC-Action``).

    python -m sandbox.server --port 8099      # what `make run` starts

Tests use ``serve()`` to run them in a thread on a free port.
"""

from __future__ import annotations

import argparse
import json
import threading
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from . import wechat_miniprogram
from .stripe_api import StripeSandbox
from .tencent_sms import TencentSmsSandbox
from .wechatpay import Merchant, WeChatPaySandbox, new_key_pem

APPS = {"/wechat": wechat_miniprogram.application}
PLATFORM_KEY_ID = "PUB_KEY_ID_SANDBOX"
# The credentials make run's settings sign Tencent Cloud SMS requests with (config.settings.base).
SMS_SECRET_ID, SMS_SECRET_KEY, SMS_SDK_APP_ID = "AKIDsandbox", "sandbox-secret-key", "1400000000"


def sandbox_keys(folder: Path) -> dict:
    """The sandbox's platform key pair, made once and kept in ``folder`` so the stores configured
    against it (make run's demo) keep working across restarts."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "platform.json"
    if not path.exists():
        private, public = new_key_pem()
        path.write_text(json.dumps({"private": private, "public": public, "key_id": PLATFORM_KEY_ID}))
        path.chmod(0o600)
    return json.loads(path.read_text())


class FolderRegistry(dict):
    """Merchants the sandbox accepts: one JSON file each in ``folder``/merchants, read when first seen."""

    def __init__(self, folder: Path):
        super().__init__()
        self.folder = folder / "merchants"

    def get(self, mchid, default=None):
        if mchid not in self and (self.folder / f"{mchid}.json").exists():
            self[mchid] = Merchant(**json.loads((self.folder / f"{mchid}.json").read_text()))
        return super().get(mchid, default)

    def __getitem__(self, mchid):
        found = self.get(mchid)
        if found is None:
            raise KeyError(mchid)
        return found


def register_merchant(folder: Path, merchant: Merchant) -> None:
    (folder / "merchants").mkdir(parents=True, exist_ok=True)
    (folder / "merchants" / f"{merchant.mchid}.json").write_text(json.dumps(merchant.__dict__))


def wechatpay_from_folder(folder: Path) -> WeChatPaySandbox:
    keys = sandbox_keys(folder)
    pay = WeChatPaySandbox(platform_private_key_pem=keys["private"], platform_key_id=keys["key_id"])
    pay.merchants = FolderRegistry(folder)
    return pay


def dispatcher(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path in ("", "/") and "HTTP_X_TC_ACTION" in environ:
        path = "/sms/"  # Tencent Cloud's API is served at the root of its host
    for prefix, app in APPS.items():
        if path.startswith(prefix + "/"):
            environ = {**environ, "PATH_INFO": path[len(prefix):], "SCRIPT_NAME": prefix}
            return app(environ, start_response)
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"no sandbox here"]


class _Quiet(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


class _ThreadingServer(WSGIServer):
    daemon_threads = True

    def process_request(self, request, client_address):
        threading.Thread(target=self._handle, args=(request, client_address), daemon=True).start()

    def _handle(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        finally:
            self.shutdown_request(request)


def serve(port: int = 0) -> tuple[WSGIServer, threading.Thread]:
    server = make_server("127.0.0.1", port, dispatcher, server_class=_ThreadingServer, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--keys", type=Path, default=Path(".run/sandbox"), help="key and merchant folder")
    parser.add_argument("--stripe-webhook-url", default="", help="where the Stripe sandbox delivers events")
    parser.add_argument("--stripe-webhook-secret", default="whsec_sandbox")
    args = parser.parse_args()
    APPS["/wechatpay"] = wechatpay_from_folder(args.keys)
    APPS["/stripe"] = StripeSandbox(webhook_secret=args.stripe_webhook_secret, webhook_url=args.stripe_webhook_url,
                                    public_base=f"http://127.0.0.1:{args.port}/stripe",
                                    state_file=args.keys / "stripe.json")
    APPS["/sms"] = TencentSmsSandbox(credentials={SMS_SECRET_ID: SMS_SECRET_KEY}, sdk_app_id=SMS_SDK_APP_ID)
    server = make_server("127.0.0.1", args.port, dispatcher, server_class=_ThreadingServer, handler_class=_Quiet)
    print(f"sandbox serving on http://127.0.0.1:{args.port}/ ({', '.join(APPS)})", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
