from django.urls import path

from surveys import views

app_name = "surveys"

urlpatterns = [
    # Staff: question sets.
    path("staff/monitoring/question-sets/", views.questionset_list, name="questionset_list"),
    path("staff/monitoring/question-sets/new/", views.questionset_create, name="questionset_create"),
    path("staff/monitoring/question-sets/<int:pk>/", views.questionset_detail, name="questionset_detail"),
    path("staff/monitoring/question-sets/<int:pk>/edit/", views.questionset_edit, name="questionset_edit"),
    path("staff/monitoring/question-sets/<int:pk>/preview/", views.questionset_preview, name="questionset_preview"),
    path("staff/monitoring/question-sets/<int:pk>/questions/new/", views.question_add, name="question_add"),
    path("staff/monitoring/questions/<int:pk>/edit/", views.question_edit, name="question_edit"),
    path("staff/monitoring/questions/<int:pk>/move/", views.question_move, name="question_move"),
    path("staff/monitoring/questions/<int:pk>/delete/", views.question_delete, name="question_delete"),
    # Staff: rounds and returns.
    path("staff/monitoring/rounds/", views.round_list, name="round_list"),
    path("staff/monitoring/rounds/open/", views.round_open, name="round_open"),
    path("staff/monitoring/rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("staff/monitoring/rounds/<int:pk>/deadline/", views.round_deadline, name="round_deadline"),
    path("staff/monitoring/rounds/<int:pk>/add-partners/", views.round_add_partners, name="round_add_partners"),
    path("staff/monitoring/returns/", views.request_list, name="request_list"),
    path("staff/monitoring/returns/<int:pk>/", views.request_detail, name="request_detail"),
    path("staff/monitoring/returns/<int:pk>/accept/", views.request_accept, name="request_accept"),
    path("staff/monitoring/returns/<int:pk>/return/", views.request_return, name="request_return"),
    # Staff: reach and the annual data return.
    path("staff/monitoring/reach/", views.reach, name="reach"),
    path("staff/monitoring/data-return/", views.data_return, name="data_return"),
    path("staff/monitoring/answers/", views.answer_export, name="answer_export"),
    # Staff: evaluations and case studies.
    path("staff/monitoring/evaluations/", views.evaluation_list, name="evaluation_list"),
    path("staff/monitoring/evaluations/<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
    path("staff/monitoring/evaluations/<int:pk>/accept/", views.evaluation_accept, name="evaluation_accept"),
    path("staff/monitoring/evaluations/<int:pk>/return/", views.evaluation_return, name="evaluation_return"),
    path("staff/monitoring/case-studies/", views.case_study_list, name="case_study_list"),
    path("staff/monitoring/case-studies/<int:pk>/", views.case_study_detail, name="case_study_detail"),
    path("staff/monitoring/case-studies/<int:pk>/publish/", views.case_study_publish, name="case_study_publish"),
    path("staff/monitoring/case-studies/<int:pk>/unpublish/", views.case_study_unpublish, name="case_study_unpublish"),
    # Staff: income.
    path("staff/monitoring/income/", views.income, name="income"),
    path("staff/monitoring/income/records/", views.income_records, name="income_records"),
    # Staff and the partner: a case study's image, after an access check.
    path("monitoring/case-study-images/<int:pk>/", views.case_study_image, name="case_study_image"),
    # The partner portal.
    path("portal/surveys/", views.portal_surveys, name="portal_surveys"),
    path("portal/surveys/<int:pk>/", views.portal_request, name="portal_request"),
    path("portal/surveys/<int:pk>/check/", views.portal_request_check, name="portal_request_check"),
    path("portal/evaluations/", views.portal_evaluations, name="portal_evaluations"),
    path("portal/evaluations/<int:agreement_pk>/", views.portal_evaluation, name="portal_evaluation"),
    path("portal/evaluations/<int:agreement_pk>/check/", views.portal_evaluation_check, name="portal_evaluation_check"),
    path("portal/case-studies/new/", views.portal_case_study_create, name="portal_case_study_create"),
    path("portal/case-studies/<int:pk>/", views.portal_case_study, name="portal_case_study"),
    path("portal/case-studies/<int:pk>/consents/new/", views.portal_consent_add, name="portal_consent_add"),
    path("portal/consents/<int:pk>/withdraw/", views.portal_consent_withdraw, name="portal_consent_withdraw"),
    path("portal/case-studies/<int:pk>/images/new/", views.portal_image_add, name="portal_image_add"),
    path("portal/case-study-images/<int:pk>/delete/", views.portal_image_delete, name="portal_image_delete"),
    path("portal/income/", views.portal_income, name="portal_income"),
    path("portal/income/<int:pk>/delete/", views.portal_income_delete, name="portal_income_delete"),
]
