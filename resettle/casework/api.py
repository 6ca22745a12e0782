"""The REST API for casework: the same services, so the same checks, as the screens.

A move another role makes is refused with 403 and audited (by the service, as on screen); a
move whose precondition fails is 409 with the reason; a stale version is 409 too.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from resettle.applications.api import IsVerified
from resettle.applications.selectors import get_application
from resettle.casework import selectors, services
from resettle.casework.models import Decision
from resettle.core.locking import ConcurrentEditError


class TransitionIn(serializers.Serializer):
    action = serializers.ChoiceField(choices=sorted(services.lifecycle.TRANSITIONS))
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    version = serializers.IntegerField(min_value=1, help_text="The case's version you read (optimistic lock).")


class StageOut(serializers.Serializer):
    id = serializers.CharField()
    status = serializers.CharField()
    version = serializers.IntegerField()


class EntryOut(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    actor = serializers.CharField()
    title = serializers.CharField()


class DecisionOut(serializers.Serializer):
    id = serializers.UUIDField()
    outcome = serializers.CharField()
    state = serializers.CharField()
    member = serializers.UUIDField(source="member_id", allow_null=True)
    policy_id = serializers.CharField()
    version_id = serializers.CharField()
    evaluation = serializers.UUIDField(source="evaluation_id")
    criteria_cited = serializers.ListField(child=serializers.DictField())
    reasons = serializers.CharField()
    reconsideration_info = serializers.CharField()
    proposed_by = serializers.CharField(source="proposed_by.username")
    proposed_at = serializers.DateTimeField()
    confirmed_by = serializers.CharField(source="confirmed_by.username", allow_null=True, default=None)
    confirmed_at = serializers.DateTimeField(allow_null=True)


class ProposeIn(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["approve", "decline"])
    reasons = serializers.CharField(max_length=8000)
    criteria = serializers.ListField(child=serializers.CharField(max_length=60), required=False, default=list)
    reconsideration_info = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    version = serializers.IntegerField(min_value=1, required=False)


class ReviewIn(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


def _refusal(exc) -> Response:
    if isinstance(exc, PermissionDenied):
        return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
    return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)


class Transitions(APIView):
    permission_classes = [IsVerified]

    @extend_schema(request=TransitionIn, responses={200: StageOut})
    def post(self, request, application_id):
        """Move the case (same table, roles and preconditions as the case page)."""
        application = get_application(request.user, application_id)
        data = TransitionIn(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        try:
            services.case_transition(application=application, action=d["action"], actor=request.user,
                                     reason=d["reason"], expected_version=d["version"], via="api")
        except (services.TransitionRefused, ConcurrentEditError, PermissionDenied) as exc:
            return _refusal(exc)
        return Response({"id": str(application.pk), "status": application.status, "version": application.version})


class History(APIView):
    permission_classes = [IsVerified]

    @extend_schema(responses=EntryOut(many=True))
    def get(self, request, application_id):
        """What happened to the case: stage changes, decisions, requests, changes, documents (no texts)."""
        application = get_application(request.user, application_id)
        entries = selectors.timeline(application, with_notes=False)
        return Response(EntryOut([e.__dict__ for e in entries], many=True).data)


class Decisions(APIView):
    permission_classes = [IsVerified]

    @extend_schema(responses=DecisionOut(many=True))
    def get(self, request, application_id):
        application = get_application(request.user, application_id)
        return Response(DecisionOut(selectors.decisions(application), many=True).data)

    @extend_schema(request=ProposeIn, responses={201: DecisionOut})
    def post(self, request, application_id):
        """Propose a decision; a second decision maker confirms it."""
        application = get_application(request.user, application_id)
        data = ProposeIn(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        try:
            decision = services.decision_propose(application=application, actor=request.user, outcome=d["outcome"],
                                                 reasons=d["reasons"], criteria_ids=d["criteria"],
                                                 reconsideration_info=d["reconsideration_info"],
                                                 expected_version=d.get("version"))
        except (services.TransitionRefused, ConcurrentEditError, PermissionDenied) as exc:
            return _refusal(exc)
        return Response(DecisionOut(decision).data, status=status.HTTP_201_CREATED)


class Review(APIView):
    permission_classes = [IsVerified]
    verdict = "confirm"

    @extend_schema(request=ReviewIn, responses={200: DecisionOut})
    def post(self, request, decision_id):
        decision = Decision.objects.filter(pk=decision_id).select_related("application").first()
        if decision is None:
            return Response({"detail": "not found"}, status=status.HTTP_404_NOT_FOUND)
        get_application(request.user, decision.application_id)
        data = ReviewIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            if self.verdict == "confirm":
                decision = services.decision_confirm(decision=decision, actor=request.user, note=data.validated_data["note"])
            else:
                decision = services.decision_return(decision=decision, actor=request.user, note=data.validated_data["note"])
        except (services.TransitionRefused, ConcurrentEditError, PermissionDenied) as exc:
            return _refusal(exc)
        return Response(DecisionOut(decision).data)
