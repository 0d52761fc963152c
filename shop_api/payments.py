"""Paying with WeChat Pay: prepare the JSAPI parameters; receive WeChat's notifications."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.client_ip import client_ip
from core.errors import CoreCode, NotFound
from tenants.orders.models import Order
from tenants.payments.error_codes import PaymentsCode
from tenants.payments.models import Payment
from tenants.payments.services import (
    NotificationRejected,
    payment_notification_handle,
    payment_notification_keep,
    payment_prepare,
)

from .auth import IsMember, shopper
from .schema import refusals

logger = logging.getLogger(__name__)


class PaymentPrepareApi(APIView):
    permission_classes = [IsMember]

    class InputSerializer(serializers.Serializer):
        order_number = serializers.CharField(max_length=40)
        # miniprogram: wx.requestPayment's parameters; jsapi: WeixinJSBridge's in WeChat's browser (the
        # official account's openid); h5: the h5_url of WeChat's cashier for a phone browser.
        channel = serializers.ChoiceField(choices=Payment.Channel.choices, default=Payment.Channel.MINIPROGRAM)

    class BridgeOutput(serializers.Serializer):
        """wx.requestPayment's / WeixinJSBridge's parameters, signed with the merchant's key."""

        appId = serializers.CharField()
        timeStamp = serializers.CharField()
        nonceStr = serializers.CharField()
        package = serializers.CharField()
        signType = serializers.CharField()
        paySign = serializers.CharField()

    class CashierOutput(serializers.Serializer):
        h5_url = serializers.URLField(help_text="WeChat's cashier page, opened in the phone's browser")

    @extend_schema(summary="Prepare paying an order with WeChat Pay", request=InputSerializer, responses={
        200: PolymorphicProxySerializer(component_name="PaymentParameters", resource_type_field_name=None,
                                        serializers=[BridgeOutput, CashierOutput]),
        **refusals(http_409=[PaymentsCode.WECHATPAY_NOT_CONFIGURED, PaymentsCode.PAYER_UNKNOWN,
                             PaymentsCode.GATEWAY_ERROR, CoreCode.ILLEGAL_TRANSITION])})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = shopper(request)
        order = Order.objects.filter(member=member, number=data.validated_data["order_number"]).first()
        if order is None:
            raise NotFound("No such order.")
        channel = data.validated_data["channel"]
        openid = member.oa_openid if channel == Payment.Channel.JSAPI else member.openid
        return Response(payment_prepare(order=order, channel=channel, payer_openid=openid or "",
                                        client_ip=client_ip(request),
                                        notify_url=request.build_absolute_uri("/api/v1/payments/wechatpay/notify/")))


@csrf_exempt
@require_POST
def wechatpay_notify(request: HttpRequest) -> HttpResponse:
    """WeChat's protocol, not ours: 204 when accepted (and for duplicates), 4xx {"code": "FAIL"} for what is
    not a genuine fresh notification. The body is read raw: the signature covers the exact bytes. A failure
    of our own is never a 500: the notification is kept for review and WeChat asked to send it again."""
    try:
        outcome = payment_notification_handle(headers=request.headers, body=request.body)
    except NotificationRejected as exc:
        logger.warning("wechatpay notification rejected: %s", exc.reason)
        return JsonResponse({"code": "FAIL", "message": exc.reason}, status=exc.status)
    except Exception as exc:
        logger.exception("wechatpay notification could not be handled; kept for review")
        payment_notification_keep(headers=request.headers, body=request.body, error=exc)
        return JsonResponse({"code": "FAIL", "message": "temporarily unable to process"}, status=503)
    logger.info("wechatpay notification: %s", outcome)
    return HttpResponse(status=204)
