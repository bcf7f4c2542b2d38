from django.urls import path

from apps.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("calendar/", views.campaign_calendar, name="calendar"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("new/", views.campaign_create, name="create"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/close-out/", views.close_out, name="close_out"),
    path("<int:pk>/do/<slug:action>/", views.campaign_transition, name="transition"),
    path("<int:pk>/checklist/<int:item_pk>/", views.checklist_toggle, name="checklist"),
    path("<int:pk>/log/", views.log_add, name="log_add"),
    path("<int:pk>/spend/", views.spend_add, name="spend_add"),
    path("<int:pk>/increase/", views.increase_request, name="increase_request"),
    path(
        "<int:pk>/increase/<int:increase_pk>/<slug:decision>/",
        views.increase_decide,
        name="increase_decide",
    ),
    path("<int:pk>/prizes/", views.prize_distribute, name="prize_distribute"),
    path("<int:pk>/metrics/", views.metrics_add, name="metrics_add"),
    path("<int:pk>/metrics/import/", views.metrics_import, name="metrics_import"),
]
