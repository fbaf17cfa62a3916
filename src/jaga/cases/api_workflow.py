"""The API of the work on a case: the assessment, the case plan and the closure request (written by the
caseworker, decided by a supervisor), and one's tasks. The same services, scope and audit as the pages."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jaga.accounts.access import HasPerm
from jaga.accounts.models import User
from jaga.accounts.requests import signed_in
from jaga.cases import casetasks, workflow
from jaga.cases.access import access_case, access_task
from jaga.cases.api import CASE_404, ERROR_RESPONSES, service_errors
from jaga.cases.models import ClosureReason, Need, RiskLevel, Service, Task
from jaga.core.doors import DeclaredAPIView
from jaga.core.pagination import api_pages

TEXT: dict[str, Any] = {"max_length": workflow.TEXT_MAX}


class WorkOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    item = serializers.ChoiceField(choices=list(workflow.ITEMS))
    state = serializers.CharField(help_text="draft, submitted, approved or returned")
    case_status = serializers.CharField()


class AssessmentInSerializer(serializers.Serializer):
    safety = serializers.ChoiceField(choices=Need.choices, default=Need.NONE)
    health = serializers.ChoiceField(choices=Need.choices, default=Need.NONE)
    psychosocial = serializers.ChoiceField(choices=Need.choices, default=Need.NONE)
    legal = serializers.ChoiceField(choices=Need.choices, default=Need.NONE)
    education = serializers.ChoiceField(choices=Need.choices, default=Need.NONE)
    family_economy = serializers.ChoiceField(choices=Need.choices, default=Need.NONE)
    risk_rating = serializers.ChoiceField(choices=RiskLevel.choices)
    narrative = serializers.CharField(allow_blank=True, default="", **TEXT)
    submit = serializers.BooleanField(default=True, help_text="false keeps it as a draft")


class ActionSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=200)
    service = serializers.ChoiceField(choices=Service.choices, required=False, allow_blank=True, default="")
    responsible = serializers.EmailField(required=False, allow_blank=True, default="", help_text="Login email")
    due_on = serializers.DateField()


class PlanInSerializer(serializers.Serializer):
    goals = serializers.CharField(**TEXT)
    actions = ActionSerializer(many=True, max_length=50)  # type: ignore[call-arg]  # ListSerializer takes it
    submit = serializers.BooleanField(default=True)


class ClosureInSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=ClosureReason.choices)
    outcome = serializers.CharField(**TEXT)


class DecisionInSerializer(serializers.Serializer):
    item = serializers.ChoiceField(choices=list(workflow.ITEMS))
    decision = serializers.ChoiceField(choices=["approve", "return"])
    comment = serializers.CharField(allow_blank=True, default="", help_text="Required to return", **TEXT)


def _answer(entry: Any, case: Any) -> Response:
    case.refresh_from_db(fields=["status"])
    return Response({"id": str(entry.pk), "item": entry.ITEM, "state": entry.state, "case_status": case.status})


def _responsible(email: str, row: int) -> User | None:
    if not email:
        return None
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        raise ValidationError({"actions": {str(row): {"responsible": [_("No active user has this email.")]}}})
    return user


class CaseWorkView(DeclaredAPIView):
    """``POST /api/v1/cases/{id}/work/{item}/``: write (and send) the assessment, plan or closure request."""

    permission_classes = [HasPerm("cases.edit")]

    BODIES = {"assessment": AssessmentInSerializer, "plan": PlanInSerializer, "closure": ClosureInSerializer}
    item = ""

    def post(self, request: Request, case_id: Any) -> Response:
        case = access_case(signed_in(request), case_id)
        body = self.BODIES[self.item](data=request.data)
        body.is_valid(raise_exception=True)
        data, actor, django_request = body.validated_data, signed_in(request), request._request
        entry: workflow.Submitted
        with service_errors():
            if self.item == "assessment":
                entry = workflow.assessment_save(
                    actor=actor,
                    case=case,
                    data=data,
                    submit=data["submit"],
                    request=django_request,
                )
            elif self.item == "plan":
                actions = [
                    workflow.ActionInput(
                        description=row["description"], due_on=row["due_on"], service=row["service"],
                        responsible=_responsible(row["responsible"], number),
                    )
                    for number, row in enumerate(data["actions"])
                ]  # fmt: skip
                entry = workflow.plan_save(
                    actor=actor, case=case, goals=data["goals"], actions=actions, submit=data["submit"],
                    request=django_request,
                )  # fmt: skip
            else:
                entry = workflow.closure_request_save(
                    actor=actor,
                    case=case,
                    reason=data["reason"],
                    outcome=data["outcome"],
                    request=django_request,
                )
        return _answer(entry, case)


def _work_view(item: str, summary: str) -> type[APIView]:
    class View(CaseWorkView):
        @extend_schema(
            operation_id=f"v1_cases_work_{item}",
            summary=summary,
            request=CaseWorkView.BODIES[item],
            responses={200: WorkOutSerializer, 404: CASE_404, **ERROR_RESPONSES},
        )
        def post(self, request: Request, case_id: Any) -> Response:
            return super().post(request, case_id)

    View.item = item
    View.__name__ = View.__qualname__ = f"Case{item.title()}View"
    return View


CaseAssessmentView = _work_view("assessment", "Write the assessment and send it for approval (submit=false: draft)")
CasePlanView = _work_view("plan", "Write the case plan and its actions and send it for approval")
CaseClosureView = _work_view("closure", "Ask the supervisor to close the case (reason and outcome)")


class CaseDecideView(DeclaredAPIView):
    permission_classes = [HasPerm("cases.approve")]

    @extend_schema(
        operation_id="v1_cases_work_decide",
        summary="Approve or return what waits for approval (supervisors); the status follows the approval",
        request=DecisionInSerializer,
        responses={200: WorkOutSerializer, 404: CASE_404, **ERROR_RESPONSES},
    )
    def post(self, request: Request, case_id: Any) -> Response:
        case = access_case(signed_in(request), case_id)
        body = DecisionInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        entry = workflow.current(case, data["item"])
        if entry is None:
            raise ValidationError({"item": [_("Only what waits for approval can be decided.")]})
        with service_errors():
            workflow.submission_decide(
                actor=signed_in(request),
                entry=entry,
                approve=data["decision"] == "approve",
                comment=data["comment"],
                request=request._request,
            )
        return _answer(entry, case)


class TaskOutSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    case = serializers.UUIDField(source="case_id")
    reference = serializers.CharField(source="case.reference")
    kind = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named label
    due_on = serializers.DateField()
    overdue = serializers.SerializerMethodField()
    state = serializers.CharField()

    def get_overdue(self, task: Task) -> bool:
        return task.overdue_on(timezone.localdate())


TaskPagination, TaskPageSerializer = api_pages(TaskOutSerializer, "Task")


class TaskListView(DeclaredAPIView):
    permission_classes = [HasPerm("cases.edit")]

    @extend_schema(
        operation_id="v1_tasks_list",
        summary="Your open tasks, the most overdue first, 50 a page",
        responses={200: TaskPageSerializer, **ERROR_RESPONSES},
    )
    def get(self, request: Request) -> Response:
        paginator = TaskPagination()
        page = paginator.paginate_queryset(casetasks.tasks_of(signed_in(request)), request, view=self)
        return paginator.get_paginated_response(TaskOutSerializer(page, many=True).data)


class TaskCloseInSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=[Task.State.DONE.value, Task.State.NOT_NEEDED.value])


class TaskCloseView(DeclaredAPIView):
    permission_classes = [HasPerm("cases.edit")]

    @extend_schema(
        operation_id="v1_tasks_close",
        summary="Mark a task done or not needed",
        request=TaskCloseInSerializer,
        responses={200: TaskOutSerializer, 404: CASE_404, **ERROR_RESPONSES},
    )
    def post(self, request: Request, task_id: Any) -> Response:
        task = access_task(signed_in(request), task_id)
        body = TaskCloseInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        with service_errors():
            casetasks.task_close(
                actor=signed_in(request), task=task, state=body.validated_data["state"], request=request._request
            )
        return Response(TaskOutSerializer(task).data)
