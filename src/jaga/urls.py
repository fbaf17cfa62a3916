from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from jaga.accounts.api import ElevateView, MeView, TokenView
from jaga.cases.api import CaseDetailView, CaseListView, CaseSearchView
from jaga.cases.api_actions import (
    CaseConsentView,
    CaseLegalView,
    CaseNotesView,
    CasePerpetratorsView,
    CaseServicesView,
    CaseStatusView,
)
from jaga.cases.api_assignment import CaseAssignView
from jaga.cases.api_referrals import CaseReferralView, ReferralActionView, ReferralListView
from jaga.cases.api_workflow import (
    CaseAssessmentView,
    CaseClosureView,
    CaseDecideView,
    CasePlanView,
    TaskCloseView,
    TaskListView,
)
from jaga.core.api_docs import api_docs_view
from jaga.core.doors import MethodFirst, public
from jaga.education.urls import kampanye_urlpatterns as kampanye_urls
from jaga.education.urls import public_urlpatterns as belajar_urls
from jaga.hotline.api import PartnerReportView, PublicReportView, PublicStatusView
from jaga.hotline.urls import public_urlpatterns as lapor_urls
from jaga.notifications.api import NotificationListView
from jaga.programs.advocacy.api import AskListView
from jaga.programs.campaigns.api import CampaignListView
from jaga.programs.code.api import CodeMemberListView
from jaga.programs.partners.api import AgreementListView, PartnerListView
from jaga.programs.results.api import ResultsView
from jaga.programs.training.api import TrainingSessionListView
from jaga.programs.urls import test_urlpatterns as pelatihan_urls
from jaga.programs.urls import verify_urlpatterns as sertifikat_urls
from jaga.regions.api import RegionListView
from jaga.reports.api import EditionDetailView, EditionListView
from jaga.reports.urls import public_urlpatterns as laporan_urls
from jaga.research.api import IncidentListView, StudyListView, StudyResultsView
from jaga.research.urls import public_urlpatterns as survei_urls
from jaga.stats.api import CrosstabView as StatsCrosstabView
from jaga.stats.api import DashboardView as StatsDashboardView
from jaga.stats.urls import public_urlpatterns as statistik_urls


class PublicSchemaView(MethodFirst, SpectacularAPIView):
    jaga_public = "the API's description (what it offers, never data)"


class PublicSwaggerView(MethodFirst, SpectacularSwaggerSplitView):
    jaga_public = "the API's interactive console (it reads the public description)"


api_v1 = [
    path("auth/token/", TokenView.as_view(), name="auth_token"),
    path("auth/elevate/", ElevateView.as_view(), name="auth_elevate"),
    path("me/", MeView.as_view(), name="me"),
    path("regions/", RegionListView.as_view(), name="regions"),
    path("cases/", CaseListView.as_view(), name="cases"),
    path("cases/search/", CaseSearchView.as_view(), name="case_search"),
    path("cases/<uuid:case_id>/", CaseDetailView.as_view(), name="case_detail"),
    path("cases/<uuid:case_id>/referrals/", CaseReferralView.as_view(), name="case_referrals"),
    path("cases/<uuid:case_id>/assign/", CaseAssignView.as_view(), name="case_assign"),
    path("cases/<uuid:case_id>/work/assessment/", CaseAssessmentView.as_view(), name="case_assessment"),
    path("cases/<uuid:case_id>/work/plan/", CasePlanView.as_view(), name="case_plan"),
    path("cases/<uuid:case_id>/work/closure/", CaseClosureView.as_view(), name="case_closure"),
    path("cases/<uuid:case_id>/work/decide/", CaseDecideView.as_view(), name="case_decide"),
    path("tasks/", TaskListView.as_view(), name="tasks"),
    path("tasks/<uuid:task_id>/close/", TaskCloseView.as_view(), name="task_close"),
    path("cases/<uuid:case_id>/do/status/", CaseStatusView.as_view(), name="case_status"),
    path("cases/<uuid:case_id>/do/notes/", CaseNotesView.as_view(), name="case_notes"),
    path("cases/<uuid:case_id>/do/consent/", CaseConsentView.as_view(), name="case_consent"),
    path("cases/<uuid:case_id>/perpetrators/", CasePerpetratorsView.as_view(), name="case_perpetrators"),
    path("cases/<uuid:case_id>/services/", CaseServicesView.as_view(), name="case_services"),
    path("cases/<uuid:case_id>/legal/", CaseLegalView.as_view(), name="case_legal"),
    path("referrals/", ReferralListView.as_view(), name="referrals"),
    path("notifications/", NotificationListView.as_view(), name="notifications"),
    path("referrals/<uuid:referral_id>/<str:action>/", ReferralActionView.as_view(), name="referral_action"),
    path("hotline/reports/", PartnerReportView.as_view(), name="hotline_reports"),
    path("hotline/public-reports/", PublicReportView.as_view(), name="hotline_public_reports"),
    path("hotline/status/", PublicStatusView.as_view(), name="hotline_status"),
    path("programs/partners/", PartnerListView.as_view(), name="programs_partners"),
    path("programs/agreements/", AgreementListView.as_view(), name="programs_agreements"),
    path("programs/advocacy/asks/", AskListView.as_view(), name="programs_asks"),
    path("programs/campaigns/", CampaignListView.as_view(), name="programs_campaigns"),
    path("programs/training/sessions/", TrainingSessionListView.as_view(), name="programs_training_sessions"),
    path("programs/code/members/", CodeMemberListView.as_view(), name="programs_code_members"),
    path("programs/results/", ResultsView.as_view(), name="programs_results"),
    path("stats/dashboard/", StatsDashboardView.as_view(), name="stats_dashboard"),
    path("stats/crosstab/", StatsCrosstabView.as_view(), name="stats_crosstab"),
    path("research/incidents/", IncidentListView.as_view(), name="research_incidents"),
    path("research/studies/", StudyListView.as_view(), name="research_studies"),
    path("research/studies/<uuid:study_id>/results/", StudyResultsView.as_view(), name="research_study_results"),
    path("reports/", EditionListView.as_view(), name="reports"),
    path("reports/<uuid:report_id>/", EditionDetailView.as_view(), name="report_detail"),
]

urlpatterns = [
    path("", include("jaga.core.urls")),
    path("accounts/", include("jaga.accounts.urls")),
    path("audit/", include("jaga.audit.urls")),
    path("cases/", include("jaga.cases.urls")),
    path("hotline/", include("jaga.hotline.urls")),
    path("linkage/", include("jaga.linkage.urls")),
    path("notifications/", include("jaga.notifications.urls")),
    path("operations/", include("jaga.operations.urls")),
    path("programs/", include("jaga.programs.urls")),
    path("reports/", include("jaga.reports.urls")),
    path("research/", include("jaga.research.urls")),
    path("education/", include("jaga.education.urls")),
    path("belajar/", include((belajar_urls, "belajar"))),
    path("kampanye/", include((kampanye_urls, "kampanye"))),
    path("laporan/", include((laporan_urls, "laporan"))),
    path("survei/", include((survei_urls, "survei"))),
    path("lapor/", include((lapor_urls, "lapor"))),
    path("pelatihan/", include((pelatihan_urls, "pelatihan"))),
    path("sertifikat/", include((sertifikat_urls, "sertifikat"))),
    path("stats/", include("jaga.stats.urls")),
    path("statistik/", include((statistik_urls, "statistik"))),
    # No CSRF token: switching the language changes nothing of anyone's, and a token would set a cookie on every
    # public page (the lessons and campaign pages set none).
    path(
        "i18n/setlang/", csrf_exempt(require_POST(public("choosing the language")(set_language))), name="set_language"
    ),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", PublicSchemaView.as_view(), name="api_schema"),
    path("api/docs/", api_docs_view, name="api_docs"),
    path("api/docs/try/", PublicSwaggerView.as_view(url_name="api_schema"), name="api_docs_try"),
]

handler400 = "jaga.core.views.error_400"
handler403 = "jaga.core.views.error_403"
handler404 = "jaga.core.views.error_404"
handler500 = "jaga.core.views.error_500"
