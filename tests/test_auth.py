"""Logging in and out, throttling, passwords and the work-context switcher, through the real views."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.core import mail
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django_scopes import scopes_disabled

from schools.models import Role
from tests.factories import PASSWORD, MembershipFactory

# Resolved lazily: reversing at import time would load the URLconf before pytest-django turns DEBUG off.
LOGIN_URL = reverse_lazy("accounts:login")
WRONG_LOGIN_MESSAGE = "Неверный логин (e-mail) или пароль"
LOCKED_OUT_MESSAGE = "Вход временно заблокирован"
NEW_PASSWORD = "Zelyonaya-lampa-2024"


def _login(client, login: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN_URL, {"username": login, "password": password}, **extra)


def _logged_in_user_id(client) -> str | None:
    return client.session.get(AUTH_SESSION_KEY)


@pytest.fixture
def axes_on(settings):
    """Login throttling as in production (the suite switches it off by default)."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    return settings


# --- Logging in -----------------------------------------------------------------------------------


def test_it_logs_a_user_in_by_username_and_sends_them_home(client, world):
    user = world.user("a", "curator")
    response = _login(client, user.username)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert _logged_in_user_id(client) == str(user.pk)
    assert "Рабочий стол куратора" in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    "login", ["a-curator@example.org", "A-Curator@EXAMPLE.ORG", "  a-curator@Example.org "]
)
def test_it_logs_a_user_in_by_email_whatever_the_letter_case(client, world, login):
    response = _login(client, login)
    assert response.status_code == 302
    assert _logged_in_user_id(client) == str(world.user("a", "curator").pk)


def test_a_wrong_password_shows_the_russian_message_and_logs_nobody_in(client, world):
    response = _login(client, "a-curator", "not-the-password")
    assert response.status_code == 200
    assert WRONG_LOGIN_MESSAGE in response.content.decode()
    assert _logged_in_user_id(client) is None


def test_an_unknown_login_gets_the_same_message_as_a_wrong_password(client, world):
    response = _login(client, "nobody@example.org", "whatever-password")
    assert response.status_code == 200
    assert WRONG_LOGIN_MESSAGE in response.content.decode()


def test_an_inactive_user_cannot_log_in_even_with_the_right_password(client, world):
    user = world.user("a", "curator")
    user.is_active = False
    user.save(update_fields=["is_active"])
    for login in (user.username, user.email):
        response = _login(client, login)
        assert response.status_code == 200
        assert _logged_in_user_id(client) is None
    assert client.get(reverse("home")).status_code == 302


def test_the_login_page_redirects_to_a_local_next_but_not_to_another_host(client, world):
    staff_url = reverse("schools:staff-list")
    response = client.post(
        LOGIN_URL, {"username": "a-curator", "password": PASSWORD, "next": staff_url}, follow=False
    )
    assert response["Location"] == staff_url
    client.logout()
    response = client.post(
        LOGIN_URL, {"username": "a-curator", "password": PASSWORD, "next": "https://evil.example.com/"}
    )
    assert response["Location"] == reverse("home")


# --- Throttling (django-axes) ---------------------------------------------------------------------


def _fail(client, login: str, times: int, ip: str = "10.0.0.1") -> None:
    for _ in range(times):
        _login(client, login, "wrong-password", REMOTE_ADDR=ip)


def test_it_locks_a_login_after_five_failures_and_refuses_even_the_right_password(client, world, axes_on):
    _fail(client, "a-curator", settings.AXES_FAILURE_LIMIT - 1)
    # Four failures: the right password still works, and success clears the counter.
    assert _login(client, "a-curator", REMOTE_ADDR="10.0.0.1").status_code == 302
    client.logout()

    _fail(client, "a-curator", settings.AXES_FAILURE_LIMIT)
    response = _login(client, "a-curator", REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert LOCKED_OUT_MESSAGE in html
    assert "через 15 мин." in html
    assert reverse("accounts:password-reset") in html
    assert _logged_in_user_id(client) is None


def test_the_locked_out_page_names_the_configured_cool_off_time(client, world, axes_on):
    axes_on.AXES_COOLOFF_TIME = timedelta(minutes=30)
    _fail(client, "a-curator", settings.AXES_FAILURE_LIMIT)
    html = _login(client, "a-curator", REMOTE_ADDR="10.0.0.1").content.decode()
    assert "через 30 мин." in html


def test_a_lockout_holds_the_username_and_address_together_not_each_alone(client, world, axes_on):
    _fail(client, "a-curator", settings.AXES_FAILURE_LIMIT, ip="10.0.0.1")
    assert _login(client, "a-curator", REMOTE_ADDR="10.0.0.1").status_code == 429

    # Another login from the same address is not locked...
    assert _login(client, "a-director", REMOTE_ADDR="10.0.0.1").status_code == 302
    assert _logged_in_user_id(client) == str(world.user("a", "director").pk)
    client.logout()
    # ...and the same login from another address is not locked either.
    assert _login(client, "a-curator", REMOTE_ADDR="10.0.0.2").status_code == 302
    assert _logged_in_user_id(client) == str(world.user("a", "curator").pk)


def test_the_login_works_again_after_the_cool_off_time(client, world, axes_on):
    _fail(client, "a-curator", settings.AXES_FAILURE_LIMIT)
    assert _login(client, "a-curator", REMOTE_ADDR="10.0.0.1").status_code == 429

    # Time travel: the failures happened just over the cool-off time ago.
    long_ago = timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    assert AccessAttempt.objects.filter(username="a-curator").update(attempt_time=long_ago) == 1

    response = _login(client, "a-curator", REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 302
    assert _logged_in_user_id(client) == str(world.user("a", "curator").pk)


# --- Logging out and sessions ---------------------------------------------------------------------


def test_logout_refuses_get_and_ends_the_session_on_post(client, world):
    client.force_login(world.user("a", "curator"))
    logout_url = reverse("accounts:logout")

    assert client.get(logout_url).status_code == 405
    assert _logged_in_user_id(client) is not None

    response = client.post(logout_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert _logged_in_user_id(client) is None
    home = client.get(reverse("home"))
    assert home.status_code == 302
    assert home["Location"].startswith(str(LOGIN_URL))


def test_the_session_cookie_ends_with_the_browser_and_the_session_expires_after_the_configured_age(
    client, world
):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    response = _login(client, "a-curator")
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value
    # A browser-session cookie: no lifetime of its own.
    assert not cookie["max-age"]
    assert not cookie["expires"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"

    session = client.session
    assert session.get_expire_at_browser_close() is True
    assert session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    # The stored session itself runs out after SESSION_COOKIE_AGE.
    remaining = (session.get_expiry_date() - timezone.now()).total_seconds()
    assert settings.SESSION_COOKIE_AGE - 60 < remaining <= settings.SESSION_COOKIE_AGE


# --- Passwords ------------------------------------------------------------------------------------


def test_a_logged_in_user_changes_their_password_and_stays_logged_in(client, world):
    user = world.user("a", "curator")
    client.force_login(user)
    url = reverse("accounts:password-change")
    assert "Смена пароля" in client.get(url).content.decode()

    response = client.post(
        url, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-change-done")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert client.get(reverse("home")).status_code == 200

    client.logout()
    assert _login(client, user.username).status_code == 200
    assert _login(client, user.username, NEW_PASSWORD).status_code == 302


def test_a_password_change_with_a_wrong_old_password_is_refused(client, world):
    user = world.user("a", "curator")
    client.force_login(user)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": "wrong-old-one", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_reset_sends_one_russian_letter_whose_link_sets_a_new_password(client, world):
    user = world.user("a", "curator")
    response = client.post(reverse("accounts:password-reset"), {"email": "A-CURATOR@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-reset-done")

    assert len(mail.outbox) == 1
    letter = mail.outbox[0]
    assert letter.to == [user.email]
    assert letter.subject == "Восстановление пароля в системе «Наставник»"
    assert "Здравствуйте" in letter.body
    assert f"Ваш логин: {user.username}" in letter.body

    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", letter.body)
    assert link, letter.body
    confirm = client.get(link.group(1), follow=True)
    assert confirm.status_code == 200
    assert confirm.context["validlink"] is True
    form_url = confirm.redirect_chain[-1][0]

    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:password-reset-complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    # The link is single-use.
    again = client.get(link.group(1), follow=True)
    assert again.context["validlink"] is False
    assert _login(client, user.username, NEW_PASSWORD).status_code == 302


def test_password_reset_for_an_unknown_email_sends_nothing_and_looks_the_same(client, world):
    known = client.post(reverse("accounts:password-reset"), {"email": "a-curator@example.org"}, follow=True)
    mail.outbox.clear()
    unknown = client.post(reverse("accounts:password-reset"), {"email": "nobody@example.org"}, follow=True)

    assert mail.outbox == []
    assert unknown.status_code == known.status_code == 200
    assert unknown.redirect_chain == known.redirect_chain
    assert "Проверьте почту" in unknown.content.decode()


def test_password_reset_sends_nothing_to_an_inactive_user(client, world):
    user = world.user("a", "curator")
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.post(reverse("accounts:password-reset"), {"email": user.email})
    assert response.status_code == 302
    assert mail.outbox == []


# --- The work-context switcher --------------------------------------------------------------------


@pytest.fixture
def curator_and_mentor(world):
    """A curator of school A who is also a mentor in school B."""
    user = world.user("a", "curator")
    with scopes_disabled():
        curator = user.memberships.get(role=Role.CURATOR)
        mentor = MembershipFactory(user=user, role=Role.MENTOR, school=world.b.school)
    return user, curator, mentor


def test_a_user_with_two_roles_sees_both_in_the_switcher(client, world, curator_and_mentor):
    user, curator, mentor = curator_and_mentor
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="context-switcher"' in html
    assert f'value="m{curator.pk}"' in html
    assert f'value="m{mentor.pk}"' in html
    for text in ("Куратор наставничества", "Наставник", world.a.school.short_name, world.b.school.short_name):
        assert text in html
    assert "Рабочий стол куратора" in html


def test_a_user_with_one_role_sees_no_switcher(client, world):
    client.force_login(world.user("a", "curator"))
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="context-switcher"' not in html
    assert 'data-testid="work-context"' in html


def test_switching_to_ones_own_role_changes_the_home_page_and_the_scope(client, world, curator_and_mentor):
    user, curator, mentor = curator_and_mentor
    client.force_login(user)
    response = client.post(reverse("schools:switch-context"), {"context": f"m{mentor.pk}"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")

    html = client.get(reverse("home")).content.decode()
    assert "Кабинет наставника" in html
    assert world.b.school.short_name in html
    # A mentor does not read the staff base.
    assert client.get(reverse("schools:staff-list")).status_code == 404

    client.post(reverse("schools:switch-context"), {"context": f"m{curator.pk}"})
    assert "Рабочий стол куратора" in client.get(reverse("home")).content.decode()
    assert client.get(reverse("schools:staff-list")).status_code == 200


def test_switching_to_another_users_role_is_a_404_and_changes_nothing(client, world, curator_and_mentor):
    user, _, _ = curator_and_mentor
    client.force_login(user)
    with scopes_disabled():
        foreign = world.user("a", "director").memberships.get()
    for key in (f"m{foreign.pk}", "admin", "", "m999999"):
        response = client.post(reverse("schools:switch-context"), {"context": key})
        assert response.status_code == 404, key
    assert "Рабочий стол куратора" in client.get(reverse("home")).content.decode()


def test_switching_context_requires_post(client, world, curator_and_mentor):
    user, _, mentor = curator_and_mentor
    client.force_login(user)
    response = client.get(reverse("schools:switch-context"), {"context": f"m{mentor.pk}"})
    assert response.status_code == 405


def test_switching_context_follows_a_local_next_but_ignores_an_external_one(
    client, world, curator_and_mentor
):
    user, curator, mentor = curator_and_mentor
    client.force_login(user)
    url = reverse("schools:switch-context")

    for external in ("https://evil.example.com/", "//evil.example.com/", "https:evil.example.com"):
        response = client.post(url, {"context": f"m{mentor.pk}", "next": external})
        assert response.status_code == 302
        assert response["Location"] == reverse("home"), external

    staff_url = reverse("schools:staff-list")
    response = client.post(url, {"context": f"m{curator.pk}", "next": staff_url})
    assert response["Location"] == staff_url


@pytest.mark.parametrize(
    "variant", ["A-CURATOR@example.org", "a-Curator@Example.org", "a-curator", " a-curator@example.org"]
)
def test_a_lockout_cannot_be_dodged_by_retyping_the_same_account_differently(client, world, axes_on, variant):
    """E-mail logins are case-insensitive, so every spelling of one account shares one failure count."""
    _fail(client, "a-curator@example.org", settings.AXES_FAILURE_LIMIT)
    response = _login(client, variant, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429
    assert _logged_in_user_id(client) is None


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # no trusted proxy: the header is the client's own words
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # a forged left part is ignored
        (2, "203.0.113.9, 10.0.0.7", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.2"),  # shorter than the proxy chain: fall back to the socket
    ],
)
def test_throttling_counts_the_client_address_behind_trusted_proxies(
    settings, rf, proxies, forwarded, expected
):
    from schools.auth import client_ip

    settings.PROXY_COUNT = proxies
    request = rf.post("/accounts/login/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_setting_a_new_password_by_the_mailed_link_lifts_the_login_lock(client, world, settings):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    settings.AXES_ENABLED = True
    user = world.a.users["curator"]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": user.username, "password": "wrong"})
    assert (
        client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD}).status_code
        == 429
    )
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    url = reverse("accounts:password-reset-confirm", kwargs={"uidb64": uid, "token": token})
    set_url = client.get(url)["Location"]
    new = "Nov-yj-parol-2026!"
    assert client.post(set_url, {"new_password1": new, "new_password2": new}).status_code == 302
    assert not AccessAttempt.objects.filter(username=user.username).exists()
    assert (
        client.post(reverse("accounts:login"), {"username": user.username, "password": new}).status_code
        == 302
    )
