"""What every API view shares: policy-first querysets, lookup by public id, versioned writes."""

from __future__ import annotations

from urllib import parse

from cryptography.fernet import InvalidToken
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from api.errors import Conflict
from api.fields import DateTimeField
from taskforce import access, records
from taskforce.encryption import token_cipher
from taskforce.models import SEALED_LABEL, Agency, County, ShareLevel, StaleVersion

# The policy action each HTTP verb needs on a single record.
POLICY_ACTION = {
    "GET": access.Action.VIEW,
    "HEAD": access.Action.VIEW,
    "OPTIONS": access.Action.VIEW,
    "PATCH": access.Action.CHANGE,
    "PUT": access.Action.CHANGE,
    "DELETE": access.Action.DELETE,
}


# A path segment naming a part of a record by its public id; part_of turns a bad one into 404.
UUID_PART = r"(?P<{}>[^/.]+)"


def part_of(queryset, public_id):
    """A part (count, hearing, consent, …) of a record already found through the policy, or
    a deadline among those visible; anything else, a malformed id included, is NotFound."""
    try:
        found = queryset.filter(public_id=public_id).first()
    except (DjangoValidationError, ValueError):
        found = None
    if found is None:
        raise access.NotFound
    return found


def valid(serializer_class, request, **kwargs) -> dict:
    incoming = serializer_class(data=request.data, **kwargs)
    incoming.is_valid(raise_exception=True)
    return dict(incoming.validated_data)


class OpaqueCursorPagination(CursorPagination):
    """Keyset (cursor) pages whose cursor tells the client nothing.

    DRF's cursor is base64 of the last row's sort key (a record's time of change, a deadline's
    due time, a name) and an offset: anyone could read when another agency last touched a
    record. Here the same position is encrypted (`token_cipher`), so the cursor reads as random
    bytes, and one the API did not give (changed, cut, from another key) is 400, never 500.
    """

    invalid_cursor_message = "This cursor is not one the API gave; start again without it."

    def encode_cursor(self, cursor: Cursor) -> str:
        tokens = {}
        if cursor.offset != 0:
            tokens["o"] = str(cursor.offset)
        if cursor.reverse:
            tokens["r"] = "1"
        if cursor.position is not None:
            tokens["p"] = cursor.position
        plain = parse.urlencode(tokens, doseq=True).encode()
        sealed = token_cipher("api cursor").encrypt(plain).decode("ascii")
        return replace_query_param(self.base_url, self.cursor_query_param, sealed)

    def decode_cursor(self, request) -> Cursor | None:
        sealed = request.query_params.get(self.cursor_query_param)
        if sealed is None:
            return None
        try:
            plain = token_cipher("api cursor").decrypt(sealed.encode("ascii")).decode()
            tokens = parse.parse_qs(plain, keep_blank_values=True)
            offset = int(tokens.get("o", ["0"])[0])
            reverse = bool(int(tokens.get("r", ["0"])[0]))
            position = tokens.get("p", [None])[0]
        except (InvalidToken, TypeError, ValueError):  # UnicodeError is a ValueError
            raise serializers.ValidationError({"cursor": [self.invalid_cursor_message]}) from None
        if not 0 <= offset <= self.offset_cutoff:
            raise serializers.ValidationError({"cursor": [self.invalid_cursor_message]})
        return Cursor(offset=offset, reverse=reverse, position=position)


class Pagination(OpaqueCursorPagination):
    """Keyset (cursor) pages: stable while records change, no deep OFFSET scans."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-updated_at", "-id")


class AgencyRef(serializers.Serializer):
    public_id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)


class AgencyField(serializers.SlugRelatedField):
    """An active agency named by its public id (agencies are not secret: forms list them)."""

    default_error_messages = {
        "does_not_exist": "No active agency has the id {value}.",
        "invalid": "Give an agency's public id.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Agency.objects.filter(is_active=True))
        super().__init__(slug_field="public_id", **kwargs)

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError:
            raise
        except Exception:  # a malformed UUID reaches the database as a conversion error
            self.fail("does_not_exist", value=str(data)[:60])


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=0,
        help_text="The version you read; if someone saved since, the answer is 409 and nothing "
        "is saved.",
    )


class ShareRequest(serializers.Serializer):
    to_agency = AgencyField()
    level = serializers.ChoiceField(choices=ShareLevel.choices, default=ShareLevel.VIEW)
    reason = serializers.CharField(max_length=2000)
    expires_at = DateTimeField(required=False, allow_null=True)


class ShareResponse(serializers.Serializer):
    public_id = serializers.UUIDField()
    to_agency = AgencyRef()
    level = serializers.CharField()
    reason = serializers.CharField()
    expires_at = serializers.DateTimeField(allow_null=True)


class ShareListed(ShareResponse):
    created_by = serializers.CharField(source="created_by.username")
    created_at = serializers.DateTimeField()


class ShareRevoked(ShareResponse):
    revoked_at = serializers.DateTimeField()
    revoke_reason = serializers.CharField()


class ShareRevoke(serializers.Serializer):
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=1000, help_text="Kept in the audit trail."
    )


class ProtectedViewSet(viewsets.GenericViewSet):
    """Base of the views of one protected model.

    The queryset is `access.visible`; one record is `access.get_for` with the action the verb
    needs, so a record the caller may not see is 404 on every verb, like a missing id.
    """

    model = None
    lookup_field = "public_id"
    lookup_url_kwarg = "public_id"
    pagination_class = Pagination
    # A single record's read is audited as its page audits it (records.record_viewed) ...
    audit_reads = True
    # ... and privileged records (victims, referrals) are audited in lists too, row by row.
    audit_list_reads = False

    def visible(self):
        return access.visible(self.request.user, self.model)

    def get_queryset(self):
        return self.visible()

    def get_object(self, policy_action: access.Action | None = None):
        wanted = policy_action or POLICY_ACTION.get(self.request.method, access.Action.CHANGE)
        return access.get_for(self.request.user, self.model, self.kwargs["public_id"], wanted)

    def viewed(self, obj) -> None:
        if self.audit_reads:
            records.record_viewed(actor=self.request.user, obj=obj)

    def stale(self, obj) -> Conflict:
        current = type(obj).objects.select_related("updated_by").get(pk=obj.pk)
        return Conflict(
            {
                "version": [
                    f"{current.updated_by.display_name()} saved version {current.version} "
                    "after you read it. Read the record again, then send your change with "
                    "that version."
                ]
            }
        )


class ListRetrieve(mixins.ListModelMixin, ProtectedViewSet):
    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if self.audit_list_reads and page is not None:
            for obj in page:
                self.viewed(obj)
        return page

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        self.viewed(obj)
        return Response(self.get_serializer(obj).data)


class VersionedUpdate:
    """PATCH with the version read: the model's service applies it, a stale one is 409."""

    update_serializer_class = None

    def apply_update(self, obj, data: dict, version: int):  # pragma: no cover - abstract
        raise NotImplementedError

    def partial_update(self, request, *args, **kwargs):
        obj = self.get_object()
        incoming = self.update_serializer_class(
            data=request.data, context=self.get_serializer_context()
        )
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        version = data.pop("version")
        try:
            obj = self.apply_update(obj, data, version)
        except StaleVersion:
            raise self.stale(obj) from None
        obj = self.get_queryset().get(pk=obj.pk)
        return Response(self.get_serializer(obj).data)


class Shareable:
    """POST …/share/: share the record with another agency (owning agency only), audited;
    GET …/shares/: its active shares; POST …/shares/{share_id}/revoke/: end one."""

    @extend_schema(request=ShareRequest, responses={201: ShareResponse})
    @action(detail=True, methods=["post"])
    def share(self, request, *args, **kwargs):
        obj = self.get_object(access.Action.SHARE)
        incoming = ShareRequest(data=request.data)
        incoming.is_valid(raise_exception=True)
        share_row = access.share(actor=request.user, obj=obj, **incoming.validated_data)
        return Response(ShareResponse(share_row).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: ShareListed(many=True)})
    @action(
        detail=True, methods=["get"], url_path="shares", pagination_class=None, filter_backends=[]
    )
    def shares(self, request, *args, **kwargs):
        """The record's active shares, for its owning agency (empty for anyone else)."""
        obj = self.get_object(access.Action.VIEW)
        shares = access.shares_of(request.user, obj).select_related("created_by")
        return Response(ShareListed(shares, many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("share_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        request=ShareRevoke,
        responses={200: ShareRevoked},
    )
    @action(detail=True, methods=["post"], url_path=r"shares/(?P<share_id>[^/.]+)/revoke")
    def unshare(self, request, *args, **kwargs):
        """Revoke a share: the other agency loses access at once (owning agency only)."""
        obj = self.get_object(access.Action.SHARE)
        try:
            share_row = access.share_for_owner(request.user, kwargs["share_id"])
        except (DjangoValidationError, ValueError):
            raise access.NotFound from None
        if share_row.content_type.model_class() is not type(obj) or share_row.object_id != obj.pk:
            raise access.NotFound  # a share of another record
        incoming = ShareRevoke(data=request.data)
        incoming.is_valid(raise_exception=True)
        share_row = access.unshare(
            actor=request.user, share_row=share_row, **incoming.validated_data
        )
        return Response(ShareRevoked(share_row).data)


class CountyField(serializers.SlugRelatedField):
    default_error_messages = {
        "does_not_exist": "'{value}' is not a county we know.",
        "invalid": "Give a county's name, e.g. Washington.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", County.objects.all())
        super().__init__(slug_field="name", **kwargs)


class Withheld:
    """A nested reference to a sealed record shows neither its id nor its content: only that it
    is sealed (the record itself answers 404)."""

    label_fields: tuple[str, ...] = ()  # shown as "Sealed record" instead of null

    def to_representation(self, instance):
        shown = super().to_representation(instance)
        if getattr(instance, "is_sealed", False):
            shown = {name: None for name in shown} | {"sealed": True}
            shown.update({name: SEALED_LABEL for name in self.label_fields if name in shown})
        return shown


class RecordId(serializers.UUIDField):
    """Another record's public id; none for a sealed record."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        record = super().get_attribute(instance)
        return None if record is None or record.is_sealed else record.public_id

    def to_representation(self, value):
        return None if value is None else super().to_representation(value)


class Ref(Withheld, serializers.Serializer):
    """A link to another record: its public id and a label."""

    label_fields = ("name",)
    public_id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True, source="__str__")
    sealed = serializers.BooleanField(read_only=True, source="is_sealed", default=False)
