"""Coupon claims under a crowd, over real HTTP (gunicorn), in the checkout benchmark's database and store.

    .venv/bin/python bench/coupons.py [--members 500] [--left 10] [--workers 4]

A coupon with ``--left`` units still to claim; ``--members`` signed-in members (each with their own token)
claim it through the shop API at once, the first 200 threads released together. Prints coupon_claimers,
coupons_left_before, coupons_claimed (201s), coupons_over_issued (held coupons beyond the quantity, and
claims answered 201 beyond it: both must be 0), refused_gone (409 coupon_gone), unexpected_responses and
claim_requests_per_s.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "platform")]

from bench.checkout import _free_port, _gunicorn, _wait_until_up, flash_store  # noqa: E402


def _claim_round(port: int, coupon_id: int, tokens: list[str]) -> list[tuple[int, str]]:
    threads = min(len(tokens), 200)
    gate = threading.Barrier(threads)
    local = threading.local()

    def claim(i: int) -> tuple[int, str]:
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        if i < threads:
            gate.wait()
        response = session.post(f"http://127.0.0.1:{port}/api/v1/coupons/{coupon_id}/claim/", timeout=60,
                                headers={"Host": "flash.localhost", "Authorization": f"Bearer {tokens[i]}"})
        return response.status_code, response.json().get("code", "") if response.status_code != 201 else ""

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(claim, range(len(tokens))))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--left", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    args = parser.parse_args()

    tenant = flash_store()
    from django.db.models import F
    from django_tenants.utils import schema_context

    from tenants.marketing.models import Coupon, MemberCoupon
    from tenants.marketing.services import CouponInput, coupon_create
    from tenants.members.models import Member
    from tenants.members.tokens import member_token_issue

    with schema_context(tenant.schema_name):
        quantity = 1000
        coupon = coupon_create(values=CouponInput(name=f"最后几张 {uuid.uuid4().hex[:6]}", kind="amount_off",
                                                  amount_fen=500, total_quantity=quantity, valid_days=7))
        # The first units went long ago: only the last few are left for the crowd.
        Coupon.objects.filter(pk=coupon.pk).update(issued_count=F("total_quantity") - args.left)
        members = Member.objects.bulk_create([Member(openid=f"claim-{uuid.uuid4().hex}")
                                              for _ in range(args.members)])
        tokens = [member_token_issue(member=m) for m in members]

    port = _free_port()
    server = _gunicorn(port, args.workers, "config.settings.dev")
    try:
        _wait_until_up(port)
        started = time.perf_counter()
        answers = _claim_round(port, coupon.pk, tokens)
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=20)
    with schema_context(tenant.schema_name):
        coupon.refresh_from_db()
        held = MemberCoupon.objects.filter(coupon=coupon).count()
    claimed = sum(1 for status, _code in answers if status == 201)
    print(f"coupon_claimers={args.members}")
    print(f"coupons_left_before={args.left}")
    print(f"coupons_claimed={claimed}")
    print(f"coupons_over_issued={max(0, held - args.left, claimed - args.left, coupon.issued_count - quantity)}")
    print(f"refused_gone={sum(1 for status, code in answers if status == 409 and code == 'coupon_gone')}")
    print(f"unexpected_responses={sum(1 for status, code in answers if status not in (201, 409))}")
    print(f"claim_requests_per_s={args.members / elapsed:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
