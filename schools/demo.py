"""Demonstration data: one region with municipalities, schools, their staff and demo accounts.

Everything is generated in memory from ``random.Random(seed)`` first (``build_plan``) and only then
written in one transaction with ``bulk_create`` (``seed_demo``): the same arguments always give the
same data, and two thousand schools load in seconds. All demo accounts share the password «demo»,
so loading is refused on a production configuration (``settings.DEMO_ALLOWED``) unless forced.

Seeding crosses every tenant, so it runs under django-scopes' ``scopes_disabled()`` — this module
is one of the few places allowed to do that (see ``schools.tenancy``).
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import NamedTuple, TypeVar

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models.functions import Lower
from django_scopes import scopes_disabled

from schools.models import (
    EmploymentStatus,
    Membership,
    Municipality,
    QualificationCategory,
    Region,
    Role,
    School,
    SchoolKind,
    Staff,
    User,
)
from schools.years import school_year_of

T = TypeVar("T")

DEMO_REGION_CODE = "demo-region"
DEMO_REGION_NAME = "Саратовская область"
DEMO_PASSWORD = "demo"
ADMIN_LOGIN = "admin"
MULTI_LOGIN = "multi"
REGION_METHODIST_LOGIN = "region.methodist"
EMAIL_DOMAIN = "example.org"
# Fixed, not date.today(): the same seed must give the same hire dates and ages in any year.
REFERENCE_DATE = date(2026, 9, 1)
BATCH_SIZE = 1000
# Schools of each municipality that get one account per school role.
ACCOUNT_SCHOOLS_PER_MUNICIPALITY = 2
ACCOUNT_ROLES: tuple[str, ...] = (
    Role.DIRECTOR,
    Role.CURATOR,
    Role.PSYCHOLOGIST,
    Role.MENTOR,
    Role.MENTEE,
)
ROLE_ORDER: tuple[str, ...] = (
    Role.ADMIN,
    Role.REGIONAL_METHODIST,
    Role.MUNICIPAL_METHODIST,
    *ACCOUNT_ROLES,
)

DIRECTOR = "директор"
DEPUTY_UVR = "заместитель директора по УВР"
PSYCHOLOGIST = "педагог-психолог"


class DemoError(Exception):
    """Seeding cannot proceed; the message is Russian and meant for the operator."""


# --- Reference data ------------------------------------------------------------------------------


class MunicipalityInfo(NamedTuple):
    """What a municipality's schools need to be named and addressed plausibly."""

    name: str
    name_genitive: str  # «…администрации Пугачёвского муниципального района»
    town: str  # locality of the centre, as written in an address
    town_genitive: str  # as written after a school's name: «… № 5» г. Энгельса
    adjective: str  # «Пугачёвский политехнический колледж»
    is_city: bool
    postcode: int
    phone_code: str


def _district(adj: str, town: str, town_gen: str, postcode: int, phone: str) -> MunicipalityInfo:
    stem = adj[:-2]  # Пугачёвский → Пугачёвск
    return MunicipalityInfo(
        name=f"{adj} муниципальный район",
        name_genitive=f"{stem}ого муниципального района",
        town=town,
        town_genitive=town_gen,
        adjective=adj,
        is_city=False,
        postcode=postcode,
        phone_code=phone,
    )


MUNICIPALITIES: tuple[MunicipalityInfo, ...] = (
    _district("Пугачёвский", "г. Пугачёв", "г. Пугачёва", 413720, "84574"),
    MunicipalityInfo(
        "город Энгельс", "города Энгельса", "г. Энгельс", "г. Энгельса", "Энгельсский", True, 413100, "8453"
    ),
    _district("Балашовский", "г. Балашов", "г. Балашова", 412300, "84545"),
    _district("Вольский", "г. Вольск", "г. Вольска", 412900, "84593"),
    _district("Марксовский", "г. Маркс", "г. Маркса", 413090, "84567"),
    MunicipalityInfo(
        "город Балаково", "города Балаково", "г. Балаково", "г. Балаково", "Балаковский", True, 413840, "8453"
    ),
    _district("Ртищевский", "г. Ртищево", "г. Ртищево", 412030, "84540"),
    _district("Аткарский", "г. Аткарск", "г. Аткарска", 412420, "84552"),
    _district("Петровский", "г. Петровск", "г. Петровска", 412540, "84555"),
    _district("Хвалынский", "г. Хвалынск", "г. Хвалынска", 412780, "84595"),
    _district("Красноармейский", "г. Красноармейск", "г. Красноармейска", 412800, "84550"),
    _district("Калининский", "г. Калининск", "г. Калининска", 412480, "84549"),
    _district("Ершовский", "г. Ершов", "г. Ершова", 413500, "84564"),
    _district("Новоузенский", "г. Новоузенск", "г. Новоузенска", 413360, "84562"),
    _district("Аркадакский", "г. Аркадак", "г. Аркадака", 412210, "84542"),
    _district("Краснокутский", "г. Красный Кут", "г. Красный Кут", 413230, "84560"),
    _district("Лысогорский", "р.п. Лысые Горы", "р.п. Лысые Горы", 412860, "84551"),
    _district("Екатериновский", "р.п. Екатериновка", "р.п. Екатериновка", 412120, "84554"),
    _district("Турковский", "р.п. Турки", "р.п. Турки", 412070, "84543"),
    _district("Самойловский", "р.п. Самойловка", "р.п. Самойловка", 412370, "84548"),
    _district("Татищевский", "р.п. Татищево", "р.п. Татищево", 412170, "84558"),
    _district("Дергачёвский", "р.п. Дергачи", "р.п. Дергачи", 413440, "84563"),
    _district("Питерский", "с. Питерка", "с. Питерка", 413320, "84561"),
    _district("Ивантеевский", "с. Ивантеевка", "с. Ивантеевка", 413950, "84579"),
)


def _municipality_info(index: int) -> MunicipalityInfo:
    """The index-th municipality; beyond the list, numbered municipal okrugs keep codes unique."""
    if index < len(MUNICIPALITIES):
        return MUNICIPALITIES[index]
    number = index + 1
    return MunicipalityInfo(
        name=f"Муниципальный округ № {number}",
        name_genitive=f"муниципального округа № {number}",
        town="р.п. Приволжский",
        town_genitive="р.п. Приволжский",
        adjective="Приволжский",
        is_city=False,
        postcode=413000 + number,
        phone_code="84577",
    )


OFFICE_PREFIXES: tuple[str, ...] = (
    "Управление образования администрации",
    "Управление образования администрации",
    "Комитет по образованию администрации",
    "Отдел образования администрации",
)

VILLAGES: tuple[str, ...] = (
    "Ивановка", "Берёзовка", "Александровка", "Михайловка", "Покровка", "Никольское", "Петровка",
    "Васильевка", "Сосновка", "Каменка", "Знаменка", "Дмитриевка", "Николаевка", "Краснополье",
    "Успенка", "Озёрки", "Липовка", "Рязанка", "Борисовка", "Песчанка", "Новотулка", "Селезниха",
    "Клинцовка", "Надеждинка", "Ореховка", "Преображенка", "Грачёвка", "Воскресенское", "Дубовка",
    "Ключи", "Вязовка", "Белогорное", "Нижняя Добринка", "Верхняя Чернавка", "Широкий Буерак",
    "Урицкое", "Красный Яр", "Березняки", "Луговское", "Степное", "Орловское", "Малая Быковка",
    "Тепловка", "Славянка", "Калиновка", "Ольшанка", "Тарханы", "Подлесное", "Кондаль", "Шумейка",
)  # fmt: skip

STREETS: tuple[str, ...] = (
    "ул. Ленина", "ул. Советская", "ул. Московская", "ул. Кирова", "ул. Пушкина", "ул. Гагарина",
    "ул. Мира", "ул. Садовая", "ул. Молодёжная", "ул. Комсомольская", "ул. Октябрьская",
    "ул. Пролетарская", "пр-т Строителей", "ул. Чапаева", "ул. Победы", "ул. Некрасова",
    "ул. Чернышевского", "ул. Горького", "ул. Интернациональная", "ул. Рабочая", "ул. Лесная",
    "ул. Революционная", "ул. Максима Горького", "ул. Заводская", "пл. Свободы",
)  # fmt: skip
VILLAGE_STREETS: tuple[str, ...] = ("ул. Школьная", "ул. Центральная", "ул. Советская", "ул. Молодёжная")
CITY_DISTRICTS: tuple[str, ...] = ("Центральный", "Северный", "Южный", "Заводской", "Волжский")

OWNERSHIP_FULL = {
    "МБОУ": "Муниципальное бюджетное общеобразовательное учреждение",
    "МАОУ": "Муниципальное автономное общеобразовательное учреждение",
    "МОУ": "Муниципальное общеобразовательное учреждение",
    "МБУ ДО": "Муниципальное бюджетное учреждение дополнительного образования",
    "МАУ ДО": "Муниципальное автономное учреждение дополнительного образования",
    "ГАПОУ СО": "Государственное автономное профессиональное образовательное учреждение Саратовской области",
    "ГБПОУ СО": "Государственное бюджетное профессиональное образовательное учреждение Саратовской области",
}

# (short name, full name, weight) of general schools in a town; {n} is the school's number.
TOWN_SCHOOL_TYPES: tuple[tuple[str, str, int], ...] = (
    ("СОШ № {n}", "Средняя общеобразовательная школа № {n}", 70),
    ("Гимназия № {n}", "Гимназия № {n}", 8),
    ("Лицей № {n}", "Лицей № {n}", 8),
    ("ООШ № {n}", "Основная общеобразовательная школа № {n}", 6),
    (
        "СОШ № {n} с УИОП",
        "Средняя общеобразовательная школа № {n} с углублённым изучением отдельных предметов",
        8,
    ),
)


class AdditionalType(NamedTuple):
    abbr: str
    full: str
    profile: str  # which staff it employs: general, sport, art, nature, tech
    numbered: bool  # «ДЮСШ № 1» even when it is the only one
    weight: int


ADDITIONAL_TYPES: tuple[AdditionalType, ...] = (
    AdditionalType("ЦДТ", "Центр детского творчества", "general", False, 3),
    AdditionalType("ДЮСШ", "Детско-юношеская спортивная школа", "sport", True, 3),
    AdditionalType("ДДТ", "Дом детского творчества", "general", False, 2),
    AdditionalType("ДШИ", "Детская школа искусств", "art", True, 2),
    AdditionalType("ЦДО", "Центр дополнительного образования", "general", False, 2),
    AdditionalType("СШ", "Спортивная школа", "sport", True, 1),
    AdditionalType("ЦВР", "Центр внешкольной работы", "general", False, 1),
    AdditionalType("СЮН", "Станция юных натуралистов", "nature", False, 1),
    AdditionalType("СЮТ", "Станция юных техников", "tech", False, 1),
)

# (name after the town adjective, profile) of colleges and technical schools.
VOCATIONAL_TYPES: tuple[tuple[str, str], ...] = (
    ("политехнический колледж", "tech"),
    ("аграрный техникум", "agro"),
    ("медицинский колледж", "med"),
    ("педагогический колледж", "ped"),
    ("колледж экономики и сервиса", "econ"),
    ("индустриальный техникум", "tech"),
    ("технологический техникум", "tech"),
    ("промышленно-экономический техникум", "econ"),
    ("техникум строительства и жилищно-коммунального хозяйства", "tech"),
    ("колледж отраслевых технологий", "tech"),
)


class Post(NamedTuple):
    """A teaching post: position, the subject lines it teaches, weight, share of women."""

    position: str
    subjects: tuple[str, ...]
    weight: int
    female_share: float


SCHOOL_TEACHERS: tuple[Post, ...] = (
    Post(
        "учитель начальных классов",
        ("русский язык, литературное чтение, математика, окружающий мир",),
        22,
        0.97,
    ),
    Post("учитель русского языка и литературы", ("русский язык, литература",), 12, 0.95),
    Post(
        "учитель математики",
        ("математика", "алгебра, геометрия", "алгебра, геометрия, вероятность и статистика"),
        11,
        0.85,
    ),
    Post("учитель английского языка", ("английский язык",), 7, 0.93),
    Post("учитель немецкого языка", ("немецкий язык",), 1, 0.93),
    Post(
        "учитель истории и обществознания",
        ("история, обществознание", "история, обществознание, право"),
        6,
        0.75,
    ),
    Post("учитель биологии", ("биология",), 3, 0.88),
    Post("учитель химии", ("химия",), 2, 0.88),
    Post("учитель химии и биологии", ("химия, биология",), 2, 0.9),
    Post("учитель физики", ("физика", "физика, астрономия"), 3, 0.65),
    Post("учитель географии", ("география",), 3, 0.8),
    Post("учитель информатики", ("информатика",), 3, 0.55),
    Post("учитель физической культуры", ("физическая культура",), 5, 0.4),
    Post("учитель технологии", ("труд (технология)",), 3, 0.5),
    Post("учитель музыки", ("музыка",), 2, 0.85),
    Post("учитель изобразительного искусства", ("изобразительное искусство",), 2, 0.85),
    Post("преподаватель-организатор ОБЗР", ("основы безопасности и защиты Родины",), 1, 0.25),
)

# (position, probability of having one, female share) of non-teaching posts in a general school.
SCHOOL_SPECIALISTS: tuple[tuple[str, float, float], ...] = (
    ("заместитель директора по ВР", 0.7, 0.85),
    (PSYCHOLOGIST, 0.85, 0.95),
    ("социальный педагог", 0.6, 0.95),
    ("учитель-логопед", 0.5, 0.98),
    ("советник директора по воспитанию", 0.6, 0.8),
    ("педагог-организатор", 0.4, 0.85),
    ("педагог-библиотекарь", 0.3, 0.98),
)

ADDITIONAL_SUBJECTS: dict[str, tuple[str, ...]] = {
    "general": (
        "хореография", "вокал", "изобразительное творчество", "декоративно-прикладное творчество",
        "театральное творчество", "робототехника", "шахматы", "туризм и краеведение", "журналистика",
        "программирование", "фотостудия", "мультипликация",
    ),
    "nature": ("экология", "юные натуралисты", "цветоводство и ландшафтный дизайн", "зоология", "краеведение"),
    "tech": ("робототехника", "авиамоделирование", "судомоделирование", "3D-моделирование", "радиоэлектроника"),
    "sport": (
        "футбол", "волейбол", "баскетбол", "лёгкая атлетика", "дзюдо", "самбо", "лыжные гонки", "плавание",
        "настольный теннис", "вольная борьба",
    ),
    "art": (
        "фортепиано", "баян, аккордеон", "домра, балалайка", "хоровое пение", "сольфеджио, музыкальная литература",
        "живопись, рисунок, композиция", "хореография", "театральное искусство", "гитара",
    ),
}  # fmt: skip

VOCATIONAL_GENERAL_SUBJECTS: tuple[str, ...] = (
    "русский язык, литература", "математика", "история, обществознание", "иностранный язык (английский)",
    "физическая культура", "информатика", "физика", "химия, биология", "основы безопасности и защиты Родины",
)  # fmt: skip
VOCATIONAL_PROFILE_SUBJECTS: dict[str, tuple[str, ...]] = {
    "tech": (
        "техническая механика", "электротехника и электроника", "инженерная графика", "материаловедение",
        "сварочное производство", "техническое обслуживание и ремонт автомобилей", "метрология и стандартизация",
    ),
    "agro": (
        "агрономия", "механизация сельского хозяйства", "ветеринария", "эксплуатация сельскохозяйственной техники",
        "зоотехния",
    ),
    "med": (
        "сестринское дело", "анатомия и физиология человека", "фармакология", "основы микробиологии",
        "акушерство", "основы патологии",
    ),
    "ped": (
        "педагогика", "психология", "теория и методика физического воспитания",
        "методика преподавания русского языка в начальной школе", "детская литература",
        "теория и методика музыкального воспитания",
    ),
    "econ": (
        "бухгалтерский учёт", "экономика организации", "менеджмент",
        "информационные технологии в профессиональной деятельности", "право", "основы предпринимательства",
    ),
}  # fmt: skip

MALE_SURNAMES: tuple[str, ...] = (
    "Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Михайлов", "Новиков",
    "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
    "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв",
    "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов",
    "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв", "Ильин", "Максимов", "Поляков", "Сорокин",
    "Виноградов", "Ковалёв", "Белов", "Медведев", "Антонов", "Тарасов", "Жуков", "Баранов", "Филиппов",
    "Комаров", "Давыдов", "Беляев", "Герасимов", "Богданов", "Осипов", "Сидоров", "Матвеев", "Титов",
    "Марков", "Миронов", "Крылов", "Куликов", "Карпов", "Власов", "Мельников", "Денисов", "Гаврилов",
    "Тихонов", "Казаков", "Афанасьев", "Данилов", "Савельев", "Тимофеев", "Фомин", "Чернов", "Абрамов",
    "Мартынов", "Ефимов", "Федотов", "Щербаков", "Назаров", "Калинин", "Исаев", "Чернышёв", "Быков",
    "Маслов", "Родионов", "Коновалов", "Лазарев", "Воронин", "Климов", "Филатов", "Пономарёв", "Голубев",
    "Кудрявцев", "Прохоров", "Наумов", "Потапов", "Журавлёв", "Овчинников", "Трофимов", "Леонов",
    "Соболев", "Ермаков", "Колесников", "Гончаров", "Емельянов", "Никифоров", "Грачёв", "Котов", "Гришин",
    "Ефремов", "Архипов", "Громов", "Кириллов", "Малышев", "Панов", "Моисеев", "Румянцев", "Акимов",
    "Кондратьев", "Бирюков", "Горбунов", "Анисимов", "Ерёмин", "Тихомиров", "Галкин", "Лукьянов",
    "Михеев", "Скворцов", "Юдин", "Белоусов", "Нестеров", "Симонов", "Прокофьев", "Харитонов", "Князев",
    "Цветков", "Левин", "Митрофанов", "Аксёнов", "Мальцев", "Логинов", "Горшков", "Савин", "Краснов",
    "Майоров", "Демидов", "Елисеев", "Рыбаков", "Сафонов", "Плотников", "Дёмин", "Хохлов", "Жданов",
    "Руденко", "Шевченко", "Бондаренко", "Ткаченко", "Кравченко", "Коваленко", "Савченко", "Островский",
    "Покровский", "Вишневский", "Черных", "Седых", "Шевчук", "Полищук", "Толстой", "Луговской",
)  # fmt: skip

FEMALE_NAMES_OLDER: tuple[str, ...] = (
    "Татьяна", "Ольга", "Наталья", "Елена", "Светлана", "Ирина", "Галина", "Людмила", "Валентина",
    "Надежда", "Любовь", "Марина", "Лариса", "Нина", "Тамара", "Вера", "Оксана", "Алла", "Маргарита",
    "Лидия", "Юлия", "Елена", "Татьяна", "Наталья",
)  # fmt: skip
FEMALE_NAMES_YOUNGER: tuple[str, ...] = (
    "Анастасия", "Дарья", "Екатерина", "Мария", "Анна", "Виктория", "Ксения", "Полина", "Алина",
    "Юлия", "Кристина", "Валерия", "Елизавета", "Александра", "Софья", "Диана", "Олеся", "Евгения",
    "Ангелина", "Яна", "Ольга", "Елена", "Наталья", "Татьяна",
)  # fmt: skip
MALE_NAMES_OLDER: tuple[str, ...] = (
    "Александр", "Сергей", "Владимир", "Николай", "Виктор", "Юрий", "Андрей", "Михаил", "Анатолий",
    "Геннадий", "Валерий", "Игорь", "Олег", "Василий", "Алексей", "Евгений", "Борис", "Пётр",
)  # fmt: skip
MALE_NAMES_YOUNGER: tuple[str, ...] = (
    "Александр", "Дмитрий", "Максим", "Артём", "Никита", "Иван", "Кирилл", "Илья", "Алексей", "Денис",
    "Роман", "Егор", "Даниил", "Андрей", "Сергей", "Павел", "Антон", "Владислав",
)  # fmt: skip
PATRONYMICS: tuple[tuple[str, str], ...] = (
    ("Иванович", "Ивановна"), ("Петрович", "Петровна"), ("Сергеевич", "Сергеевна"),
    ("Николаевич", "Николаевна"), ("Александрович", "Александровна"), ("Алексеевич", "Алексеевна"),
    ("Андреевич", "Андреевна"), ("Владимирович", "Владимировна"), ("Викторович", "Викторовна"),
    ("Васильевич", "Васильевна"), ("Геннадьевич", "Геннадьевна"), ("Юрьевич", "Юрьевна"),
    ("Михайлович", "Михайловна"), ("Анатольевич", "Анатольевна"), ("Дмитриевич", "Дмитриевна"),
    ("Евгеньевич", "Евгеньевна"), ("Олегович", "Олеговна"), ("Игоревич", "Игоревна"),
    ("Валерьевич", "Валерьевна"), ("Павлович", "Павловна"), ("Борисович", "Борисовна"),
    ("Фёдорович", "Фёдоровна"), ("Григорьевич", "Григорьевна"), ("Константинович", "Константиновна"),
    ("Романович", "Романовна"), ("Вячеславович", "Вячеславовна"), ("Леонидович", "Леонидовна"),
    ("Ильич", "Ильинична"), ("Никитич", "Никитична"), ("Денисович", "Денисовна"),
    ("Станиславович", "Станиславовна"), ("Аркадьевич", "Аркадьевна"),
)  # fmt: skip

TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip


def female_surname(surname: str) -> str:
    """Russian surnames agree in gender: Иванов → Иванова, Покровский → Покровская; Шевченко stays."""
    if surname.endswith(("ский", "цкий")):
        return surname[:-2] + "ая"
    if surname.endswith("ой"):
        return surname[:-2] + "ая"
    if surname.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return surname + "а"
    return surname


def translit(text: str) -> str:
    return "".join(TRANSLIT.get(ch, ch) for ch in text.lower() if ch.isalnum() or ch in "-")


# --- The plan: everything to be written, built in memory -------------------------------------------


@dataclass
class Person:
    """One pedagogical worker (one Staff row) or, for methodists and the admin, just a name."""

    last_name: str = ""
    first_name: str = ""
    patronymic: str = ""
    female: bool = True
    position: str = ""
    subjects: str = ""
    is_teacher: bool = False
    experience_years: int = 0
    birth_year: int = 1980
    hire_date: date | None = None
    has_pedagogical_education: bool = True
    qualification_category: str = QualificationCategory.NONE
    employment_status: str = EmploymentStatus.WORKS
    email: str = ""
    login: str | None = None  # the demo account this Staff row belongs to

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)


@dataclass
class SchoolPlan:
    code: str
    kind: str
    short_name: str
    full_name: str
    district: str
    address: str
    email: str
    phone: str
    website: str
    municipality_code: str
    staff: list[Person] = field(default_factory=list)

    @property
    def director_name(self) -> str:
        return next((p.full_name for p in self.staff if p.position == DIRECTOR), "")


@dataclass
class MunicipalityPlan:
    code: str
    name: str
    office_name: str
    schools: list[SchoolPlan] = field(default_factory=list)


@dataclass
class AccountPlan:
    """A demo login with its roles: (role, school code, municipality code); region roles have neither."""

    login: str
    person: Person
    roles: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    is_superuser: bool = False

    @property
    def email(self) -> str:
        return f"{self.login}@{EMAIL_DOMAIN}"


@dataclass
class DemoPlan:
    seed: int
    region_code: str
    region_name: str
    municipalities: list[MunicipalityPlan]
    accounts: list[AccountPlan]

    @property
    def schools(self) -> list[SchoolPlan]:
        return [s for m in self.municipalities for s in m.schools]


def _weighted(rng: random.Random, items: Sequence[T], weights: Sequence[float]) -> T:
    return rng.choices(items, weights=weights, k=1)[0]


def _split_evenly(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def kind_counts(n: int) -> tuple[int, int, int]:
    """How many ОУ, УДО and СПО a municipality with n schools gets (~70 / 22 / 8 %).

    Small municipalities still get at least two УДО (from four schools on) and one СПО (from eight).
    """
    if n <= 1:
        return n, 0, 0
    vocational = max(1, round(n * 0.08)) if n >= 8 else 0
    additional = max(2 if n >= 4 else 1, round(n * 0.22))
    return n - additional - vocational, additional, vocational


def _experience(rng: random.Random, minimum: int = 0) -> int:
    """Teachers' experience: about a fifth are young specialists (0–3 years), the bulk 11–35 years."""
    if minimum:
        return rng.randint(minimum, max(minimum + 5, 38))
    r = rng.random()
    if r < 0.21:
        return rng.randint(0, 3)
    if r < 0.34:
        return rng.randint(4, 10)
    if r < 0.57:
        return rng.randint(11, 20)
    if r < 0.87:
        return rng.randint(21, 35)
    return rng.randint(36, 45)


def _category(rng: random.Random, experience: int) -> str:
    """Categories come with years: none for beginners, mostly «высшая» for veterans."""
    q = QualificationCategory
    if experience < 2:
        return q.NONE
    if experience < 5:
        return _weighted(rng, [q.NONE, q.FIRST, q.CONFORMITY], [60, 25, 15])
    if experience < 10:
        return _weighted(rng, [q.FIRST, q.HIGHEST, q.CONFORMITY, q.NONE], [55, 10, 20, 15])
    if experience < 15:
        return _weighted(rng, [q.FIRST, q.HIGHEST, q.CONFORMITY, q.NONE], [45, 35, 15, 5])
    return _weighted(rng, [q.HIGHEST, q.FIRST, q.CONFORMITY, q.NONE], [55, 35, 7, 3])


def _hire_date(rng: random.Random, years_ago: int) -> date:
    """Mostly the last days of August, before the school year; otherwise any day of the year."""
    year = REFERENCE_DATE.year - years_ago
    if years_ago == 0 or rng.random() < 0.6:
        return date(year, 8, rng.randint(15, 31))
    day = date(year, 1, 1) + timedelta(days=rng.randint(0, 364))
    return min(day, REFERENCE_DATE)


def _fill_career_and_name(
    rng: random.Random, p: Person, experience: int, ped_education_share: float = 0.95
) -> None:
    """Experience, age, hire date, category and a name that fits the generation of birth."""
    p.experience_years = experience
    start_age = rng.randint(21, 24) if experience <= 3 else rng.randint(21, 25)
    late_start = rng.randint(1, 10) if experience < 30 and rng.random() < 0.15 else 0
    p.birth_year = REFERENCE_DATE.year - start_age - late_start - experience
    if experience <= 3 and rng.random() < 0.8:
        tenure = experience
    elif rng.random() < 0.5:
        tenure = rng.randint(experience // 2, experience)
    else:
        tenure = rng.randint(0, experience)
    p.hire_date = _hire_date(rng, tenure)
    p.qualification_category = _category(rng, experience)
    share = ped_education_share * (0.7 if late_start else 1.0)
    p.has_pedagogical_education = rng.random() < share
    older = p.birth_year < 1982
    surname = rng.choice(MALE_SURNAMES)
    father_name = rng.choice(PATRONYMICS)
    if p.female:
        p.last_name = female_surname(surname)
        p.first_name = rng.choice(FEMALE_NAMES_OLDER if older else FEMALE_NAMES_YOUNGER)
        p.patronymic = father_name[1]
    else:
        p.last_name = surname
        p.first_name = rng.choice(MALE_NAMES_OLDER if older else MALE_NAMES_YOUNGER)
        p.patronymic = father_name[0]


def _person(
    rng: random.Random,
    position: str,
    subjects: str = "",
    female_share: float = 0.85,
    *,
    teacher: bool = False,
    min_experience: int = 0,
    ped_education_share: float = 0.95,
) -> Person:
    p = Person(position=position, subjects=subjects, is_teacher=teacher, female=rng.random() < female_share)
    _fill_career_and_name(rng, p, _experience(rng, min_experience), ped_education_share)
    r = rng.random()
    age = REFERENCE_DATE.year - p.birth_year
    if r < 0.03 and p.female and age < 42:
        p.employment_status = EmploymentStatus.MATERNITY
    elif 0.03 <= r < 0.05:
        p.employment_status = EmploymentStatus.LONG_BREAK
    elif 0.05 <= r < 0.07:
        p.employment_status = EmploymentStatus.DISMISSED
    return p


def _leaders(rng: random.Random, deputy: str, deputy_subject_pool: Sequence[str]) -> list[Person]:
    """Director and the main deputy; both usually still teach a subject."""
    director = _person(rng, DIRECTOR, female_share=0.75, min_experience=12)
    director.employment_status = EmploymentStatus.WORKS
    if rng.random() < 0.5:
        director.subjects = rng.choice(deputy_subject_pool)
    subjects = rng.choice(deputy_subject_pool) if rng.random() < 0.8 else ""
    return [director, _person(rng, deputy, subjects, 0.85, min_experience=8)]


def _general_staff(rng: random.Random, size: int) -> list[Person]:
    pool = [s for post in SCHOOL_TEACHERS for s in post.subjects]
    staff = _leaders(rng, DEPUTY_UVR, pool)
    if size >= 35 and rng.random() < 0.6:
        staff.append(_person(rng, DEPUTY_UVR, rng.choice(pool), 0.85, min_experience=8))
    for position, probability, female_share in SCHOOL_SPECIALISTS:
        if rng.random() < probability:
            minimum = 8 if position.startswith("заместитель") else 0
            staff.append(_person(rng, position, "", female_share, min_experience=minimum))
    weights = [post.weight for post in SCHOOL_TEACHERS]
    while len(staff) < size:
        post = _weighted(rng, SCHOOL_TEACHERS, weights)
        staff.append(_person(rng, post.position, rng.choice(post.subjects), post.female_share, teacher=True))
    return staff


def _additional_staff(rng: random.Random, size: int, profile: str) -> list[Person]:
    subjects = ADDITIONAL_SUBJECTS[profile]
    staff = _leaders(rng, DEPUTY_UVR, subjects)
    staff.append(_person(rng, "методист", "", 0.9))
    if rng.random() < 0.5:
        staff.append(_person(rng, "педагог-организатор", "", 0.85))
    if rng.random() < 0.3:
        staff.append(_person(rng, PSYCHOLOGIST, "", 0.95))
    if profile == "sport":
        position, female_share, ped = "тренер-преподаватель", 0.4, 0.8
    elif profile == "art":
        position, female_share, ped = "преподаватель", 0.75, 0.85
    else:
        position, female_share, ped = "педагог дополнительного образования", 0.8, 0.85
    while len(staff) < size:
        staff.append(
            _person(rng, position, rng.choice(subjects), female_share, teacher=True, ped_education_share=ped)
        )
    return staff


def _vocational_staff(rng: random.Random, size: int, profile: str) -> list[Person]:
    special = VOCATIONAL_PROFILE_SUBJECTS[profile]
    staff = _leaders(rng, "заместитель директора по учебной работе", special)
    staff.append(_person(rng, "заместитель директора по воспитательной работе", "", 0.8, min_experience=8))
    staff.append(_person(rng, "методист", "", 0.9))
    staff.append(_person(rng, PSYCHOLOGIST, "", 0.95))
    staff.append(_person(rng, "социальный педагог", "", 0.95))
    if rng.random() < 0.5:
        staff.append(_person(rng, "руководитель физического воспитания", "физическая культура", 0.4))
    masters = profile in ("tech", "agro")
    while len(staff) < size:
        r = rng.random()
        if r < 0.4:
            staff.append(
                _person(rng, "преподаватель", rng.choice(VOCATIONAL_GENERAL_SUBJECTS), 0.8, teacher=True)
            )
        elif r < 0.85 or not masters:
            subject = rng.choice(special)
            female_share = 0.35 if masters else 0.85
            staff.append(
                _person(rng, "преподаватель", subject, female_share, teacher=True, ped_education_share=0.55)
            )
        else:
            subject = f"учебная практика: {rng.choice(special)}"
            staff.append(
                _person(
                    rng,
                    "мастер производственного обучения",
                    subject,
                    0.2,
                    teacher=True,
                    ped_education_share=0.5,
                )
            )
    return staff


def _staff_email(p: Person, school_code: str) -> str:
    initials = translit(p.first_name[:1] + p.patronymic[:1])
    return f"{translit(p.last_name)}.{initials}@{school_code}.{EMAIL_DOMAIN}"


def _phone(rng: random.Random, code: str) -> str:
    if len(code) == 4:
        local = f"{rng.randint(20, 99)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"
    else:
        local = f"{rng.randint(2, 9)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"
    return f"+7 ({code}) {local}"


def _general_names(rng: random.Random, info: MunicipalityInfo, count: int) -> list[tuple[str, str, str, str]]:
    """(short name, full name, district, address) of a municipality's general schools.

    The first two are always town schools (they carry the demo accounts); in a rural municipality
    about 45 % of the rest are village schools, each in its own village.
    """
    villages = [] if info.is_city else rng.sample(VILLAGES, len(VILLAGES))
    number = 0
    result = []
    weights = [t[2] for t in TOWN_SCHOOL_TYPES]
    for i in range(count):
        if i >= 2 and villages and rng.random() < 0.45:
            village = villages.pop()
            abbr, kind_full = ("СОШ", "Средняя общеобразовательная школа")
            if rng.random() < 0.4:
                abbr, kind_full = ("ООШ", "Основная общеобразовательная школа")
            owner = "МОУ" if rng.random() < 0.2 else "МБОУ"
            locality = f"с. {village}"
            district_gen = f"{info.adjective[:-2]}ого района"
            short = f"{owner} {abbr} {locality}"
            full = f"{OWNERSHIP_FULL[owner]} «{kind_full} {locality} {district_gen} Саратовской области»"
            address = (
                f"{info.postcode + rng.randint(1, 60)}, Саратовская обл., {info.adjective} р-н, "
                f"{locality}, {rng.choice(VILLAGE_STREETS)}, д. {rng.randint(1, 40)}"
            )
            result.append((short, full, locality, address))
            continue
        number += 2 if rng.random() < 0.15 else 1  # a closed or merged school leaves a gap
        short_tpl, full_tpl, _weight = _weighted(rng, TOWN_SCHOOL_TYPES, weights)
        autonomous_share = 0.6 if short_tpl.startswith(("Гимназия", "Лицей")) else 0.2
        owner = "МАОУ" if rng.random() < autonomous_share else "МБОУ"
        short = f"{owner} {short_tpl.format(n=number)}"
        full = f"{OWNERSHIP_FULL[owner]} «{full_tpl.format(n=number)}» {info.town_genitive}"
        district = f"{rng.choice(CITY_DISTRICTS)} район" if info.is_city else info.town
        result.append((short, full, district, _town_address(rng, info)))
    return result


def _town_address(rng: random.Random, info: MunicipalityInfo) -> str:
    return (
        f"{info.postcode + rng.randint(0, 9)}, Саратовская обл., {info.town}, "
        f"{rng.choice(STREETS)}, д. {rng.randint(1, 120)}"
    )


def _additional_names(
    rng: random.Random, info: MunicipalityInfo, count: int
) -> list[tuple[str, str, str, str, str]]:
    """(short, full, district, address, staff profile) of УДО; the first two are a ЦДТ and a ДЮСШ."""
    used: Counter[str] = Counter()
    weights = [t.weight for t in ADDITIONAL_TYPES]
    result = []
    for i in range(count):
        kind = ADDITIONAL_TYPES[i] if i < 2 else _weighted(rng, ADDITIONAL_TYPES, weights)
        used[kind.abbr] += 1
        n = used[kind.abbr]
        suffix = f" № {n}" if kind.numbered or n > 1 else ""
        owner = "МАУ ДО" if rng.random() < 0.15 else "МБУ ДО"
        short = f"{owner} {kind.abbr}{suffix}"
        full = f"{OWNERSHIP_FULL[owner]} «{kind.full}{suffix}» {info.town_genitive}"
        district = f"{rng.choice(CITY_DISTRICTS)} район" if info.is_city else info.town
        result.append((short, full, district, _town_address(rng, info), kind.profile))
    return result


def _vocational_names(
    rng: random.Random, info: MunicipalityInfo, count: int
) -> list[tuple[str, str, str, str, str]]:
    """(short, full, district, address, profile) of colleges: regional, named after the town."""
    order = rng.sample(VOCATIONAL_TYPES, len(VOCATIONAL_TYPES))
    result = []
    for i in range(count):
        name, profile = order[i % len(order)]
        round_ = i // len(order)
        title = f"{info.adjective} {name}" + (f" № {round_ + 1}" if round_ else "")
        owner = "ГБПОУ СО" if profile in ("med", "ped") or rng.random() < 0.3 else "ГАПОУ СО"
        short = f"{owner} «{title}»"
        full = f"{OWNERSHIP_FULL[owner]} «{title}»"
        district = f"{rng.choice(CITY_DISTRICTS)} район" if info.is_city else info.town
        result.append((short, full, district, _town_address(rng, info), profile))
    return result


def _municipality(rng: random.Random, index: int, school_count: int) -> MunicipalityPlan:
    info = _municipality_info(index)
    code = f"mo{index + 1:02d}"
    plan = MunicipalityPlan(
        code=code, name=info.name, office_name=f"{rng.choice(OFFICE_PREFIXES)} {info.name_genitive}"
    )
    general, additional, vocational = kind_counts(school_count)
    rows: list[tuple[str, str, str, str, str, str]] = [
        (SchoolKind.GENERAL, *row, "") for row in _general_names(rng, info, general)
    ]
    rows += [(SchoolKind.ADDITIONAL, *row) for row in _additional_names(rng, info, additional)]
    rows += [(SchoolKind.VOCATIONAL, *row) for row in _vocational_names(rng, info, vocational)]
    for number, (kind, short, full, district, address, profile) in enumerate(rows, start=1):
        school_code = f"{code}-{number:03d}"
        if kind == SchoolKind.GENERAL:
            staff = _general_staff(rng, rng.randint(25, 45))
        elif kind == SchoolKind.ADDITIONAL:
            staff = _additional_staff(rng, rng.randint(10, 20), profile)
        else:
            staff = _vocational_staff(rng, rng.randint(20, 35), profile)
        plan.schools.append(
            SchoolPlan(
                code=school_code,
                kind=kind,
                short_name=short,
                full_name=full,
                district=district,
                address=address,
                email=f"{school_code}@{EMAIL_DOMAIN}",
                phone=_phone(rng, info.phone_code),
                website=f"https://{school_code}.{EMAIL_DOMAIN}/",
                municipality_code=code,
                staff=staff,
            )
        )
    return plan


# --- Accounts ------------------------------------------------------------------------------------


def _free_teachers(staff: Iterable[Person]) -> list[Person]:
    return [p for p in staff if p.is_teacher and p.login is None]


def _take(rng: random.Random, staff: list[Person], wanted: str) -> Person:
    """The first free person holding ``wanted``; if none, a teacher is given that post (counts stay)."""
    found = next((p for p in staff if p.position == wanted and p.login is None), None)
    if found is None:
        found = rng.choice(_free_teachers(staff))
        found.is_teacher = False
        found.position = wanted
        found.subjects = found.subjects if wanted == DEPUTY_UVR else ""
    return found


def _teacher_with(rng: random.Random, staff: list[Person], low: int, high: int) -> Person:
    """A working teacher with low..high years; if none, one teacher's career is rewritten to fit."""
    candidates = [
        p
        for p in _free_teachers(staff)
        if low <= p.experience_years <= high and p.employment_status == EmploymentStatus.WORKS
    ]
    if candidates:
        return rng.choice(candidates)
    p = rng.choice(_free_teachers(staff))
    _fill_career_and_name(rng, p, rng.randint(low, high))
    return p


def _school_accounts(rng: random.Random, school: SchoolPlan) -> list[AccountPlan]:
    """One account per school role, each tied to the Staff row of a fitting person."""
    accounts = []
    for role in ACCOUNT_ROLES:
        if role == Role.DIRECTOR:
            p = _take(rng, school.staff, DIRECTOR)
        elif role == Role.CURATOR:
            p = _take(rng, school.staff, DEPUTY_UVR)
        elif role == Role.PSYCHOLOGIST:
            p = _take(rng, school.staff, PSYCHOLOGIST)
        elif role == Role.MENTOR:
            p = _teacher_with(rng, school.staff, 15, 30)
        else:
            p = _teacher_with(rng, school.staff, 0, 2)
        account = AccountPlan(
            login=f"{school.code}.{role}", person=p, roles=[(role, school.code, school.municipality_code)]
        )
        p.login, p.email, p.employment_status = account.login, account.email, EmploymentStatus.WORKS
        accounts.append(account)
    return accounts


def _multi_account(rng: random.Random, first: SchoolPlan, second: SchoolPlan | None) -> AccountPlan:
    """Curator and mentor in the first school, mentor in the second: shows the role switcher."""
    teacher = _teacher_with(rng, first.staff, 18, 30)
    teaching_position, subjects = teacher.position, teacher.subjects
    teacher.position, teacher.is_teacher = DEPUTY_UVR, False
    account = AccountPlan(login=MULTI_LOGIN, person=teacher)
    teacher.login, teacher.email, teacher.employment_status = (
        MULTI_LOGIN,
        account.email,
        EmploymentStatus.WORKS,
    )
    account.roles += [(Role.CURATOR, first.code, first.municipality_code)]
    account.roles += [(Role.MENTOR, first.code, first.municipality_code)]
    if second is not None:
        slot = rng.choice(_free_teachers(second.staff))
        position = {
            SchoolKind.GENERAL: teaching_position,
            SchoolKind.ADDITIONAL: "педагог дополнительного образования",
            SchoolKind.VOCATIONAL: "преподаватель",
        }[second.kind]
        copy = replace(teacher, position=position, subjects=subjects, is_teacher=True)
        copy.hire_date = _hire_date(rng, rng.randint(0, 6))
        second.staff[second.staff.index(slot)] = copy
        account.roles.append((Role.MENTOR, second.code, second.municipality_code))
    return account


def _named_account(rng: random.Random, login: str, role: str | None, place: str | None) -> AccountPlan:
    person = Person(female=rng.random() < 0.7)
    _fill_career_and_name(rng, person, rng.randint(12, 30))
    account = AccountPlan(login=login, person=person)
    if role == Role.MUNICIPAL_METHODIST:
        account.roles.append((role, None, place))
    elif role == Role.REGIONAL_METHODIST:
        account.roles.append((role, None, None))
    else:
        account.is_superuser = True
    return account


def build_plan(seed: int = 1, schools: int = 16, municipalities: int = 2) -> DemoPlan:
    """Everything the demo consists of, in memory; a pure function of its arguments."""
    if municipalities < 1 or schools < 1:
        raise DemoError("Число муниципалитетов и образовательных организаций должно быть положительным.")
    if schools < municipalities:
        raise DemoError("Образовательных организаций должно быть не меньше, чем муниципалитетов.")
    rng = random.Random(seed)
    plans = [_municipality(rng, i, count) for i, count in enumerate(_split_evenly(schools, municipalities))]
    accounts = [_named_account(rng, ADMIN_LOGIN, None, None)]
    accounts.append(_named_account(rng, REGION_METHODIST_LOGIN, Role.REGIONAL_METHODIST, None))
    for m in plans:
        accounts.append(_named_account(rng, f"{m.code}.methodist", Role.MUNICIPAL_METHODIST, m.code))
    for m in plans:
        for school in m.schools[:ACCOUNT_SCHOOLS_PER_MUNICIPALITY]:
            accounts += _school_accounts(rng, school)
    first = plans[0].schools
    accounts.append(_multi_account(rng, first[0], first[1] if len(first) > 1 else None))
    for school in (s for m in plans for s in m.schools):
        for p in school.staff:
            if not p.email:
                p.email = _staff_email(p, school.code)
    return DemoPlan(
        seed=seed,
        region_code=DEMO_REGION_CODE,
        region_name=DEMO_REGION_NAME,
        municipalities=plans,
        accounts=accounts,
    )


def plan_digest(plan: DemoPlan) -> str:
    """A fingerprint of schools and staff, to compare two runs without comparing row by row."""
    h = hashlib.sha256()
    for school in plan.schools:
        h.update(f"{school.code}|{school.short_name}\n".encode())
        for p in school.staff:
            h.update(f"{p.full_name}|{p.position}|{p.experience_years}|{p.birth_year}\n".encode())
    return h.hexdigest()


# --- Writing -------------------------------------------------------------------------------------


@dataclass
class SeedResult:
    created: bool
    municipalities: int = 0
    schools: Counter[str] = field(default_factory=Counter)
    staff: int = 0
    accounts: int = 0
    mentors: int = 0
    pairs: int = 0
    assessments: int = 0
    programs: int = 0
    groups: int = 0
    network_pairs: int = 0
    completed: int = 0
    surveys: int = 0
    campaigns: int = 0
    submissions: int = 0

    @property
    def message(self) -> str:
        if not self.created:
            return (
                f"Демонстрационные данные уже загружены (регион «{DEMO_REGION_NAME}»); ничего не изменено. "
                "Список учётных записей: manage.py seed_demo --list-accounts"
            )
        kinds = ", ".join(
            f"{SchoolKind.short_label(k)}: {self.schools[k]}"
            for k in (SchoolKind.GENERAL, SchoolKind.ADDITIONAL, SchoolKind.VOCATIONAL)
        )
        return (
            f"Демонстрационные данные загружены: регион «{DEMO_REGION_NAME}», "
            f"муниципалитетов: {self.municipalities}, "
            f"образовательных организаций: {sum(self.schools.values())} ({kinds}), "
            f"педагогических работников: {self.staff}, наставников в базах: {self.mentors}, "
            f"наставнических пар и групп: {self.pairs} (групп: {self.groups}; сетевых: {self.network_pairs}; "
            "завершено в прошлом учебном году: "
            f"{self.completed}), программ: {self.programs}, "
            f"диагностик затруднений: {self.assessments}, анкет участников: {self.surveys}, "
            f"кампаний мониторинга: {self.campaigns} (материалов организаций: {self.submissions}), "
            f"учётных записей: {self.accounts} "
            f"(пароль у всех — «{DEMO_PASSWORD}»).\n"
            "Список учётных записей: manage.py seed_demo --list-accounts"
        )


def demo_allowed() -> bool:
    return bool(getattr(settings, "DEMO_ALLOWED", False))


def demo_loaded() -> bool:
    return Region.objects.filter(code=DEMO_REGION_CODE).exists()


def _check_free(plan: DemoPlan) -> None:
    """Refuse instead of failing halfway on a unique constraint when the names are already taken."""
    logins = [a.login for a in plan.accounts]
    taken = sorted(User.objects.filter(username__in=logins).values_list("username", flat=True))
    emails = [a.email.lower() for a in plan.accounts]
    taken += sorted(
        User.objects.annotate(email_ci=Lower("email"))
        .filter(email_ci__in=emails)
        .values_list("email", flat=True)
    )
    if taken:
        raise DemoError(
            "Демонстрационные учётные записи не созданы: имена уже заняты (" + ", ".join(taken[:5]) + ")."
        )
    codes = [m.code for m in plan.municipalities]
    school_codes = [s.code for s in plan.schools]
    if Municipality.objects.filter(code__in=codes).exists() or any(
        School.objects.filter(code__in=school_codes[i : i + 500]).exists()
        for i in range(0, len(school_codes), 500)
    ):
        raise DemoError("Коды демонстрационных муниципалитетов или организаций уже заняты.")


def seed_demo(
    seed: int = 1, schools: int = 16, municipalities: int = 2, *, force: bool = False
) -> SeedResult:
    """Load the demo once; a second call (demo region present) changes nothing."""
    if not demo_allowed() and not force:
        raise DemoError(
            "Загрузка демонстрационных данных запрещена в этой конфигурации (DEMO_ALLOWED выключен): "
            "у всех демо-пользователей пароль «demo». Используйте --force, если это действительно нужно."
        )
    with scopes_disabled():
        if demo_loaded():
            return SeedResult(created=False)
        plan = build_plan(seed, schools, municipalities)
        with transaction.atomic():
            _check_free(plan)
            return _write(plan)


def _write(plan: DemoPlan) -> SeedResult:
    region = Region.objects.create(code=plan.region_code, name=plan.region_name)
    municipalities = {
        m.code: Municipality.objects.create(
            region=region, code=m.code, name=m.name, office_name=m.office_name
        )
        for m in plan.municipalities
    }
    school_rows = [
        School(
            municipality=municipalities[s.municipality_code],
            code=s.code,
            kind=s.kind,
            full_name=s.full_name,
            short_name=s.short_name,
            district=s.district,
            address=s.address,
            director_name=s.director_name,
            email=s.email,
            phone=s.phone,
            website=s.website,
        )
        for s in plan.schools
    ]
    School.objects.bulk_create(school_rows, batch_size=BATCH_SIZE)
    if any(row.pk is None for row in school_rows):  # databases that do not return ids
        ids = dict(School.objects.filter(municipality__region=region).values_list("code", "pk"))
        for row in school_rows:
            row.pk = ids[row.code]
    schools = {row.code: row for row in school_rows}

    password = make_password(DEMO_PASSWORD)  # once: hashing per user would take minutes
    users: dict[str, User] = {}
    for account in plan.accounts:
        p = account.person
        user = User(
            username=account.login,
            email=account.email,
            password=password,
            last_name=p.last_name,
            first_name=p.first_name,
            patronymic=p.patronymic,
            is_superuser=account.is_superuser,
            is_staff=account.is_superuser,
        )
        user.save()  # few rows; save() keeps any signal handlers of other apps working
        users[account.login] = user
        for role, school_code, municipality_code in account.roles:
            Membership.objects.create(
                user=user,
                role=role,
                school=schools[school_code] if school_code else None,
                municipality=municipalities[municipality_code] if role == Role.MUNICIPAL_METHODIST else None,
                region=region if role == Role.REGIONAL_METHODIST else None,
            )

    staff_rows = [
        Staff(
            school=schools[s.code],
            user=users[p.login] if p.login else None,
            last_name=p.last_name,
            first_name=p.first_name,
            patronymic=p.patronymic,
            position=p.position,
            subjects=p.subjects,
            hire_date=p.hire_date,
            experience_years=p.experience_years,
            birth_year=p.birth_year,
            has_pedagogical_education=p.has_pedagogical_education,
            qualification_category=p.qualification_category,
            employment_status=p.employment_status,
            email=p.email,
        )
        for s in plan.schools
        for p in s.staff
    ]
    Staff.objects.bulk_create(staff_rows, batch_size=BATCH_SIZE)
    # The mentoring layer (mentor base, diagnostics, pairs, consents) on top of the registries.
    from programs.demo import seed_mentoring

    roles_of_user = {
        users[a.login].pk: {role for role, _school, _municipality in a.roles} for a in plan.accounts
    }
    mentoring = seed_mentoring(
        school_rows,
        staff_rows,
        reference_date=REFERENCE_DATE,
        mentor_user_ids=frozenset(u for u, roles in roles_of_user.items() if Role.MENTOR in roles),
        mentee_user_ids=frozenset(u for u, roles in roles_of_user.items() if Role.MENTEE in roles),
    )
    # Participants' questionnaires of last year: satisfaction, entry and exit.
    from monitoring.demo import seed_surveys
    from programs.models import PairStatus

    year = school_year_of(REFERENCE_DATE)
    surveys = seed_surveys(mentoring.written, school_year=year)
    # Mentoring settings and local acts (the real workflow for the first account schools).
    from programs.demo import seed_documents

    school_accounts: dict[str, dict[str, User]] = {}
    for a in plan.accounts:
        for role, school_code, _municipality in a.roles:
            if school_code and a.login == f"{school_code}.{role}":
                school_accounts.setdefault(school_code, {})[role] = users[a.login]
    seed_documents(school_rows, staff_rows, reference_date=REFERENCE_DATE, accounts=school_accounts)
    # One network pair: the first account school's mentor also mentors in the second one of its
    # municipality (after the settings, before the monitoring reads the year's pairs).
    from programs.demo import seed_network_pair

    network = None
    home, *hosts = plan.municipalities[0].schools[:ACCOUNT_SCHOOLS_PER_MUNICIPALITY]
    if hosts:
        host = school_accounts[hosts[0].code]
        network = seed_network_pair(
            mentor_user=school_accounts[home.code][Role.MENTOR],
            school=schools[hosts[0].code],
            curator=host[Role.CURATOR],
            director=host[Role.DIRECTOR],
            reference_date=REFERENCE_DATE,
        )
    # Monitoring: last year's campaign at the analytical stage, this year's open one.
    from monitoring.demo import seed_monitoring
    from programs.demo import NOTE_TEXTS

    showcase_texts = {
        "strengths": NOTE_TEXTS["strengths"],
        "weaknesses": NOTE_TEXTS["weaknesses"],
        "opportunities": NOTE_TEXTS["opportunities"],
        "threats": NOTE_TEXTS["threats"],
        "not_completed_reasons": NOTE_TEXTS["reasons"],
        "decisions": NOTE_TEXTS["decisions"],
    }
    monitoring = seed_monitoring(
        list(municipalities.values()),
        school_rows,
        school_year=year,
        methodists={m.pk: users[f"{m.code}.methodist"] for m in municipalities.values()},
        curators={
            schools[code].pk: by_role["curator"]
            for code, by_role in school_accounts.items()
            if "curator" in by_role
        },
        showcase_texts=showcase_texts,
    )
    return SeedResult(
        created=True,
        municipalities=len(plan.municipalities),
        schools=Counter(s.kind for s in plan.schools),
        staff=len(staff_rows),
        accounts=len(plan.accounts),
        mentors=mentoring.mentors,
        pairs=sum(mentoring.pairs.values()) + (network is not None),
        network_pairs=int(network is not None),
        assessments=mentoring.assessments,
        programs=mentoring.programs + (network is not None),
        groups=mentoring.groups,
        completed=mentoring.pairs[PairStatus.COMPLETED],
        surveys=sum(surveys.values()),
        campaigns=monitoring.campaigns,
        submissions=sum(monitoring.submissions.values()),
    )


# --- Listing -------------------------------------------------------------------------------------


def list_accounts() -> list[dict[str, str | None]]:
    """Every (demo login, role) pair, read from the database, in a stable order."""
    rows: list[dict[str, str | None]] = []
    with scopes_disabled():
        admin = User.objects.filter(username=ADMIN_LOGIN, is_superuser=True).first()
        if admin is not None and demo_loaded():
            rows.append(
                {"login": admin.username, "role": Role.ADMIN.value, "school": None, "municipality": None}
            )
        region_q = Membership.objects.filter(region__code=DEMO_REGION_CODE)
        municipality_q = Membership.objects.filter(municipality__region__code=DEMO_REGION_CODE)
        school_q = Membership.objects.filter(school__municipality__region__code=DEMO_REGION_CODE)
        memberships = (region_q | municipality_q | school_q).select_related(
            "user", "school__municipality", "municipality"
        )
        for m in memberships:
            municipality = m.school.municipality if m.school else m.municipality
            rows.append(
                {
                    "login": m.user.username,
                    "role": m.role,
                    "school": m.school.code if m.school else None,
                    "municipality": municipality.code if municipality else None,
                }
            )
    school_role = ROLE_ORDER.index(Role.DIRECTOR)

    def key(row: dict[str, str | None]) -> tuple:
        role_index = ROLE_ORDER.index(row["role"])
        return (
            min(role_index, school_role),
            row["municipality"] or "",
            row["school"] or "",
            role_index,
            row["login"],
        )

    return sorted(rows, key=key)
