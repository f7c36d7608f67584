"""Приказ об утверждении Положения о системе наставничества и дорожной карты.

The curator picks a draft of the Regulation (and, optionally, of the roadmap) of the school; the
order lists them in ``approves``, so when the director approves the order the workflow approves
them too, with the order's date, each in its own register and with ``approved_via`` set — the
Regulation then prints «УТВЕРЖДЕНО приказом … от … № …».
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programs.documents.kinds import common
from programs.documents.registry import BuildContext, Built, DocumentType, document_type, register
from programs.models import Document, DocumentKind, DocumentStatus, RegistrationSeries
from schools.models import School, User


def attachable(school: School, kind: str):
    """Documents of a kind the order may approve: this school's, not approved yet."""
    return (
        Document.objects.filter(school=school, kind=kind)
        .exclude(status=DocumentStatus.APPROVED)
        .order_by("-created_at", "-pk")
    )


class _DocumentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Document) -> str:
        return _("%(title)s (%(status)s, подготовлен %(date)s)") % {
            "title": obj.title,
            "status": obj.get_status_display(),
            "date": common.ru_date(obj.created_at.date()),
        }


@register
class OrderRegulation(DocumentType):
    kind = DocumentKind.ORDER_REGULATION
    series = RegistrationSeries.ORDERS
    stamp = "order"

    def options_form(self, school: School, school_year: int) -> type[forms.Form]:
        regulations = attachable(school, DocumentKind.REGULATION)
        roadmaps = attachable(school, DocumentKind.ROADMAP)

        class RegulationOptions(forms.Form):
            regulation = _DocumentChoice(
                label=gettext_lazy("Положение о системе наставничества"),
                queryset=regulations,
                error_messages={
                    "required": gettext_lazy(
                        "Выберите Положение: сначала подготовьте документ «Положение о системе наставничества»."
                    ),
                    "invalid_choice": gettext_lazy(
                        "Это Положение уже утверждено или относится к другой организации."
                    ),
                },
            )
            roadmap = _DocumentChoice(
                label=gettext_lazy("Дорожная карта (необязательно)"),
                queryset=roadmaps,
                required=False,
                error_messages={
                    "invalid_choice": gettext_lazy(
                        "Эта дорожная карта уже утверждена или относится к другой организации."
                    )
                },
            )

        return RegulationOptions

    def build(self, ctx: BuildContext) -> Built:
        regulation: Document = ctx.options["regulation"]
        roadmap: Document | None = ctx.options.get("roadmap")
        school = ctx.school.short_name
        curator = common.curator_of(ctx)
        approves = [regulation] + ([roadmap] if roadmap is not None else [])

        if roadmap is not None:
            title = _(
                "Об утверждении Положения о системе наставничества и дорожной карты внедрения целевой модели "
                "наставничества"
            )
        else:
            title = _("Об утверждении Положения о системе наставничества")
        target_model = (
            Document.objects.filter(
                school=ctx.school, kind=DocumentKind.ORDER_TARGET_MODEL, status=DocumentStatus.APPROVED
            )
            .order_by("-approved_on", "-pk")
            .first()
        )
        preamble = _("%(basis)s, в целях организации системы наставничества в %(school)s") % {
            "basis": common.basis_sentence(),
            "school": school,
        }
        if target_model is not None:
            preamble += _(" и во исполнение приказа %(ref)s «%(title)s»") % {
                "ref": common.reference(target_model),
                "title": target_model.title,
            }

        clauses = [
            _("Утвердить %(title)s (прилагается).") % {"title": _as_object(regulation.title)},
        ]
        if roadmap is not None:
            clauses.append(_("Утвердить %(title)s (прилагается).") % {"title": _as_object(roadmap.title)})
        clauses.append(
            _(
                "Педагогическим работникам, участвующим в наставничестве, руководствоваться Положением о системе "
                "наставничества при организации и осуществлении наставнической деятельности."
            )
        )
        who = (
            _("Куратору наставничества (%(name)s)") % {"name": curator.full_name}
            if curator is not None
            else _("Куратору наставничества")
        )
        clauses.append(
            _(
                "%(who)s в течение десяти рабочих дней ознакомить педагогических работников с утверждёнными "
                "документами и разместить их на официальном сайте %(school)s в разделе «Наставничество»."
            )
            % {"who": who, "school": school}
        )
        if roadmap is not None:
            clauses.append(
                _(
                    "Куратору обеспечить выполнение мероприятий дорожной карты в установленные сроки и "
                    "ежемесячно информировать руководителя о ходе её выполнения."
                )
            )
        payload = {
            "approves": [{"id": d.pk, "kind": d.kind, "title": d.title} for d in approves],
            "acquainted": common.unique_people([common.person(curator)]),
        }
        return Built(
            title=common.order_title(ctx, title),
            sections=common.order_sections(ctx, preamble, clauses),
            payload=payload,
            approves=approves,
        )

    def approval_errors(self, document: Document) -> list[str]:
        """The documents the order approves must still be there and not approved in another way."""
        errors = []
        listed = document.payload.get("approves", [])
        present = {d.pk: d for d in document.approves.all()}
        if not listed:
            errors.append(_("Приказ не утверждает ни одного документа: выберите Положение."))
        for item in listed:
            attached = present.get(item["id"])
            if attached is None:
                errors.append(
                    _("Документ «%(title)s» удалён: выберите документ заново и обновите приказ.")
                    % {"title": item["title"]}
                )
            elif attached.status == DocumentStatus.APPROVED and attached.approved_via_id != document.pk:
                errors.append(
                    _("Документ «%(title)s» уже утверждён (№ %(number)s): обновите приказ.")
                    % {"title": attached.title, "number": attached.registration_number}
                )
            elif attached.status != DocumentStatus.APPROVED:
                # What would stop the attached document's own approval stops the order now, not later.
                errors += [
                    f"{attached.title}: {error}"
                    for error in document_type(attached.kind).approval_errors(attached)
                ]
        return errors

    def apply(self, document: Document, acting_user: User) -> None:
        """Nothing of its own: the workflow approves the documents in ``approves`` right after it."""


def _as_object(title: str) -> str:
    """A document's title as the object of «Утвердить»: «Положение …» reads the same in the accusative;
    «Дорожная карта …» becomes «дорожную карту …»."""
    for nominative, accusative in (
        (_("Дорожная карта"), _("дорожную карту")),
        (_("Программа"), _("программу")),
    ):
        if title.startswith(nominative):
            return accusative + title[len(nominative) :]
    return title
