from django.urls import path

from . import indicator_views, policy_views, template_views, views

app_name = "kpis"

urlpatterns = [
    path("", views.tasks, name="tasks"),
    path("tasks/", views.tasks, name="my_tasks"),
    path("mine/", views.tasks, name="mine"),
    path("forms/<int:pk>/", views.form_detail, name="form_detail"),
    path("forms/<int:pk>/self/", views.form_self, name="form_self"),
    path("forms/<int:pk>/peers/", views.form_assign_peers, name="form_assign_peers"),
    path("forms/<int:pk>/score/", views.form_score, name="form_score"),
    path("forms/<int:pk>/calibrate/", views.form_calibrate, name="form_calibrate"),
    path("forms/<int:pk>/interview/", views.form_interview, name="form_interview"),
    path("forms/<int:pk>/appeal/", views.form_appeal, name="form_appeal"),
    path("forms/<int:pk>/appeal/rule/", views.appeal_rule, name="appeal_rule"),
    path("peer/<int:pk>/", views.peer_review, name="peer_review"),
    path("cycles/", views.cycle_list, name="cycle_list"),
    path("indicators/", indicator_views.indicator_list, name="indicator_list"),
    path("indicators/new/", indicator_views.indicator_edit, name="indicator_new"),
    path("indicators/<int:pk>/", indicator_views.indicator_edit, name="indicator_edit"),
    path("policies/", policy_views.policy_list, name="policy_list"),
    path("policies/<int:department_pk>/", policy_views.policy_edit, name="policy_edit"),
    path("templates/", template_views.template_list, name="template_list"),
    path("templates/new/", template_views.template_edit, name="template_new"),
    path("templates/<int:pk>/", template_views.template_detail, name="template_detail"),
    path("templates/<int:pk>/edit/", template_views.template_edit, name="template_edit"),
    path("cycles/<int:pk>/", views.cycle_dashboard, name="cycle_dashboard"),
    path("cycles/<int:pk>/aggregate/", views.cycle_aggregate, name="cycle_aggregate"),
    path("cycles/<int:pk>/release/", views.cycle_release, name="cycle_release"),
    path("cycles/<int:pk>/remind/", views.cycle_remind, name="cycle_remind"),
    path("cycles/<int:pk>/close/", views.cycle_close, name="cycle_close"),
    path("cycles/<int:pk>/import/", views.cycle_import, name="cycle_import"),
    path("cycles/<int:pk>/export/", views.cycle_export, name="cycle_export"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
