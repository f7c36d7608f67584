"""Monitoring campaigns: the methodist opens the year, curators submit, the methodist decides.

The rules (written out for users in docs/_guide_monitoring_campaigns.md):

- **One campaign per municipality and school year.** Opening it creates a draft submission for every
  active school of the municipality. The deadline defaults to 30 June of the school year.
- **Stages go forward one step at a time:** internal (curators fill and submit) → external (the
  methodist checks) → analytical (the summary) → closed.
  - A *draft* is filled and submitted only at the internal stage: moving to the external stage is
    the cut-off for first submissions (a methodist who wants to wait for late schools stays at the
    internal stage; the deadline itself only marks schools as late).
  - A *returned* submission is corrected and submitted again at the internal or the external stage:
    returns happen while the methodist checks, so corrections must stay possible then.
  - The methodist accepts or returns submissions at the internal and the external stage.
  - The analytical stage opens only when no submission waits for a decision, and either every
    submission is accepted or the methodist confirms that the schools without an accepted
    submission are left out of the summary. From then on nothing of the schools changes.
- **Submitting** checks that the level is chosen, the four SWOT fields, the decisions and (when the
  school has unfinished programs) the reasons are written, and stores the school's indicators at
  that moment (``figures``) with the level they suggest.
- **The analytical note** (a document of the workflow of local acts) is prepared from the
  submission page. Submitting does not need it; *accepting* needs it approved by the director
  (that is the director's signature the municipal monitoring asks for), and the methodist sees
  «справка не подписана» until then.
- **Late**: after the deadline, a school whose submission is not with the methodist (being filled
  or returned), or was handed in after the deadline.

Who may act is checked here again, not only by the views: the curator of the school writes its
submission; the methodist of the campaign's municipality (``municipality`` = the municipality the
user acts for, from the request's work context) opens campaigns, moves stages, accepts and returns.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monitoring.compute import Period, Scope, school_values
from monitoring.indicators import BY_CODE, with_shares
from monitoring.models import (
    Campaign,
    CampaignStage,
    EffectivenessLevel,
    Submission,
    SubmissionStatus,
    default_deadline,
)
from programs.documents.kinds.analytical_note import PROMPT_MARKER
from programs.models import (
    Document,
    DocumentKind,
    DocumentSection,
    DocumentStatus,
    EndReason,
    MentoringForm,
    RequiredAct,
)
from programs.services import documents as document_services
from schools import audit
from schools.models import Membership, Municipality, Role, School, User
from schools.years import school_year_bounds, school_year_label, school_year_of


class CampaignError(ValidationError):
    """A rule of the monitoring campaign was broken; the message is for the user, in Russian."""


STAGE_ORDER = (CampaignStage.INTERNAL, CampaignStage.EXTERNAL, CampaignStage.ANALYTICAL, CampaignStage.CLOSED)
# Stages at which a school may still change its submission, by the submission's status.
EDITABLE_AT = {
    SubmissionStatus.DRAFT: (CampaignStage.INTERNAL,),
    SubmissionStatus.RETURNED: (CampaignStage.INTERNAL, CampaignStage.EXTERNAL),
}
DECISION_STAGES = (CampaignStage.INTERNAL, CampaignStage.EXTERNAL)
SWOT_FIELDS = ("strengths", "weaknesses", "opportunities", "threats")
TEXT_FIELDS = (*SWOT_FIELDS, "not_completed_reasons", "decisions")
FIELD_LABELS: dict[str, Promise] = {
    "level": gettext_lazy("Уровень эффективности"),
    "strengths": gettext_lazy("Сильные стороны"),
    "weaknesses": gettext_lazy("Слабые стороны"),
    "opportunities": gettext_lazy("Возможности"),
    "threats": gettext_lazy("Угрозы"),
    "not_completed_reasons": gettext_lazy("Причины невыполнения программ"),
    "decisions": gettext_lazy("Управленческие решения"),
}

# The indicators a submission shows (live on the form, frozen in ``figures`` once submitted).
FIGURE_CODES = (
    "docs_present",
    "teachers",
    "young_teachers",
    "young_mentees",
    "young_coverage",
    "mentors",
    "mentees",
    "pairs",
    "groups",
    "mentors_trained_share",
    "programs_cohort",
    "programs_done",
    "programs_not_done",
    "programs_ended_early",
    "completion_rate",
    "route_share",
    "diagnosed_share",
    "mentor_satisfaction",
    "mentee_satisfaction",
)


def campaign_title(school_year: int) -> str:
    return _("Мониторинг реализации целевой модели наставничества, %(year)s учебный год") % {
        "year": school_year_label(school_year)
    }


def campaign_period(campaign: Campaign, today: date | None = None) -> Period:
    """The campaign's school year, as of today (or its last day, once the year is over)."""
    today = today or timezone.localdate()
    start, end = school_year_bounds(campaign.school_year)
    return Period(start, end, max(start, min(end, today)))


# --- The suggested level -------------------------------------------------------------------------

# Thresholds of the suggestion (docs/indicators.md, «Что не вычисляется, а вносится»).
OPTIMAL_SHARE = Decimal(80)
UNACCEPTABLE_SHARE = Decimal(50)
LEVEL_RANK = {
    EffectivenessLevel.UNACCEPTABLE: 0,
    EffectivenessLevel.ACCEPTABLE: 1,
    EffectivenessLevel.OPTIMAL: 2,
}


@dataclass(frozen=True)
class LevelCriterion:
    """One indicator of the suggestion, its value as shown, and the best level it allows."""

    code: str
    label: str
    value: str
    allows: str  # an EffectivenessLevel value
    rule: str


def _values_with_shares(values: Mapping[str, Any]) -> Mapping[str, Any]:
    if "completion_rate" in values and "young_coverage" in values:
        return values
    return with_shares({k: v for k, v in values.items() if isinstance(v, int)})


def _share_display(value: Any) -> str:
    if value is None:
        return _("нет данных")
    return f"{Decimal(str(value)):.1f}".replace(".", ",") + " %"


def _share_allows(value: Any) -> str:
    """A share at or above 80 allows «optimal», below 50 means «unacceptable»; none pulls nothing down."""
    if value is None:
        return EffectivenessLevel.OPTIMAL
    number = Decimal(str(value))
    if number >= OPTIMAL_SHARE:
        return EffectivenessLevel.OPTIMAL
    if number < UNACCEPTABLE_SHARE:
        return EffectivenessLevel.UNACCEPTABLE
    return EffectivenessLevel.ACCEPTABLE


def level_criteria(values: Mapping[str, Any]) -> list[LevelCriterion]:
    """The four criteria of the suggested level; the suggestion is the lowest level they allow."""
    v = _values_with_shares(values)
    share_rule = _("80 % и выше — оптимальный, от 50 до 80 % — допустимый, ниже 50 % — недопустимый")
    present = int(v.get("docs_present", 0) or 0)
    if v.get("package_complete"):
        docs_allow = EffectivenessLevel.OPTIMAL
    elif v.get("package_not_formed") or present == 0:
        docs_allow = EffectivenessLevel.UNACCEPTABLE
    else:
        docs_allow = EffectivenessLevel.ACCEPTABLE
    working = int(v.get("pairs", 0) or 0) + int(v.get("groups", 0) or 0)
    return [
        LevelCriterion(
            "completion_rate",
            str(BY_CODE["completion_rate"].name),
            _share_display(v.get("completion_rate")),
            _share_allows(v.get("completion_rate")),
            share_rule,
        ),
        LevelCriterion(
            "young_coverage",
            str(BY_CODE["young_coverage"].name),
            _share_display(v.get("young_coverage")),
            _share_allows(v.get("young_coverage")),
            share_rule,
        ),
        LevelCriterion(
            "docs_present",
            str(BY_CODE["docs_present"].name),
            f"{present}/7",
            docs_allow,
            _("7 из 7 — оптимальный, от 1 до 6 — допустимый, ни одного — недопустимый"),
        ),
        LevelCriterion(
            "pairs",
            _("Наставнических пар и групп по приказу"),
            str(working),
            EffectivenessLevel.OPTIMAL if working else EffectivenessLevel.ACCEPTABLE,
            _("хотя бы одна — нужна для оптимального уровня"),
        ),
    ]


def suggest_level(values: Mapping[str, Any]) -> EffectivenessLevel:
    """The level the indicators suggest: the lowest level any criterion allows (see level_criteria).

    Optimal: completion_rate ≥ 80 and young_coverage ≥ 80 (or no denominator), all seven documents,
    at least one counted pair or group. Unacceptable: completion_rate < 50 or young_coverage < 50 or
    no document at all. Acceptable otherwise.
    """
    allowed = [c.allows for c in level_criteria(values)]
    return EffectivenessLevel(min(allowed, key=lambda level: LEVEL_RANK[level]))


# --- Reading the school's indicators ---------------------------------------------------------------


@dataclass
class SchoolFigures:
    """The school's indicators for the campaign's year, as of a date, with the level they suggest."""

    as_of: date
    values: dict[str, Any]  # counts and shares
    details: dict[str, Any]
    suggested: EffectivenessLevel
    criteria: list[LevelCriterion]

    @property
    def missing_docs(self) -> list[str]:
        """Names of the required local acts the school lacks (Table 1 of the municipal report)."""
        return [
            str(RequiredAct(v).label) for v in self.details.get("missing_docs", []) if v in RequiredAct.values
        ]

    def early_ends(self) -> list[tuple[str, str, int]]:
        """(form, reason, number) of the programs ended early, as the data records them (one query)."""
        reasons_by_form = self.details.get("reasons", {})
        if not reasons_by_form:
            return []
        names = dict(MentoringForm.objects.filter(code__in=list(reasons_by_form)).values_list("code", "name"))
        rows = []
        for form_code, reasons in sorted(reasons_by_form.items()):
            for reason, n in sorted(reasons.items()):
                label = str(EndReason(reason).label) if reason in EndReason.values else reason
                rows.append((names.get(form_code, form_code), label, int(n)))
        return rows

    @property
    def rows(self) -> list[tuple[str, str, Any, str]]:
        """(code, name, value, unit) of the indicators a submission shows."""
        rows = []
        for code in FIGURE_CODES:
            indicator = BY_CODE[code]
            value = self.values.get(code)
            if value is None and not indicator.is_share:
                value = 0  # a count the data has nothing for; a share without a denominator stays «—»
            rows.append((code, str(indicator.name), value, str(indicator.unit)))
        return rows


def school_figures(campaign: Campaign, school: School, today: date | None = None) -> SchoolFigures:
    """Compute the school's indicators now (a dozen grouped queries), for the form and for submitting."""
    period = campaign_period(campaign, today)
    counts, details = school_values(Scope(school_id=school.pk), period).get(
        school.pk, ({}, {"forms": [], "reasons": {}, "missing_docs": []})
    )
    values = with_shares(counts)
    return SchoolFigures(
        as_of=period.as_of,
        values=values,
        details=details,
        suggested=suggest_level(values),
        criteria=level_criteria(values),
    )


def _json_values(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (float(v) if isinstance(v, Decimal) else v) for k, v in values.items()}


def stored_figures(submission: Submission) -> SchoolFigures | None:
    """The figures frozen at submission, in the shape of ``school_figures`` (None before a submit)."""
    figures = submission.figures or {}
    if not figures.get("values"):
        return None
    values = dict(figures["values"])
    return SchoolFigures(
        as_of=date.fromisoformat(figures["as_of"]),
        values=values,
        details=figures.get("details", {}),
        suggested=EffectivenessLevel(submission.suggested_level or suggest_level(values)),
        criteria=level_criteria(values),
    )


# --- Who acts ------------------------------------------------------------------------------------


def _require_methodist(campaign: Campaign, municipality: Municipality | None) -> None:
    if municipality is None or municipality.pk != campaign.municipality_id:
        raise CampaignError(_("Это может сделать только методист муниципалитета, который ведёт кампанию."))


def is_curator(user: User | None, school: School) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(user=user, school=school, role=Role.CURATOR, is_active=True).exists()


def _require_curator(user: User | None, school: School) -> None:
    if not is_curator(user, school):
        raise CampaignError(_("Материалы внутреннего мониторинга заполняет и сдаёт куратор организации."))


# --- The campaign ----------------------------------------------------------------------------------


@transaction.atomic
def open_campaign(
    *,
    municipality: Municipality | None,
    school_year: int,
    deadline: date | None = None,
    acting_user: User | None,
    today: date | None = None,
) -> Campaign:
    """Open the year's campaign with a draft submission for every active school of the municipality."""
    if municipality is None:
        raise CampaignError(_("Кампанию открывает методист муниципалитета."))
    today = today or timezone.localdate()
    if school_year > school_year_of(today):
        raise CampaignError(
            {"school_year": [_("Кампанию можно открыть за текущий или прошедший учебный год.")]}
        )
    start, _end = school_year_bounds(school_year)
    deadline = deadline or default_deadline(school_year)
    if deadline < start:
        raise CampaignError(
            {
                "deadline": [
                    _("Срок внутреннего мониторинга не может быть раньше начала учебного года (%(day)s).")
                    % {"day": start.strftime("%d.%m.%Y")}
                ]
            }
        )
    if Campaign.objects.filter(municipality=municipality, school_year=school_year).exists():
        raise CampaignError(
            {
                "school_year": [
                    _("Кампания мониторинга за %(year)s учебный год уже открыта.")
                    % {"year": school_year_label(school_year)}
                ]
            }
        )
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                municipality=municipality,
                school_year=school_year,
                title=campaign_title(school_year),
                deadline=deadline,
                opened_by=acting_user,
            )
    except IntegrityError as error:  # opened at the same moment by another methodist
        raise CampaignError(
            {
                "school_year": [
                    _("Кампания мониторинга за %(year)s учебный год уже открыта.")
                    % {"year": school_year_label(school_year)}
                ]
            }
        ) from error
    schools = School.objects.filter(municipality=municipality, is_active=True).order_by("pk")
    Submission.objects.bulk_create([Submission(campaign=campaign, school=school) for school in schools])
    return campaign


def next_stage(campaign: Campaign) -> str | None:
    index = STAGE_ORDER.index(campaign.stage)
    return STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None


@dataclass(frozen=True)
class StageCheck:
    """What stands in the way of the next stage: undecided submissions block; unaccepted need consent."""

    waiting: list[Submission]
    unaccepted: list[Submission]

    @property
    def blocked(self) -> bool:
        return bool(self.waiting)


def stage_check(campaign: Campaign) -> StageCheck:
    submissions = list(
        Submission.objects.filter(campaign=campaign)
        .exclude(status=SubmissionStatus.ACCEPTED)
        .select_related("school")
        .order_by("school__short_name", "pk")
    )
    return StageCheck(
        waiting=[s for s in submissions if s.status == SubmissionStatus.SUBMITTED],
        unaccepted=[s for s in submissions if s.status != SubmissionStatus.SUBMITTED],
    )


def _names(submissions: list[Submission]) -> str:
    return ", ".join(s.school.short_name for s in submissions)


@transaction.atomic
def change_stage(
    *,
    campaign: Campaign,
    stage: str,
    acting_user: User | None,
    municipality: Municipality | None,
    exclude_unaccepted: bool = False,
) -> Campaign:
    """Move the campaign one stage forward; the analytical stage needs every submission decided."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _require_methodist(campaign, municipality)
    expected = next_stage(campaign)
    if stage != expected:
        if expected is None:
            raise CampaignError({"stage": [_("Кампания завершена: этап больше не меняется.")]})
        raise CampaignError(
            {
                "stage": [
                    _("Этапы идут по порядку: после этапа «%(now)s» следует «%(next)s».")
                    % {
                        "now": CampaignStage(campaign.stage).label,
                        "next": CampaignStage(expected).label,
                    }
                ]
            }
        )
    if stage == CampaignStage.ANALYTICAL:
        check = stage_check(campaign)
        if check.waiting:
            raise CampaignError(
                {
                    "stage": [
                        _("Материалы ждут решения методиста: %(schools)s. Примите или верните их.")
                        % {"schools": _names(check.waiting)}
                    ]
                }
            )
        if check.unaccepted and not exclude_unaccepted:
            raise CampaignError(
                {
                    "exclude_unaccepted": [
                        _(
                            "Не приняты материалы организаций: %(schools)s. Подтвердите, что они не войдут "
                            "в свод аналитического этапа."
                        )
                        % {"schools": _names(check.unaccepted)}
                    ]
                }
            )
    campaign.stage = stage
    fields = ["stage"]
    if stage == CampaignStage.CLOSED:
        campaign.closed_at = timezone.now()
        fields.append("closed_at")
    campaign.save(update_fields=fields)
    return campaign


# --- The school's submission -----------------------------------------------------------------------


def _locked(submission: Submission) -> Submission:
    return Submission.objects.select_for_update().select_related("campaign", "school").get(pk=submission.pk)


def is_editable(submission: Submission) -> bool:
    """Whether the school may still change the submission (its status and the campaign's stage)."""
    return submission.campaign.stage in EDITABLE_AT.get(submission.status, ())


def _require_editable(submission: Submission) -> None:
    if is_editable(submission):
        return
    if submission.status == SubmissionStatus.SUBMITTED:
        raise CampaignError(
            _("Материалы сданы методисту: изменить их можно, если методист вернёт их на доработку.")
        )
    if submission.status == SubmissionStatus.ACCEPTED:
        raise CampaignError(_("Материалы приняты методистом и больше не меняются."))
    if submission.status == SubmissionStatus.DRAFT:
        raise CampaignError(
            _("Внутренний этап кампании завершён: методист больше не принимает новые материалы.")
        )
    raise CampaignError(_("Кампания перешла к аналитическому этапу: материалы больше не меняются."))


@transaction.atomic
def save_submission(
    *, submission: Submission, data: Mapping[str, Any], acting_user: User | None
) -> Submission:
    """The curator's draft: level, SWOT, reasons, decisions — saved as they are, checked on submit."""
    submission = _locked(submission)
    _require_curator(acting_user, submission.school)
    _require_editable(submission)
    level = str(data.get("level") or "")
    if level and level not in EffectivenessLevel.values:
        raise CampaignError({"level": [_("Выберите уровень эффективности из списка.")]})
    submission.level = level
    for name in TEXT_FIELDS:
        setattr(submission, name, str(data.get(name) or "").strip())
    submission.save(update_fields=["level", *TEXT_FIELDS, "updated_at"])
    return submission


def submission_errors(submission: Submission, values: Mapping[str, Any]) -> dict[str, list[str]]:
    """What keeps the submission from being handed in, by field (empty when it is complete)."""
    errors: dict[str, list[str]] = {}
    if submission.level not in EffectivenessLevel.values:
        errors["level"] = [_("Выберите уровень эффективности.")]
    for name in SWOT_FIELDS:
        if not getattr(submission, name).strip():
            errors[name] = [_("Заполните поле «%(field)s» SWOT-анализа.") % {"field": FIELD_LABELS[name]}]
    not_done = int(values.get("programs_not_done", 0) or 0)
    if not_done and not submission.not_completed_reasons.strip():
        errors["not_completed_reasons"] = [
            _("Незавершённых программ: %(n)s. Укажите причины их невыполнения.") % {"n": not_done}
        ]
    if not submission.decisions.strip():
        errors["decisions"] = [_("Заполните поле «Управленческие решения».")]
    return errors


@transaction.atomic
def submit_submission(
    *,
    submission: Submission,
    acting_user: User | None,
    today: date | None = None,
) -> Submission:
    """Hand the saved submission to the methodist with the indicators of this moment (``figures``)."""
    submission = _locked(submission)
    _require_curator(acting_user, submission.school)
    _require_editable(submission)
    figures = school_figures(submission.campaign, submission.school, today)
    errors = submission_errors(submission, figures.values)
    if errors:
        raise CampaignError(errors)
    start, end = school_year_bounds(submission.campaign.school_year)
    submission.figures = {
        "as_of": figures.as_of.isoformat(),
        "period": [start.isoformat(), end.isoformat()],
        "values": _json_values(figures.values),
        "details": figures.details,
    }
    submission.suggested_level = figures.suggested
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_by = acting_user
    submission.submitted_at = timezone.now()
    submission.save(
        update_fields=["figures", "suggested_level", "status", "submitted_by", "submitted_at", "updated_at"]
    )
    return submission


def _require_decidable(submission: Submission) -> None:
    if submission.campaign.stage not in DECISION_STAGES:
        raise CampaignError(_("Решения по материалам принимаются на внутреннем и внешнем этапах кампании."))
    if submission.status != SubmissionStatus.SUBMITTED:
        raise CampaignError(_("Принять или вернуть можно только сданные методисту материалы."))


def note_is_signed(submission: Submission) -> bool:
    note = submission.note
    return note is not None and note.status == DocumentStatus.APPROVED


@transaction.atomic
def accept_submission(
    *, submission: Submission, acting_user: User | None, municipality: Municipality | None
) -> Submission:
    """The methodist accepts; the analytical note must be signed (approved by the director) first."""
    submission = _locked(submission)
    _require_methodist(submission.campaign, municipality)
    _require_decidable(submission)
    if not note_is_signed(submission):
        raise CampaignError(
            _(
                "Аналитическая справка не подписана руководителем: принять материалы можно после того, "
                "как руководитель утвердит справку."
            )
        )
    submission.status = SubmissionStatus.ACCEPTED
    submission.decided_by, submission.decided_at = acting_user, timezone.now()
    submission.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    audit.record(audit.Action.APPROVE, obj=submission, actor=acting_user)
    return submission


@transaction.atomic
def return_submission(
    *, submission: Submission, comment: str, acting_user: User | None, municipality: Municipality | None
) -> Submission:
    """The methodist returns the submission to the curator with what to fix."""
    submission = _locked(submission)
    _require_methodist(submission.campaign, municipality)
    _require_decidable(submission)
    comment = (comment or "").strip()
    if not comment:
        raise CampaignError(
            {"comment": [_("Напишите, что нужно доработать: без комментария материалы не вернуть.")]}
        )
    submission.status = SubmissionStatus.RETURNED
    submission.methodist_comment = comment
    submission.decided_by, submission.decided_at = acting_user, timezone.now()
    submission.save(update_fields=["status", "methodist_comment", "decided_by", "decided_at", "updated_at"])
    audit.record(audit.Action.RETURN, obj=submission, actor=acting_user)
    return submission


# --- Late schools ----------------------------------------------------------------------------------


def is_late(submission: Submission, deadline: date, today: date | None = None) -> bool:
    """After the deadline: not with the methodist (being filled or returned), or handed in after it."""
    today = today or timezone.localdate()
    if today <= deadline:
        return False
    if submission.status in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED):
        return True
    return submission.submitted_at is not None and timezone.localdate(submission.submitted_at) > deadline


def late_schools(campaign: Campaign, today: date | None = None) -> list[Submission]:
    """The submissions that are late today, with their schools (one query)."""
    today = today or timezone.localdate()
    if today <= campaign.deadline:
        return []
    submissions = (
        Submission.objects.filter(campaign=campaign)
        .select_related("school")
        .order_by("school__short_name", "pk")
    )
    return [s for s in submissions if is_late(s, campaign.deadline, today)]


# --- The analytical note -----------------------------------------------------------------------------

_PROMPT = re.compile(re.escape(str(PROMPT_MARKER)) + r"[^\]]*\]")
# Sections of the analytical note (programs/documents/kinds/analytical_note.py) the submission fills.
NOTE_SECTIONS = {
    "strengths": "strengths",
    "weaknesses": "weaknesses",
    "opportunities": "opportunities",
    "threats": "threats",
    "reasons": "not_completed_reasons",
    "decisions": "decisions",
}


def _section_body(section: DocumentSection, text: str) -> str:
    """The section with the curator's text: the «reasons» section keeps its first paragraph (the data)."""
    if section.key == "reasons":
        first = section.body.split("\n\n", 1)[0]
        if _PROMPT.fullmatch(first.strip()):
            return text
        return f"{first}\n\n{text}"
    return text


def fill_note(*, note: Document, submission: Submission, acting_user: User | None) -> Document:
    """Copy the submission's SWOT, reasons and decisions into an editable note's sections.

    The kind has no option for these texts, so they are written as the curator's section edits
    (a refresh of the note from the data keeps them). Empty fields leave the prompt in place.
    """
    if not note.is_editable:
        return note
    sections = {s.key: s for s in note.sections.filter(key__in=NOTE_SECTIONS.keys())}
    for key, field_name in NOTE_SECTIONS.items():
        text = getattr(submission, field_name).strip()
        section = sections.get(key)
        if section is None or not text:
            continue
        body = _section_body(section, text)
        if body != section.body:
            document_services.update_section(
                section=section, heading=section.heading, body=body, acting_user=acting_user
            )
    return note


@transaction.atomic
def prepare_note(*, submission: Submission, acting_user: User | None) -> Document:
    """Draft the school's analytical note for the campaign year (or link the year's existing one).

    An editable note gets the submission's texts; a note on approval or approved is only linked.
    """
    submission = _locked(submission)
    _require_curator(acting_user, submission.school)
    if submission.status == SubmissionStatus.ACCEPTED or submission.campaign.stage not in DECISION_STAGES:
        raise CampaignError(
            _("Материалы приняты или кампания перешла к аналитическому этапу: справка не меняется.")
        )
    note = submission.note
    if note is None:
        note = (
            Document.objects.filter(
                school=submission.school,
                kind=DocumentKind.ANALYTICAL_NOTE,
                school_year=submission.campaign.school_year,
            )
            .order_by("-pk")
            .first()
        )
    if note is None:
        note = document_services.draft_document(
            school=submission.school,
            kind=DocumentKind.ANALYTICAL_NOTE,
            school_year=submission.campaign.school_year,
            acting_user=acting_user,
        )
    fill_note(note=note, submission=submission, acting_user=acting_user)
    if submission.note_id != note.pk:
        submission.note = note
        submission.save(update_fields=["note", "updated_at"])
    return note
