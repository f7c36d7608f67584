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
