"""Serve sandbox WSGI apps on a local port, each under its own prefix: ``/wechat/`` (mini-program API) and
``/wechatpay/`` (WeChat Pay v3, mounted by whoever configures its keys).

    python -m sandbox.server --port 8099      # what `make run` starts

Tests use ``serve()`` to run them in a thread on a free port.
"""

from __future__ import annotations

import argparse
import threading
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from . import wechat_miniprogram

APPS = {"/wechat": wechat_miniprogram.application}


def dispatcher(environ, start_response):
    path = environ.get("PATH_INFO", "")
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
    args = parser.parse_args()
    server = make_server("127.0.0.1", args.port, dispatcher, server_class=_ThreadingServer, handler_class=_Quiet)
    print(f"sandbox serving on http://127.0.0.1:{args.port}/ ({', '.join(APPS)})", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
