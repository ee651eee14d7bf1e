"""Sign-in limits: one person's mistakes never lock the others at the same address."""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from lms.accounts.signin_limits import ADDRESS_THRESHOLD, account_wait

SALON = "190.24.10.7"  # a community centre's shared Wi-Fi


def _client(address: str) -> Client:
    return Client(HTTP_HOST="kennedy.test", REMOTE_ADDR=address)


def _sign_in(client: Client, login: str, password: str):
    return client.post("/cuenta/ingresar/", {"username": login, "password": password})


def test_two_people_on_one_address_one_locked_the_other_signs_in(register):
    ana, luis = register(), register()
    salon = _client(SALON)
    for _ in range(4):
        assert _sign_in(salon, ana.email, "mala").status_code == 200
    assert _sign_in(salon, ana.email, "mala").status_code == 429  # the fifth
    # Ana is locked there, even with the right password...
    locked = _sign_in(salon, ana.email, "clave-segura-1")
    assert locked.status_code == 429
    assert "Demasiados intentos" in locked.text
    # ...and Luis, on the same Wi-Fi, signs in.
    assert _sign_in(_client(SALON), luis.email, "clave-segura-1").status_code == 302
    # Ana from her phone's own address is not locked by the salón's counter.
    assert (
        _sign_in(_client("181.50.3.9"), ana.email, "clave-segura-1").status_code == 302
    )


def test_the_lock_counts_email_document_and_username_as_one_account(register):
    ana = register(document_number="1023456789")
    salon = _client(SALON)
    for login in (
        "ANA" + ana.email[3:],
        "1.023.456.789",
        "CC 1023456789",
        ana.username,
    ):
        _sign_in(salon, login, "mala")
    _sign_in(salon, ana.email, "mala")
    assert _sign_in(salon, ana.email, "clave-segura-1").status_code == 429


def test_people_sign_in_with_their_document_number(register):
    ana = register(document_number="1034567890")
    assert not ana.username.startswith("cc")
    assert "1034567890" not in ana.username
    assert (
        _sign_in(_client(SALON), "1.034.567.890", "clave-segura-1").status_code == 302
    )


def test_an_account_attacked_from_many_addresses_waits_briefly_then_opens(register):
    ana = register()
    for i in range(12):
        _sign_in(_client(f"198.51.100.{i + 1}"), ana.email, "mala")
    # From yet another address, with the right password: a short back-off.
    assert (
        _sign_in(_client("181.50.3.9"), ana.email, "clave-segura-1").status_code == 429
    )
    # The back-off is short: once it has passed, the right password works.
    wait = account_wait(12)
    assert wait is not None and wait <= timedelta(minutes=5)
    AccessAttempt.objects.filter(username=ana.username).update(
        attempt_time=timezone.now() - wait - timedelta(seconds=1)
    )
    assert (
        _sign_in(_client("181.50.3.9"), ana.email, "clave-segura-1").status_code == 302
    )


def test_account_back_off_grows_and_is_capped():
    assert account_wait(9) is None
    assert account_wait(10) == timedelta(minutes=1)
    assert account_wait(15) == timedelta(minutes=2)
    assert account_wait(20) == timedelta(minutes=4)
    assert account_wait(500) == timedelta(minutes=5)


def test_password_spraying_from_one_address_is_slowed(register):
    ana = register()
    spray = _client("203.0.113.5")
    for i in range(ADDRESS_THRESHOLD):
        _sign_in(spray, f"nadie{i}@example.org", "clave-comun-1")
    assert _sign_in(spray, ana.email, "clave-segura-1").status_code == 429
    # The salón is not that address: its people are unaffected.
    assert _sign_in(_client(SALON), ana.email, "clave-segura-1").status_code == 302
