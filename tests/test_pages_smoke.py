import pytest
from django.urls import reverse

from tests.conftest import ALL_ROLE_NAMES

HEADINGS = {
    "admin": "Администратор платформы",
    "regional_methodist": "Рабочий стол регионального методиста",
    "municipal_methodist": "Рабочий стол муниципального методиста",
    "director": "Рабочий стол руководителя",
    "curator": "Рабочий стол куратора",
    "psychologist": "Рабочий стол педагога-психолога",
    "mentor": "Мой кабинет",
    "mentee": "Мой кабинет",
}


@pytest.mark.parametrize("role", ALL_ROLE_NAMES)
def test_each_role_lands_on_its_own_russian_home_page(client, world, role):
    client.force_login(world.user("a", role))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert HEADINGS[role] in html
    assert '<html lang="ru">' in html


@pytest.mark.parametrize("role", ALL_ROLE_NAMES)
def test_every_menu_item_of_a_role_opens_for_that_role(client, world, role):
    """A menu never offers a page its role cannot open (the psychologist's monitoring items included)."""
    from schools.navigation import MENU, NavGroup

    client.force_login(world.user("a", role))
    items = [i for e in MENU[role] for i in (e.items if isinstance(e, NavGroup) else (e,))]
    for item in items:
        response = client.get(reverse(item.url_name))
        assert response.status_code in (200, 302), (item.url_name, response.status_code)
        if response.status_code == 302:
            assert "/login" not in response["Location"], item.url_name
