"""THE access policy: who may view, change, delete or share each protected record.

Model of access (docs/architecture.md, "Access"):
- A record belongs to its owning agency (indexed `owner_agency` column): members of that agency
  act on it as their role allows (`declarations`).
- Anything more is a grant in guardian's direct foreign-key tables: a share to another agency's
  Group, or a grant to one person (`sharing`). Grants may lapse (`expires_at`, e.g. consent
  expiry): the policy ignores a lapsed grant at once, and `expire_lapsed_grants` (a beat task)
  deletes it later.
- A record the actor may not view is `NotFound`, exactly like a missing one (`visibility`).
- No membership, an inactive agency, or an inactive user: nothing at all.

Callers use this package's names (`access.visible`, `access.require`, ...), never its modules.
"""

from taskforce.access.consent import (
    SCOPE_ORDER,
    ConsentScope,
    consent_scope,
    progress_q,
    progress_shown,
    scope_includes,
    viewable_with_progress,
    visible_with_progress,
)
from taskforce.access.counting import (
    may_view_reports,
    report_ids_q,
    report_progress_q,
    report_q,
    report_rows,
    reports_task_force_wide,
)
from taskforce.access.roles import (
    access_history,
    access_history_context,
    account_for,
    accounts_managed_by,
    audit_trail_visible,
    is_administrator,
    manages_accounts,
    may_read_access_history,
    may_read_audit_trail,
    may_review_runaways,
)
from taskforce.access.sharing import (
    assign,
    expire_lapsed_grants,
    revoke_user_grants,
    share,
    share_for_owner,
    share_target_url,
    shares_for_agency,
    shares_listed,
    shares_of,
    shares_revocable,
    unassign,
    unshare,
)
from taskforce.access.visibility import (
    Forbidden,
    NotFound,
    acting_membership,
    allowed_actions,
    can,
    detail_url,
    get_for,
    may_be_assigned,
    may_create,
    protected_models,
    readable_labels,
    readable_records,
    record_by_public_id,
    require,
    rules_for,
    viewable_pairs,
    visible,
    visible_parts,
)
from taskforce.protected import (
    BY_LABEL,
    DEADLINE_RECORDS,
    DERIVED_FIELDS,
    PROTECTED_FIELDS,
    RULES,
    Action,
    Declaration,
    Rules,
)

__all__ = [
    "BY_LABEL",
    "DEADLINE_RECORDS",
    "DERIVED_FIELDS",
    "PROTECTED_FIELDS",
    "RULES",
    "SCOPE_ORDER",
    "Action",
    "ConsentScope",
    "Declaration",
    "Forbidden",
    "NotFound",
    "Rules",
    "access_history",
    "access_history_context",
    "account_for",
    "accounts_managed_by",
    "acting_membership",
    "allowed_actions",
    "assign",
    "audit_trail_visible",
    "can",
    "consent_scope",
    "detail_url",
    "expire_lapsed_grants",
    "get_for",
    "is_administrator",
    "manages_accounts",
    "may_be_assigned",
    "may_create",
    "may_read_access_history",
    "may_read_audit_trail",
    "may_review_runaways",
    "may_view_reports",
    "progress_q",
    "progress_shown",
    "protected_models",
    "readable_labels",
    "readable_records",
    "record_by_public_id",
    "report_ids_q",
    "report_progress_q",
    "report_q",
    "report_rows",
    "reports_task_force_wide",
    "require",
    "revoke_user_grants",
    "rules_for",
    "scope_includes",
    "share",
    "share_for_owner",
    "share_target_url",
    "shares_for_agency",
    "shares_listed",
    "shares_of",
    "shares_revocable",
    "unassign",
    "unshare",
    "viewable_pairs",
    "viewable_with_progress",
    "visible",
    "visible_parts",
    "visible_with_progress",
]
