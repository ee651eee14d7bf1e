"""Accounts, passwords and sign-in limits (part of the base settings).

Imported by ``base`` with ``*``; environments override these after it as usual.
"""

import os

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Axes first (refuses locked-out sign-ins before a password is checked); people
# sign in with their email or username (lms.accounts.backends).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "lms.accounts.backends.EmailOrUsernameBackend",
]
# Rate limit (ADR 0006, ADR 0014): 5 failures lock that account from that address
# for 15 minutes, never everyone behind a shared address; slower back-offs per
# account and per address live in lms/accounts/signin_limits.py. A successful
# sign-in clears that account's count from that address.
AXES_HANDLER = "lms.accounts.signin_limits.SignInLimitHandler"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "lms.accounts.backends.axes_username"
# Email verification and password reset links stay valid for 3 days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Escuela de Participación <no-responder@localhost>"
)
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
