"""Permission cases of individual educational routes (ИОМ) and of the school roadmap.

The school-A route belongs to the marker person (the school-A mentee user), so the marker name is on
every page of it; the mentee opens «Мой ИОМ» as its owner. Builders are idempotent.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django_scopes import scopes_disabled

from programs.models import (
    ActivityStatus,
    IndividualRoute,
    MeasureKind,
    RoadmapStage,
    RoadmapStatus,
    RouteMeasure,
    RouteStatus,
    SchoolRoadmap,
)
from programs.services.roadmap import CONDITIONS, create_roadmap
from schools.years import school_year_bounds, school_year_of
from tests.conftest import World
from tests.permission_cases.base import Case

PRODUCT_NAME = "test-permission-cases/route-product.pdf"


def _route(w: World) -> IndividualRoute:
    year = school_year_of()
    with scopes_disabled():
        route, _ = IndividualRoute.objects.get_or_create(
            school=w.a.school,
            staff=w.a.staff,
            defaults={
                "start_year": year,
                "end_year": year + 3,
                "status": RouteStatus.ACTIVE,
                "difficulties": {"ict": 2},
                "desired_image": "Учитель-исследователь",
            },
        )
        return route


def _measure(w: World, status: str) -> RouteMeasure:
    route = _route(w)
    with scopes_disabled():
        measure = RouteMeasure.objects.filter(route=route, status=status).first()
        if measure is None:
            fields = {}
            if status == ActivityStatus.DONE:
                path = Path(settings.MEDIA_ROOT) / PRODUCT_NAME
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(b"%PDF-1.4\n% permission case\n")
                fields = {"product": "Разработка урока", "product_file": PRODUCT_NAME}
            measure = RouteMeasure.objects.create(
                route=route,
                school_year=route.start_year,
                kind=MeasureKind.COURSE,
                title="Курсы ИКТ",
                status=status,
                **fields,
            )
        return measure


def _route_pk(w: World) -> dict:
    return {"pk": _route(w).pk}


def _done_measure(w: World) -> dict:
    return {"pk": _measure(w, ActivityStatus.DONE).pk}


def _planned_measure(w: World) -> dict:
    return {"pk": _measure(w, ActivityStatus.PLANNED).pk}


def _with_route(w: World) -> dict:
    """List pages: school A has a route with a done measure, so a leak would show the marker."""
    _done_measure(w)
    return {}


def _roadmap(w: World, status: str = RoadmapStatus.DRAFT) -> SchoolRoadmap:
    with scopes_disabled():
        roadmap = SchoolRoadmap.objects.filter(school=w.a.school).first()
        if roadmap is None:
            year = school_year_of()
            roadmap = create_roadmap(
                school=w.a.school,
                school_year=year,
                start_date=school_year_bounds(year)[0],
                acting_user=w.a.users["curator"],
            )
            roadmap.status = status
            roadmap.save()
        return roadmap


def _roadmap_pk(status: str):
    return lambda w: {"pk": _roadmap(w, status).pk}


def _stage(w: World) -> dict:
    with scopes_disabled():
        return {"pk": RoadmapStage.objects.get(roadmap=_roadmap(w), code=CONDITIONS).pk}


def _with_roadmap(w: World) -> dict:
    _roadmap(w)
    return {}


def _post(owner_role: str, kwargs=_route_pk, data=lambda w: {}) -> Case:
    return Case(
        owner_role=owner_role,
        kwargs=kwargs,
        method="post",
        data=data,
        owner_status=302,
        addresses_object=True,
    )


CASES: dict[str, Case] = {
    # Individual educational routes
    "programs:route-list": Case(owner_role="curator", kwargs=_with_route),
    "programs:route-create": Case(owner_role="curator"),
    "programs:my-route": Case(owner_role="mentee", kwargs=_with_route),
    "programs:route-detail": Case(owner_role="curator", kwargs=_route_pk, addresses_object=True),
    "programs:route-print": Case(owner_role="curator", kwargs=_route_pk, addresses_object=True),
    "programs:route-edit": Case(owner_role="curator", kwargs=_route_pk, addresses_object=True),
    "programs:route-refresh": _post("curator"),
    "programs:route-status": _post("curator", data=lambda w: {"action": "complete"}),
    "programs:route-measure-create": Case(owner_role="curator", kwargs=_route_pk, addresses_object=True),
    "programs:route-correction-create": _post(
        "curator", data=lambda w: {"date": timezone.localdate().isoformat(), "description": "Сдвинут срок"}
    ),
    "programs:route-reflection": Case(owner_role="curator", kwargs=_route_pk, addresses_object=True),
    "programs:route-measure-edit": Case(owner_role="curator", kwargs=_planned_measure, addresses_object=True),
    "programs:route-measure-delete": _post("curator", kwargs=_planned_measure),
    "programs:route-measure-product": Case(owner_role="curator", kwargs=_done_measure, addresses_object=True),
    "programs:route-measure-file": Case(owner_role="curator", kwargs=_done_measure, addresses_object=True),
    # The school roadmap
    "programs:roadmap": Case(owner_role="curator", kwargs=_with_roadmap),
    "programs:roadmap-create": Case(
        owner_role="curator",
        method="post",
        data=lambda w: {
            "school_year": school_year_of(),
            "start_date": school_year_bounds(school_year_of())[0].isoformat(),
        },
        owner_status=302,
    ),
    "programs:roadmap-submit": _post("curator", kwargs=_roadmap_pk(RoadmapStatus.DRAFT)),
    "programs:roadmap-decide": _post(
        "director", kwargs=_roadmap_pk(RoadmapStatus.SUBMITTED), data=lambda w: {"decision": "approve"}
    ),
    "programs:roadmap-stage-edit": Case(owner_role="curator", kwargs=_stage, addresses_object=True),
    "programs:roadmap-stage-mark": _post("curator", kwargs=_stage, data=lambda w: {"status": "done"}),
}
