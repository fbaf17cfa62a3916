from django.urls import path

from jaga.cases import views, views_assignment, views_offers, views_workflow

app_name = "cases"

urlpatterns = [
    path("", views.case_list_view, name="list"),
    path("new/", views.case_create_view, name="create"),
    path("new/<uuid:draft_id>/", views.case_create_view, name="draft"),
    path("export.<str:fmt>", views.case_export_view, name="export"),
    path("queue/", views_assignment.intake_queue_view, name="queue"),
    path("assign/", views_assignment.cases_assign_view, name="assign_many"),
    path("<uuid:case_id>/", views.case_detail_view, name="detail"),
    path("<uuid:case_id>/identity/", views.case_identity_view, name="identity"),
    path("services-offered/", views_offers.offers_view, name="offers"),
    path("tasks/", views_workflow.tasks_view, name="tasks"),
    path("tasks/<uuid:task_id>/close/", views_workflow.task_close_view, name="task_close"),
    path("approvals/", views_workflow.approvals_view, name="approvals"),
    path("caseload/", views_workflow.caseload_view, name="caseload"),
    path("<uuid:case_id>/work/<str:item>/", views_workflow.work_item_view, name="work"),
    path("<uuid:case_id>/work/<str:item>/decide/", views_workflow.decide_view, name="decide"),
    path("<uuid:case_id>/reopen/", views_workflow.reopen_view, name="reopen"),
    path("<uuid:case_id>/start-services/", views_workflow.start_services_view, name="start_services"),
    path("<uuid:case_id>/tasks/", views_workflow.task_add_view, name="task_add"),
    path("<uuid:case_id>/assign/", views_assignment.case_assign_view, name="assign"),
    path("<uuid:case_id>/coworkers/", views_assignment.coworker_add_view, name="coworker_add"),
    path(
        "<uuid:case_id>/coworkers/<int:coworker_id>/remove/",
        views_assignment.coworker_remove_view,
        name="coworker_remove",
    ),
    path("<uuid:case_id>/facts/", views.case_facts_view, name="facts"),
    path("<uuid:case_id>/notes/", views.note_add_view, name="note_add"),
    path("<uuid:case_id>/referrals/", views.referral_create_view, name="referral_create"),
    path("<uuid:case_id>/data-subject/", views.subject_view, name="subject"),
    path("<uuid:case_id>/consent/", views.consent_view, name="consent"),
    path("<uuid:case_id>/attachments/", views.attachment_upload_view, name="attachment_upload"),
    path("<uuid:case_id>/attachments/<uuid:attachment_id>/", views.attachment_download_view, name="attachment"),
    path("<uuid:case_id>/<str:part>/", views.case_part_view, name="part"),
    path("referrals/", views.referral_list_view, name="referrals"),
    path("imports/", views.import_list_view, name="imports"),
    path("imports/template.<str:kind>", views.import_template_view, name="import_template"),
    path("imports/<uuid:job_id>/", views.import_detail_view, name="import"),
    path("imports/<uuid:job_id>/errors.csv", views.import_errors_view, name="import_errors"),
    path("referrals/<uuid:referral_id>/", views.referral_action_view, name="referral_action"),
]
