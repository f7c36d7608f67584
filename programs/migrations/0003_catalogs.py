"""Catalogs of the target model of mentoring: forms, role models, kinds, areas of difficulties.

Platform administrators may add entries in the admin; codes of these entries are stable and used
by templates, imports and indicators.
"""

from django.db import migrations

FORMS = [
    # code, name, mentor kind, mentee kind
    ("teacher-teacher", "учитель – учитель (педагог – педагог)", "staff", "staff"),
    ("head-teacher", "руководитель образовательной организации – педагог", "staff", "staff"),
    ("teacher-student", "учитель – ученик", "staff", "student"),
    ("student-student", "ученик – ученик", "student", "student"),
    ("employer-teacher", "работодатель – учитель", "partner", "staff"),
    ("employer-student", "работодатель – ученик", "partner", "student"),
    ("university-teacher", "педагог вуза (колледжа) – учитель", "partner", "staff"),
    ("undergraduate-student", "студент – ученик", "partner", "student"),
    ("teacher-undergraduate", "учитель – студент", "staff", "student"),
    ("employer-undergraduate", "работодатель – студент", "partner", "student"),
]

ROLE_MODELS = [
    ("experienced-young", "опытный педагог – молодой специалист"),
    ("leader-communication", "лидер педагогического сообщества – педагог, испытывающий затруднения в коммуникации"),
    ("innovator-conservative", "педагог-новатор – консервативный педагог"),
    ("subject-expert-novice", "опытный предметник – неопытный предметник"),
    ("achiever-underachiever", "успевающий – неуспевающий"),
    ("leader-passive", "лидер – пассивный"),
    ("peer-peer", "равный – равному"),
]

KINDS = [
    ("traditional", "традиционное (один на один)", "Взаимодействие одного наставника с одним наставляемым."),
    ("group", "групповое", "Один наставник работает с двумя и более наставляемыми."),
    ("virtual", "виртуальное (дистанционное)", "Взаимодействие с помощью дистанционных технологий."),
    ("reverse", "обратное", "Младший по возрасту или стажу наставник помогает освоить новые технологии."),
    ("situational", "ситуационное", "Помощь в конкретной ситуации по запросу наставляемого."),
    ("speed", "скоростное", "Однократная встреча для обмена опытом."),
    ("short-term", "краткосрочное (целеполагающее)", "Встречи по заранее намеченному плану для достижения конкретной цели."),
    ("network", "сетевое", "Наставник из другой образовательной организации или организации-партнёра."),
]

AREAS = [
    ("scientific", "научно-теоретическая"),
    ("legal", "нормативно-правовая"),
    ("subject", "предметно-профессиональная"),
    ("psychological", "психолого-педагогическая (работа с обучающимися и родителями)"),
    ("methodical", "методическая (содержание, методы, технологии обучения)"),
    ("ict", "ИКТ-компетентность"),
    ("digital", "цифровизация образования"),
    ("upbringing", "внеурочная и воспитательная деятельность"),
    ("health", "здоровьесбережение обучающихся"),
]


def load(apps, schema_editor):
    MentoringForm = apps.get_model("programs", "MentoringForm")
    RoleModel = apps.get_model("programs", "RoleModel")
    MentoringKind = apps.get_model("programs", "MentoringKind")
    DifficultyArea = apps.get_model("programs", "DifficultyArea")
    for order, (code, name, mentor_kind, mentee_kind) in enumerate(FORMS, start=1):
        MentoringForm.objects.update_or_create(
            code=code, defaults={"name": name, "order": order, "mentor_kind": mentor_kind, "mentee_kind": mentee_kind}
        )
    for order, (code, name) in enumerate(ROLE_MODELS, start=1):
        RoleModel.objects.update_or_create(code=code, defaults={"name": name, "order": order})
    for order, (code, name, description) in enumerate(KINDS, start=1):
        MentoringKind.objects.update_or_create(
            code=code, defaults={"name": name, "order": order, "description": description}
        )
    for order, (code, name) in enumerate(AREAS, start=1):
        DifficultyArea.objects.update_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("programs", "0002_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
