"""URLs of stings, arrests, people and cases: records appear by public UUID, never by a count."""

from django.urls import path

from cases.views import arrests, court, handoffs, operations, people
from cases.views import cases as case_views

app_name = "cases"
# fmt: off
urlpatterns = [
    path("cases/", case_views.case_list, name="list"),
    path("cases/new/", case_views.case_create, name="create"),
    path("cases/export.csv", case_views.case_export, name="export"),
    path("cases/<uuid:public_id>/", case_views.case_detail, name="detail"),
    path("cases/<uuid:public_id>/edit/", case_views.case_edit, name="edit"),
    path("cases/<uuid:public_id>/delete/", case_views.case_delete, name="delete"),
    path("cases/<uuid:public_id>/share/", case_views.case_share, name="share"),
    path("cases/<uuid:public_id>/decide/", case_views.case_decide, name="decide"),
    path("cases/<uuid:public_id>/move/", case_views.case_move, name="move"),
    path("cases/<uuid:public_id>/charges/new/", court.charge_new, name="charge_new"),
    path("cases/<uuid:public_id>/charges/<uuid:charge_id>/amend/", court.charge_amend,
         name="charge_amend"),
    path("cases/<uuid:public_id>/charges/<uuid:charge_id>/dispose/", court.charge_dispose,
         name="charge_dispose"),
    path("cases/<uuid:public_id>/charges/<uuid:charge_id>/sentence/", court.sentence_new,
         name="sentence_new"),
    path("cases/<uuid:public_id>/hearings/new/", court.hearing_new, name="hearing_new"),
    path("cases/<uuid:public_id>/hearings/<uuid:event_id>/continue/", court.hearing_continue,
         name="hearing_continue"),
    path("cases/<uuid:public_id>/hearings/<uuid:event_id>/record/", court.hearing_record,
         name="hearing_record"),
    path("cases/<uuid:public_id>/detention/", court.detention_new, name="detention_new"),
    path("cases/<uuid:public_id>/detention/release/", court.detention_release,
         name="detention_release"),
    path("cases/<uuid:public_id>/speedy-trial-demand/", court.speedy_demand_new,
         name="speedy_demand_new"),
    path("cases/<uuid:public_id>/victims/new/", court.victim_new, name="victim_new"),
    path("cases/<uuid:public_id>/notices/new/", court.notice_new, name="notice_new"),
    path("cases/<uuid:public_id>/notes/new/", court.note_new, name="note_new"),
    path("cases/<uuid:public_id>/documents/new/", court.document_new, name="document_new"),
    path("cases/<uuid:public_id>/documents/<uuid:document_id>/", court.document_download,
         name="document_download"),
    path("intake/", handoffs.intake, name="intake"),
    path("operations/", operations.operation_list, name="operation_list"),
    path("operations/new/", operations.operation_create, name="operation_create"),
    path("operations/export.csv", operations.operation_export, name="operation_export"),
    path("operations/<uuid:public_id>/", operations.operation_detail, name="operation_detail"),
    path("operations/<uuid:public_id>/edit/", operations.operation_edit, name="operation_edit"),
    path("arrests/", arrests.arrest_list, name="arrest_list"),
    path("arrests/new/", arrests.arrest_bulk, name="arrest_bulk"),
    path("arrests/import/", arrests.arrest_import, name="arrest_import"),
    path(
        "arrests/import/<uuid:public_id>/",
        arrests.arrest_import_preview,
        name="arrest_import_preview",
    ),
    path("arrests/export.csv", arrests.arrest_export, name="arrest_export"),
    path("arrests/<uuid:public_id>/", arrests.arrest_detail, name="arrest_detail"),
    path("arrests/<uuid:public_id>/edit/", arrests.arrest_edit, name="arrest_edit"),
    path("handoffs/new/", handoffs.handoff_new, name="handoff_new"),
    path("handoffs/<uuid:public_id>/", handoffs.handoff_detail, name="handoff_detail"),
    path("people/<uuid:public_id>/", people.person_detail, name="person_detail"),
]
# fmt: on
