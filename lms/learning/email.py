"""Learning emails: one notice by email, and the unsubscribe link that stops them.

Invariants:
- a notice is emailed at most once, never to someone who unsubscribed in this
  locality or has no email; the message leaves only after commit;
- every email carries a signed, per-locality unsubscribe link (also as
  ``List-Unsubscribe``), honoured by ``unsubscribe``;
- the body comes from ``learning/email/notification.txt``; links are absolute,
  built from the locality's own domain.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from lms.accounts import api as accounts_api
from tenants import api as tenants_api

from .models import EmailOptOut as _EmailOptOut
from .models import Notification as _Notification

__all__ = ["send_notification_email", "unsubscribe", "unsubscribe_token"]


def send_notification_email(notification_id: int) -> bool:
    """Email one notice, in Spanish, with an unsubscribe link; at most once.

    Skipped (False) when the person unsubscribed here, has no email, or it was
    already sent.
    """
    with transaction.atomic():
        row = (
            _Notification.objects.select_for_update()
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if row is None or _EmailOptOut.objects.filter(user_id=row.user_id).exists():
            return False
        people = accounts_api.list_people([row.user_id])
        email = people[0].email if people else None
        if not email:
            return False
        site = _site_url()
        unsubscribe_url = (
            f"{site}/aprendizaje/avisos/baja/{unsubscribe_token(row.user_id)}/"
        )
        body = render_to_string(
            "learning/email/notification.txt",
            {
                "body": row.body,
                "link": f"{site}{row.link}" if row.link.startswith("/") else row.link,
                "unsubscribe_url": unsubscribe_url,
            },
        ).rstrip("\n")  # the template file ends with a newline; the message does not
        row.emailed_at = timezone.now()
        row.save(update_fields=["emailed_at"])
        transaction.on_commit(lambda: _send(row.title, body, email, unsubscribe_url))
    return True


def _send(title: str, body: str, email: str, unsubscribe_url: str) -> None:
    message = EmailMessage(
        f"{title} · Escuela de Participación",
        body,
        settings.DEFAULT_FROM_EMAIL,
        [email],
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>"},
    )
    message.send()


def _site_url() -> str:
    locality = tenants_api.get_locality(tenants_api.current_schema())
    return tenants_api.site_url(locality.domain or "localhost")


def unsubscribe_token(user_id: int) -> str:
    """Signed, per locality: the link in every email stops them from this site."""
    return signing.dumps(
        user_id, salt=f"learning.unsubscribe.{tenants_api.current_schema()}"
    )


@transaction.atomic
def unsubscribe(token: str) -> bool:
    """Honour an unsubscribe link; False (nothing done) if the link is not valid."""
    try:
        user_id = int(
            signing.loads(
                token, salt=f"learning.unsubscribe.{tenants_api.current_schema()}"
            )
        )
    except (signing.BadSignature, TypeError, ValueError):
        return False
    _EmailOptOut.objects.get_or_create(user_id=user_id)
    return True
