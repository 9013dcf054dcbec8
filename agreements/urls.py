from django.urls import path

from agreements import views

app_name = "agreements"

urlpatterns = [
    # Staff.
    path("staff/agreements/", views.agreement_list, name="list"),
    path("staff/agreements/new/", views.agreement_create, name="create"),
    path("staff/agreements/roll-forward/", views.roll_forward_view, name="roll_forward"),
    path("staff/agreements/templates/", views.template_list, name="template_list"),
    path("staff/agreements/templates/<int:pk>/", views.template_edit, name="template_edit"),
    path("staff/agreements/templates/new/<int:partner_type_pk>/", views.template_create, name="template_create"),
    path("staff/agreements/<int:pk>/", views.agreement_detail, name="detail"),
    path("staff/agreements/<int:pk>/edit/", views.agreement_edit, name="edit"),
    path("staff/agreements/<int:pk>/issue/", views.agreement_issue_view, name="issue"),
    path("staff/agreements/<int:pk>/reopen/", views.agreement_reopen_view, name="reopen"),
    path("staff/agreements/<int:pk>/review-exception/", views.agreement_review_exception_view, name="review_exception"),
    path("staff/agreements/<int:pk>/countersign/", views.agreement_countersign_view, name="countersign"),
    path("staff/agreements/<int:pk>/complete/", views.agreement_complete_view, name="complete"),
    path("staff/agreements/<int:pk>/review/", views.review_edit, name="review"),
    path("staff/agreements/<int:pk>/recommend/", views.recommendation_create, name="recommend"),
    path("staff/agreements/instalments/<int:pk>/paid/", views.instalment_paid, name="instalment_paid"),
    # Staff and the partner's own users.
    path("agreements/<int:pk>/pdf/", views.agreement_pdf, name="pdf"),
    # Staff and the Chair.
    path(
        "agreements/recommendation-documents/<int:pk>/", views.recommendation_document, name="recommendation_document"
    ),
    # The partner portal.
    path("portal/agreements/", views.portal_list, name="portal_list"),
    path("portal/agreements/<int:pk>/", views.portal_detail, name="portal_detail"),
    path("portal/agreements/<int:pk>/sign/", views.agreement_sign_view, name="sign"),
    # The Chair.
    path("chair/recommendations/", views.chair_recommendation_list, name="chair_recommendations"),
    path("chair/recommendations/<int:pk>/", views.chair_recommendation, name="chair_recommendation"),
]
