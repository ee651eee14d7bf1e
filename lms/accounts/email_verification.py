"""Proving that an email is the person's: a signed link, mailed after commit."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from tenants import api as tenants_api

from .models import User as _User
from .tokens import email_verification_token

__all__ = ["send_verification_email", "verify_email"]


def send_verification_email(user_id: int, *, base_url: str) -> bool:
    """Mail the person a link that proves the email is theirs (after commit).

    False (and nothing sent) when the email is already verified or missing.

    ``base_url`` is the locality's own address (``http://kennedy.localhost:8000``),
    so the link opens where the person registered.
    """
    with tenants_api.in_public_schema():
        user = _User.objects.get(pk=user_id)
    address = user.email
    if not address or user.email_verified_at is not None:
        return False
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_verification_token.make_token(user)
    link = f"{base_url.rstrip('/')}/cuenta/verificar/{uid}/{token}/"
    subject = _("Confirme su correo · Escuela de Participación")
    body = render_to_string(
        "accounts/email/verify_email.txt", {"user": user, "link": link}
    )
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    )
    return True


@transaction.atomic
def verify_email(uidb64: str, token: str) -> bool:
    """Mark the email verified if the link is valid; False when it is not."""
    with tenants_api.in_public_schema():
        try:
            user_id = int(force_str(urlsafe_base64_decode(uidb64)))
            user = _User.objects.select_for_update().get(pk=user_id)
        except (ValueError, TypeError, OverflowError, _User.DoesNotExist):
            return False
        if not email_verification_token.check_token(user, token):
            return False
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        return True
