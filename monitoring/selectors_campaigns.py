"""Reads of monitoring campaigns for the pages: the list, the table of schools, a school's submissions.

The table of a campaign reads the submissions with their schools and notes in one query, whatever
the number of schools; lateness, counts and the stage check are worked out from that list.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from monitoring.models import Campaign, CampaignStage, EffectivenessLevel, Submission, SubmissionStatus
from monitoring.services_campaigns import LEVEL_RANK, StageCheck, is_late, note_is_signed
from programs.models import DocumentStatus
from schools.models import School

STATUS_BADGES = {
    SubmissionStatus.DRAFT: "text-bg-secondary",
    SubmissionStatus.SUBMITTED: "text-bg-primary",
    SubmissionStatus.RETURNED: "text-bg-warning",
    SubmissionStatus.ACCEPTED: "text-bg-success",
}
LEVEL_BADGES = {
    EffectivenessLevel.OPTIMAL: "text-bg-success",
    EffectivenessLevel.ACCEPTABLE: "text-bg-info",
    EffectivenessLevel.UNACCEPTABLE: "text-bg-danger",
}
# «Sort by status» puts what needs the methodist first: waiting for a decision, then late work.
STATUS_ORDER = {
    SubmissionStatus.SUBMITTED: 0,
    SubmissionStatus.RETURNED: 1,
    SubmissionStatus.DRAFT: 2,
    SubmissionStatus.ACCEPTED: 3,
}
NOTE_BADGES = {
    DocumentStatus.DRAFT: "text-bg-secondary",
    DocumentStatus.SUBMITTED: "text-bg-primary",
    DocumentStatus.RETURNED: "text-bg-warning",
    DocumentStatus.APPROVED: "text-bg-success",
}
STAGE_BADGES = {
    CampaignStage.INTERNAL: "text-bg-primary",
    CampaignStage.EXTERNAL: "text-bg-info",
    CampaignStage.ANALYTICAL: "text-bg-warning",
    CampaignStage.CLOSED: "text-bg-secondary",
}


def campaigns_for_territory() -> QuerySet[Campaign]:
    """The campaigns of the methodist's territory with their submissions counted by status."""
    return (
        Campaign.objects.select_related("municipality")
        .annotate(
            total=Count("submissions"),
            **{
                f"n_{status}": Count("submissions", filter=Q(submissions__status=status))
                for status in SubmissionStatus.values
            },
        )
        .order_by("-school_year", "municipality__name")
    )


def submissions_of_school(school: School) -> list[Submission]:
    """The school's submissions in every campaign, the latest year first."""
    return list(
        Submission.objects.filter(school=school)
        .select_related("campaign", "note")
        .order_by("-campaign__school_year", "-pk")
    )


@dataclass
class Row:
    submission: Submission
    late: bool
    signed: bool

    @property
    def school(self) -> School:
        return self.submission.school

    @property
    def badge(self) -> str:
        return STATUS_BADGES.get(self.submission.status, "text-bg-secondary")

    @property
    def level_badge(self) -> str:
        return LEVEL_BADGES.get(self.submission.level, "text-bg-light")


@dataclass
class CampaignTable:
    rows: list[Row]
    counts: dict[str, int]
    late: int
    check: StageCheck
    today: date

    @property
    def total(self) -> int:
        return len(self.rows)


def _sort_key(sort: str):
    key = sort.lstrip("-")
    if key == "status":
        return lambda r: (STATUS_ORDER[r.submission.status], not r.late, r.school.short_name.lower())
    if key == "level":
        return lambda r: (LEVEL_RANK.get(r.submission.level, -1), r.school.short_name.lower())
    if key == "submitted":
        return lambda r: (
            r.submission.submitted_at is None,
            r.submission.submitted_at or timezone.now(),
            r.school.short_name.lower(),
        )
    return lambda r: (r.school.short_name.lower(), r.school.pk)


def campaign_table(campaign: Campaign, *, sort: str = "school", today: date | None = None) -> CampaignTable:
    """Every school of the campaign with its submission, lateness and note (one query)."""
    today = today or timezone.localdate()
    submissions = list(
        Submission.objects.filter(campaign=campaign).select_related("school", "note").order_by("pk")
    )
    rows = [
        Row(submission=s, late=is_late(s, campaign.deadline, today), signed=note_is_signed(s))
        for s in submissions
    ]
    rows.sort(key=_sort_key(sort), reverse=sort.startswith("-"))
    counts = Counter(s.status for s in submissions)
    undecided = sorted(
        (s for s in submissions if s.status != SubmissionStatus.ACCEPTED), key=lambda s: s.school.short_name
    )
    check = StageCheck(
        waiting=[s for s in undecided if s.status == SubmissionStatus.SUBMITTED],
        unaccepted=[s for s in undecided if s.status != SubmissionStatus.SUBMITTED],
    )
    return CampaignTable(
        rows=rows,
        counts={status: counts.get(status, 0) for status in SubmissionStatus.values},
        late=sum(1 for r in rows if r.late),
        check=check,
        today=today,
    )
