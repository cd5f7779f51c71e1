"""The OpenAPI schema validates, its docs page needs no CDN, and every endpoint has a test."""

import importlib
import re

import pytest
import yaml
from django.core.management import call_command

from tests.factories import verified_login

pytestmark = pytest.mark.django_db

# Every (path, method) of the schema, and the test that exercises it ("module::function").
COVERAGE = {
    ("/api/agencies/", "get"): "test_misc::test_agencies_list_names_active_agencies_by_kind",
    ("/api/operations/", "get"): "test_stings::test_liaison_creates_an_operation_and_lists_it",
    ("/api/operations/", "post"): "test_stings::test_liaison_creates_an_operation_and_lists_it",
    ("/api/operations/{public_id}/", "get"):
        "test_stings::test_operation_of_another_agency_is_404_on_every_verb_and_absent_from_lists",
    ("/api/operations/{public_id}/", "patch"):
        "test_stings::test_stale_version_is_409_and_nothing_is_saved",
    ("/api/operations/{public_id}/share/", "post"):
        "test_stings::test_sharing_an_operation_lets_the_other_agency_see_it",
    ("/api/arrests/", "get"): "test_misc::test_arrest_list_filters_and_share",
    ("/api/arrests/{public_id}/", "get"):
        "test_stings::test_hand_off_opens_cases_the_prosecutor_sees_and_others_do_not",
    ("/api/arrests/{public_id}/", "patch"): "test_stings::test_arrest_correction_is_versioned",
    ("/api/arrests/{public_id}/share/", "post"): "test_misc::test_arrest_list_filters_and_share",
    ("/api/arrests/import/", "post"):
        "test_stings::test_bulk_import_with_one_bad_row_saves_nothing_and_says_which",
    ("/api/people/", "get"): "test_misc::test_people_list_and_share",
    ("/api/people/{public_id}/", "get"): "test_stings::test_people_are_seen_through_arrests_only",
    ("/api/people/{public_id}/share/", "post"): "test_misc::test_people_list_and_share",
    ("/api/handoffs/", "get"): "test_misc::test_case_list_filters_and_pages",
    ("/api/handoffs/", "post"):
        "test_stings::test_hand_off_opens_cases_the_prosecutor_sees_and_others_do_not",
    ("/api/handoffs/{public_id}/", "get"): "test_misc::test_case_list_filters_and_pages",
    ("/api/cases/", "get"): "test_misc::test_case_list_filters_and_pages",
    ("/api/cases/{public_id}/", "get"):
        "test_stings::test_hand_off_opens_cases_the_prosecutor_sees_and_others_do_not",
    ("/api/cases/{public_id}/", "patch"): "test_stings::test_case_moves_and_stale_edit_is_409",
    ("/api/cases/{public_id}/", "delete"): "test_stings::test_case_moves_and_stale_edit_is_409",
    ("/api/cases/{public_id}/share/", "post"): "test_cases_api::test_case_share_and_delete",
    ("/api/cases/{public_id}/transition/", "post"):
        "test_stings::test_case_moves_and_stale_edit_is_409",
    ("/api/cases/{public_id}/decision/", "post"):
        "test_court_api::test_prosecutor_charges_amends_disposes_and_sentences_counts",
    ("/api/cases/{public_id}/charges/", "post"):
        "test_court_api::test_prosecutor_charges_amends_disposes_and_sentences_counts",
    ("/api/cases/{public_id}/charges/{charge_id}/amend/", "post"):
        "test_court_api::test_prosecutor_charges_amends_disposes_and_sentences_counts",
    ("/api/cases/{public_id}/charges/{charge_id}/dispose/", "post"):
        "test_court_api::test_prosecutor_charges_amends_disposes_and_sentences_counts",
    ("/api/cases/{public_id}/charges/{charge_id}/sentence/", "post"):
        "test_court_api::test_prosecutor_charges_amends_disposes_and_sentences_counts",
    ("/api/cases/{public_id}/hearings/", "post"):
        "test_court_api::test_hearings_are_scheduled_continued_and_recorded",
    ("/api/cases/{public_id}/hearings/{event_id}/continue/", "post"):
        "test_court_api::test_hearings_are_scheduled_continued_and_recorded",
    ("/api/cases/{public_id}/hearings/{event_id}/record/", "post"):
        "test_court_api::test_hearings_are_scheduled_continued_and_recorded",
    ("/api/cases/{public_id}/final-disposition/", "post"):
        "test_court_api::test_the_final_disposition_date_starts_the_victims_notice",
    ("/api/cases/{public_id}/speedy-trial-demand/", "post"):
        "test_court_api::test_speedy_trial_demand_and_juvenile_detention_start_their_clocks",
    ("/api/cases/{public_id}/detention/", "post"):
        "test_court_api::test_speedy_trial_demand_and_juvenile_detention_start_their_clocks",
    ("/api/cases/{public_id}/detention/release/", "post"):
        "test_court_api::test_speedy_trial_demand_and_juvenile_detention_start_their_clocks",
    ("/api/victims/", "get"): "test_advocacy::test_each_scope_shows_exactly_the_pages_fields",
    ("/api/victims/{public_id}/", "get"):
        "test_advocacy::test_each_scope_shows_exactly_the_pages_fields",
    ("/api/referrals/", "get"): "test_advocacy::test_referral_reads_are_audited_and_others_get_404",
    ("/api/referrals/{public_id}/", "get"):
        "test_advocacy::test_sender_sees_the_referral_received_and_no_further_without_consent",
    ("/api/referrals/", "post"):
        "test_referrals_api::test_police_send_and_the_advocacy_agency_works_the_referral",
    ("/api/referrals/{public_id}/transition/", "post"):
        "test_referrals_api::test_a_stale_version_is_409_and_nothing_moves",
    ("/api/referrals/{public_id}/assign/", "post"):
        "test_referrals_api::test_police_send_and_the_advocacy_agency_works_the_referral",
    ("/api/referrals/{public_id}/victim/", "post"):
        "test_referrals_api::test_police_send_and_the_advocacy_agency_works_the_referral",
    ("/api/victims/{public_id}/consents/", "post"):
        "test_victims_api::test_consent_recorded_opens_the_record_and_revoked_closes_it",
    ("/api/victims/{public_id}/consents/{consent_id}/revoke/", "post"):
        "test_victims_api::test_consent_recorded_opens_the_record_and_revoked_closes_it",
    ("/api/victims/{public_id}/services/", "post"):
        "test_victims_api::test_services_contacts_and_notes_are_recorded_by_the_agency",
    ("/api/victims/{public_id}/services/{service_id}/end/", "post"):
        "test_victims_api::test_services_contacts_and_notes_are_recorded_by_the_agency",
    ("/api/victims/{public_id}/contacts/", "post"):
        "test_victims_api::test_services_contacts_and_notes_are_recorded_by_the_agency",
    ("/api/victims/{public_id}/notes/", "post"):
        "test_victims_api::test_services_contacts_and_notes_are_recorded_by_the_agency",
    ("/api/deadlines/", "get"): "test_misc::test_deadlines_follow_their_records",
    ("/api/notifications/", "get"): "test_misc::test_notifications_are_the_callers_own",
    ("/api/deadlines/{public_id}/", "get"):
        "test_deadlines_api::test_deadline_is_read_and_waived_with_a_reason",
    ("/api/deadlines/{public_id}/waive/", "post"):
        "test_deadlines_api::test_deadline_is_read_and_waived_with_a_reason",
    ("/api/notifications/{public_id}/read/", "post"):
        "test_deadlines_api::test_notifications_are_marked_read_one_by_one_or_all",
    ("/api/notifications/read-all/", "post"):
        "test_deadlines_api::test_notifications_are_marked_read_one_by_one_or_all",
    ("/api/operations/{public_id}/shares/", "get"):
        "test_shares_api::test_owner_lists_and_revokes_shares_and_access_ends",
    ("/api/operations/{public_id}/shares/{share_id}/revoke/", "post"):
        "test_shares_api::test_owner_lists_and_revokes_shares_and_access_ends",
    ("/api/arrests/{public_id}/shares/", "get"):
        "test_shares_api::test_owner_lists_and_revokes_shares_and_access_ends",
    ("/api/arrests/{public_id}/shares/{share_id}/revoke/", "post"):
        "test_shares_api::test_owner_lists_and_revokes_shares_and_access_ends",
    ("/api/people/{public_id}/shares/", "get"):
        "test_shares_api::test_owner_lists_and_revokes_shares_and_access_ends",
    ("/api/people/{public_id}/shares/{share_id}/revoke/", "post"):
        "test_shares_api::test_owner_lists_and_revokes_shares_and_access_ends",
    ("/api/cases/{public_id}/shares/", "get"):
        "test_shares_api::test_owner_lists_and_revokes_shares_and_access_ends",
    ("/api/cases/{public_id}/shares/{share_id}/revoke/", "post"):
        "test_shares_api::test_owner_lists_and_revokes_shares_and_access_ends",
    ("/api/operations/{public_id}/ad-responses/", "get"):
        "test_runaways_api::test_ad_responses_are_added_and_read_and_another_agency_gets_404",
    ("/api/operations/{public_id}/ad-responses/", "post"):
        "test_runaways_api::test_ad_responses_are_added_and_read_and_another_agency_gets_404",
    ("/api/runaways/", "get"):
        "test_runaways_api::test_another_agency_gets_404_on_every_runaway_endpoint_and_an_empty_list",
    ("/api/runaways/{public_id}/", "get"):
        "test_runaways_api::test_a_runaway_report_is_read_queued_and_reviewed_with_its_version",
    ("/api/runaways/queue/", "get"):
        "test_runaways_api::test_a_runaway_report_is_read_queued_and_reviewed_with_its_version",
    ("/api/runaways/{public_id}/review/", "post"):
        "test_runaways_api::test_a_runaway_report_is_read_queued_and_reviewed_with_its_version",
    ("/api/runaways/{public_id}/share/", "post"):
        "test_runaways_api::test_a_report_is_shared_with_police_listed_and_revoked",
    ("/api/runaways/{public_id}/shares/", "get"):
        "test_runaways_api::test_a_report_is_shared_with_police_listed_and_revoked",
    ("/api/runaways/{public_id}/shares/{share_id}/revoke/", "post"):
        "test_runaways_api::test_a_report_is_shared_with_police_listed_and_revoked",
}  # fmt: skip


@pytest.fixture(scope="module")
def schema_file(tmp_path_factory, django_db_blocker):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        # drf-spectacular's own validator (OpenAPI 3 JSON schema), failing on any warning.
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return path


def test_schema_validates(schema_file):
    schema = yaml.safe_load(schema_file.read_text())
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"


def test_every_endpoint_in_the_schema_has_a_test(schema_file):
    schema = yaml.safe_load(schema_file.read_text())
    methods = {"get", "post", "put", "patch", "delete"}
    in_schema = {
        (path, method)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in methods
    }
    assert in_schema == set(COVERAGE), (
        f"untested: {sorted(in_schema - set(COVERAGE))}; gone: {sorted(set(COVERAGE) - in_schema)}"
    )
    for reference in COVERAGE.values():
        module_name, function = reference.split("::")
        module = importlib.import_module(f"tests.api.{module_name}")
        assert callable(getattr(module, function, None)), f"{reference} does not exist"


def test_every_operation_documents_the_error_shape(schema_file):
    schema = yaml.safe_load(schema_file.read_text())
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code in ("400", "401", "403", "404", "429"):
                assert code in operation["responses"], (path, method, code)


def test_schema_and_docs_need_sign_in_and_serve_no_cdn(client, api, sheriff_liaison):
    assert client.get("/api/schema/").status_code in (401, 403)
    token_client = api(sheriff_liaison)
    assert token_client.get("/api/schema/").status_code == 200
    verified_login(client, sheriff_liaison)
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources
    assert "<script>" not in html and "<style>" not in html and "style=" not in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content
