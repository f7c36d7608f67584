"""The questionnaires of the participants, defined in code: one per SurveyKind.

- **Satisfaction of the mentor and of the mentee** — the reaction level of Kirkpatrick's model: how
  useful the meetings were, how clear the goals, the support, the relationship, whether the person
  would recommend mentoring. Filled once a school year.
- **Entry and exit questionnaires of the mentee** — the impact stage of the monitoring: the mentee
  rates their confidence in the nine areas of professional difficulties at the start and again at
  the end of the program; the two aggregates side by side show the change.

Every scale answer is a number from 1 to 5; the response's score is their mean (see
``monitoring.services_surveys``). The codes of the questions are stored in the answers: change a
text freely, but never reuse a code for a different question.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from monitoring.models import SurveyKind

SCALE, TEXT = "scale", "text"
SCALE_VALUES = (1, 2, 3, 4, 5)

AGREEMENT: tuple[Promise, ...] = (
    _("совсем не согласен(-на)"),
    _("скорее не согласен(-на)"),
    _("отчасти согласен(-на)"),
    _("скорее согласен(-на)"),
    _("полностью согласен(-на)"),
)
CONFIDENCE: tuple[Promise, ...] = (
    _("испытываю серьёзные затруднения"),
    _("часто испытываю затруднения"),
    _("иногда испытываю затруднения"),
    _("чаще чувствую себя уверенно"),
    _("чувствую себя уверенно"),
)


@dataclass(frozen=True)
class Question:
    code: str
    text: Promise
    type: str = SCALE
    required: bool = True

    @property
    def is_scale(self) -> bool:
        return self.type == SCALE


@dataclass(frozen=True)
class Questionnaire:
    kind: str
    title: Promise
    intro: Promise
    questions: tuple[Question, ...]
    scale: tuple[Promise, ...] = AGREEMENT  # the meaning of 1…5, from the lowest

    @property
    def scale_choices(self) -> list[tuple[int, Promise]]:
        return list(zip(SCALE_VALUES, self.scale, strict=True))

    @property
    def scale_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.is_scale)

    @property
    def text_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if not q.is_scale)


# The nine areas of professional difficulties (programs catalog «области затруднений»).
AREAS: tuple[tuple[str, Promise], ...] = (
    ("scientific", _("Научно-теоретическая подготовка")),
    ("legal", _("Нормативно-правовая база профессиональной деятельности")),
    ("subject", _("Предметно-профессиональная деятельность: преподавание своего предмета")),
    ("psychological", _("Психолого-педагогическая работа с обучающимися и их родителями")),
    ("methodical", _("Методическая работа: содержание, методы и технологии обучения")),
    ("ict", _("Информационно-коммуникационные технологии")),
    ("digital", _("Цифровые образовательные ресурсы и сервисы")),
    ("upbringing", _("Внеурочная и воспитательная деятельность")),
    ("health", _("Сохранение и укрепление здоровья обучающихся")),
)


def _areas() -> tuple[Question, ...]:
    return tuple(Question(f"area_{code}", name) for code, name in AREAS)


MENTOR_SATISFACTION = Questionnaire(
    kind=SurveyKind.MENTOR_SATISFACTION,
    title=_("Удовлетворённость наставника"),
    intro=_(
        "Анкета помогает понять, как организовано наставничество в школе и что стоит изменить. "
        "Оцените, насколько вы согласны с каждым утверждением, по шкале от 1 до 5. "
        "Заполнение займёт около пяти минут."
    ),
    questions=(
        Question("meetings_useful", _("Встречи с наставляемым были полезными и содержательными.")),
        Question(
            "goals_clear", _("Цели и задачи программы наставничества были понятны мне с самого начала.")
        ),
        Question("plan_realistic", _("План мероприятий оказался посильным по срокам и объёму.")),
        Question("curator_support", _("Я получал(а) нужную поддержку куратора и администрации школы.")),
        Question("relationship", _("С наставляемым сложились доверительные рабочие отношения.")),
        Question("mentee_progress", _("Я вижу профессиональный рост своего наставляемого.")),
        Question("own_growth", _("Работа наставником помогла и мне развиваться профессионально.")),
        Question("time", _("Мне хватало времени на наставничество без ущерба для основной работы.")),
        Question("recommend", _("Я готов(а) снова стать наставником и посоветовал(а) бы это коллегам.")),
        Question(
            "went_well", _("Что в работе с наставляемым получилось лучше всего?"), type=TEXT, required=False
        ),
        Question(
            "to_change",
            _("Что стоит изменить в организации наставничества в школе?"),
            type=TEXT,
            required=False,
        ),
    ),
)

MENTEE_SATISFACTION = Questionnaire(
    kind=SurveyKind.MENTEE_SATISFACTION,
    title=_("Удовлетворённость наставляемого"),
    intro=_(
        "Анкета помогает понять, насколько работа с наставником была для вас полезной. "
        "Оцените, насколько вы согласны с каждым утверждением, по шкале от 1 до 5. "
        "Заполнение займёт около пяти минут."
    ),
    questions=(
        Question("meetings_useful", _("Встречи с наставником были полезными для моей работы (учёбы).")),
        Question("goals_clear", _("Я понимал(а), каких результатов мы хотим достичь.")),
        Question("mentor_available", _("Наставник находил время, когда мне нужна была помощь.")),
        Question(
            "mentor_competent", _("Наставник хорошо разбирается в вопросах, с которыми я обращался(-ась).")
        ),
        Question(
            "relationship",
            _("С наставником сложились доверительные отношения, я не боялся(-ась) спрашивать."),
        ),
        Question("applied", _("Я уже применяю то, чему научился(-ась) вместе с наставником.")),
        Question(
            "informed",
            _("Мне было понятно, как устроено наставничество в школе и к кому обращаться с вопросами."),
        ),
        Question("recommend", _("Я посоветовал(а) бы участие в наставничестве другим.")),
        Question(
            "most_useful", _("Что в работе с наставником было самым полезным?"), type=TEXT, required=False
        ),
        Question("to_change", _("Что стоит изменить?"), type=TEXT, required=False),
    ),
)

ENTRY = Questionnaire(
    kind=SurveyKind.ENTRY,
    title=_("Входная анкета наставляемого"),
    intro=_(
        "Анкета заполняется в начале работы с наставником. Оцените, насколько уверенно вы чувствуете "
        "себя в каждой области профессиональной деятельности, по шкале от 1 до 5. В конце программы "
        "вы заполните итоговую анкету с теми же вопросами — так будет видно, что изменилось."
    ),
    scale=CONFIDENCE,
    questions=(
        *_areas(),
        Question("expectations", _("Чего вы ждёте от работы с наставником?"), type=TEXT),
        Question(
            "first_tasks", _("Какие задачи вы хотели бы решить в первую очередь?"), type=TEXT, required=False
        ),
    ),
)

EXIT = Questionnaire(
    kind=SurveyKind.EXIT,
    title=_("Итоговая анкета наставляемого"),
    intro=_(
        "Анкета заполняется в конце программы наставничества. Оцените, насколько уверенно вы теперь "
        "чувствуете себя в каждой области профессиональной деятельности, по шкале от 1 до 5, и "
        "расскажите о результатах."
    ),
    scale=CONFIDENCE,
    questions=(
        *_areas(),
        Question("results", _("Каких результатов вы достигли за время работы с наставником?"), type=TEXT),
        Question("next_steps", _("Что вы планируете развивать дальше?"), type=TEXT, required=False),
    ),
)

QUESTIONNAIRES: dict[str, Questionnaire] = {
    q.kind: q for q in (MENTOR_SATISFACTION, MENTEE_SATISFACTION, ENTRY, EXIT)
}


def questionnaire(kind: str) -> Questionnaire | None:
    return QUESTIONNAIRES.get(kind)
