"""Text messages behind a small provider interface (settings.SMS_PROVIDER). The provider is Tencent Cloud SMS
through its SDK (``tencentcloud-sdk-python-sms``), which signs every request with TC3-HMAC-SHA256; in
development and tests its endpoint is the local sandbox (platform/sandbox/tencent_sms.py), which checks that
signature like Tencent Cloud does, so the same code runs with or without credentials.

A message is named by a purpose ("login_code"), mapped to the provider's approved template id in
settings.SMS_TEMPLATES: a text message in China can only be sent from a template the provider approved."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.module_loading import import_string


class SmsFailed(Exception):
    """The provider did not accept the message; ``code`` is the provider's reason."""

    def __init__(self, code: str, message: str = ""):
        super().__init__(f"{code}: {message}")
        self.code = code


@dataclass(frozen=True)
class SmsSent:
    provider_id: str  # the provider's serial number of the message


class SmsProvider(Protocol):
    def send(self, *, phone: str, purpose: str, params: list[str]) -> SmsSent: ...


class TencentSms:
    """Tencent Cloud SMS (API 2021-01-11, SendSms), one mainland phone number per call."""

    def __init__(self) -> None:
        from tencentcloud.common.credential import Credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111.sms_client import SmsClient

        endpoint = urlsplit(settings.TENCENT_SMS_ENDPOINT)
        http = HttpProfile(protocol=endpoint.scheme or "https", endpoint=endpoint.netloc or endpoint.path,
                           reqTimeout=10)
        # The region breaker would try a backup domain of Tencent's after failures: never the sandbox's.
        profile = ClientProfile(httpProfile=http)
        profile.disable_region_breaker = True
        self.client = SmsClient(Credential(settings.TENCENT_SMS_SECRET_ID, settings.TENCENT_SMS_SECRET_KEY),
                                settings.TENCENT_SMS_REGION, profile)

    def send(self, *, phone: str, purpose: str, params: list[str]) -> SmsSent:
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
        from tencentcloud.sms.v20210111 import models

        request = models.SendSmsRequest()
        request.SmsSdkAppId = settings.TENCENT_SMS_SDK_APP_ID
        request.SignName = settings.TENCENT_SMS_SIGN_NAME
        request.TemplateId = settings.SMS_TEMPLATES[purpose]
        request.TemplateParamSet = params
        request.PhoneNumberSet = [f"+86{phone}"]
        try:
            response = self.client.SendSms(request)
        except TencentCloudSDKException as error:
            raise SmsFailed(error.get_code() or "ClientError", error.get_message() or "") from None
        status = response.SendStatusSet[0]
        if status.Code != "Ok":
            raise SmsFailed(status.Code, status.Message)
        return SmsSent(provider_id=status.SerialNo)


def sms_provider() -> SmsProvider:
    """The configured provider (built per use: messages are few, and settings stay live in tests)."""
    return import_string(settings.SMS_PROVIDER)()
