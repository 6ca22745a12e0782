"""Read-only REST API: the same selectors, so the same object and field rules, as the screens."""

from __future__ import annotations

import dataclasses

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.exceptions import ValidationError
from rest_framework.views import APIView

from resettle.applications import selectors
from resettle.applications.models import Status


class IsVerified(permissions.BasePermission):
    """Signed in with password and TOTP code in this session."""

    message = "Sign in with your password and authenticator code first."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and getattr(user, "is_verified", lambda: False)())


class ApplicationRowSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    status = serializers.CharField()
    pathway = serializers.CharField()
    received_on = serializers.DateField()
    team = serializers.CharField(source="team.name", default="")


class IdentitySerializer(serializers.Serializer):
    person_id = serializers.CharField()
    full_name = serializers.CharField()
    father_name = serializers.CharField()
    grandfather_name = serializers.CharField()
    birth_date = serializers.CharField()
    gender = serializers.CharField()
    documents = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))


class ContactSerializer(serializers.Serializer):
    kind = serializers.CharField()
    value = serializers.CharField()


class MemberSerializer(serializers.Serializer):
    relationship = serializers.CharField()
    dependent = serializers.BooleanField(allow_null=True)
    identity = IdentitySerializer(allow_null=True, help_text="null: your role may not see identities")
    contacts = ContactSerializer(many=True, allow_null=True, help_text="null: your role may not see contacts")


class ClaimSerializer(serializers.Serializer):
    employer = serializers.CharField()
    unit = serializers.CharField()
    role = serializers.CharField()
    location = serializers.CharField()
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    verification_status = serializers.CharField()
    referee = serializers.CharField(allow_null=True, help_text="null: your role may not see identities")
    details = serializers.CharField(allow_null=True, help_text="null: your role may not see identities")


class CaseSerializer(serializers.Serializer):
    id = serializers.CharField()
    reference = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    pathway = serializers.CharField()
    received_on = serializers.DateField()
    channel = serializers.CharField()
    team = serializers.CharField()
    version = serializers.IntegerField()
    principal = MemberSerializer(allow_null=True)
    family = MemberSerializer(many=True, allow_null=True, help_text="null: your role may not see family")
    claims = ClaimSerializer(many=True)


class AggregatesSerializer(serializers.Serializer):
    status = serializers.DictField(child=serializers.IntegerField(allow_null=True))
    pathway = serializers.DictField(child=serializers.IntegerField(allow_null=True))
    role = serializers.DictField(child=serializers.IntegerField(allow_null=True))
    unit = serializers.DictField(child=serializers.IntegerField(allow_null=True))
    suppressed_below = serializers.IntegerField()


class Pages(PageNumberPagination):
    page_size = 50


class ApplicationList(APIView):
    permission_classes = [IsVerified]

    @extend_schema(parameters=[OpenApiParameter(n, str, required=False) for n in ("status", "pathway", "reference")],
                   responses=ApplicationRowSerializer(many=True))
    def get(self, request):
        """Cases you may open; no personal data in the list."""
        filters = {k: request.query_params.get(k, "") for k in ("status", "pathway", "reference")}
        if filters["status"] and filters["status"] not in Status.values:
            raise ValidationError({"status": f"one of {', '.join(Status.values)}"})
        if any("\x00" in v or len(v) > 100 for v in filters.values()):
            raise ValidationError("filters must be plain text of at most 100 characters")
        qs = selectors.search_applications(request.user, **filters)
        pages = Pages()
        page = pages.paginate_queryset(qs.select_related("team"), request, view=self)
        return pages.get_paginated_response(ApplicationRowSerializer(page, many=True).data)


class ApplicationDetail(APIView):
    permission_classes = [IsVerified]

    @extend_schema(responses=CaseSerializer)
    def get(self, request, application_id):
        """One case, with the parts your role may see; reading it is audited."""
        case = selectors.case_detail(request.user, application_id, reason="api case read")
        return Response(CaseSerializer(dataclasses.asdict(case)).data)


class Aggregates(APIView):
    permission_classes = [IsVerified]

    @extend_schema(responses=AggregatesSerializer)
    def get(self, request):
        """Counts by status, pathway, claimed role and unit; counts below 5 are null."""
        return Response({**selectors.aggregates(request.user, threshold=5), "suppressed_below": 5})
