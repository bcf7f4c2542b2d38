from django.urls import path

from apps.complaints import views

app_name = "complaints"

urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("new/", views.public_new, name="public_new"),
    path("new/done/", views.public_done, name="public_done"),
    path("track/<str:token>/", views.track, name="track"),
    path("track/<str:token>/<slug:action>/", views.track_action, name="track_action"),
    path("enter/", views.complaint_create, name="create"),
    path("tasks/", views.department_tasks, name="department_tasks"),
    path("reports/", views.reports, name="reports"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.complaint_action, name="action"),
    path("task/<int:pk>/<slug:action>/", views.task_action, name="task_action"),
]
