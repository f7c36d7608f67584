"""Authentication by login or e-mail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


class LoginOrEmailBackend(ModelBackend):
    """Accepts the username or the e-mail address in the login field.

    The password is hashed even when no such user exists, so response time does not tell
    whether a login is registered.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ):
        User = get_user_model()
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if not username or password is None:
            return None
        try:
            user = User.objects.get_by_login(username.strip())
        except (User.DoesNotExist, User.MultipleObjectsReturned):
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The key under which django-axes counts login failures: one account, one key.

    E-mail logins are case-insensitive, so «Ivanova@school.ru» and «ivanova@SCHOOL.ru» reach the
    same account; counting them apart would give an attacker five more guesses per spelling. A
    known account is counted under its username (whichever way it was typed); an unknown login
    under its trimmed, case-folded form.
    """
    login = (credentials or {}).get("username")
    if login is None:
        login = getattr(request, "POST", {}).get("username")
    if not login:
        return login
    login = login.strip()
    User = get_user_model()
    try:
        return User.objects.get_by_login(login).get_username()
    except (User.DoesNotExist, User.MultipleObjectsReturned):
        return login.casefold() if "@" in login else login


def client_ip(request: HttpRequest) -> str:
    """The client's address for login throttling, trusting exactly PROXY_COUNT reverse proxies.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For, so the
    client is the PROXY_COUNT-th entry from the right; anything further left was written by the
    client itself and is ignored. Without proxies (or a short header) REMOTE_ADDR is the client.
    """
    from django.conf import settings

    remote = request.META.get("REMOTE_ADDR", "")
    count = getattr(settings, "PROXY_COUNT", 0)
    if count <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    return hops[-count] if len(hops) >= count else remote
