from django.urls import path

from apps.complaints import views

app_name = "complaints"

urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("new/", views.public_new, name="public_new"),
    path("new/done/", views.public_done, name="public_done"),
    path("track/<str:token>/", views.track, name="track"),
    path("track/<str:token>/info/", views.track_info, name="track_info"),
    path("track/<str:token>/confirm/", views.track_confirm, name="track_confirm"),
    path("track/<str:token>/reject/", views.track_reject, name="track_reject"),
    path("enter/", views.complaint_create, name="create"),
    path("tasks/", views.department_tasks, name="department_tasks"),
    path("reports/", views.reports, name="reports"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/accept/", views.complaint_accept, name="accept"),
    path("<int:pk>/assign/", views.complaint_assign, name="assign"),
    path("<int:pk>/start/", views.complaint_start, name="start"),
    path("<int:pk>/wait/", views.complaint_wait, name="wait"),
    path("<int:pk>/resume/", views.complaint_resume, name="resume"),
    path("<int:pk>/resolve/", views.complaint_resolve, name="resolve"),
    path("<int:pk>/reopen/", views.complaint_reopen, name="reopen"),
    path("<int:pk>/transfer/", views.complaint_transfer, name="transfer"),
    path("<int:pk>/merge/", views.complaint_merge, name="merge"),
    path("<int:pk>/reply/", views.complaint_reply, name="reply"),
    path("<int:pk>/note/", views.complaint_note, name="note"),
    path("<int:pk>/task/", views.complaint_task, name="task"),
    path("task/<int:pk>/close/", views.task_close, name="task_close"),
    path("task/<int:pk>/cancel/", views.task_cancel, name="task_cancel"),
    # One view per action above; these two names only build those same addresses for
    # older tests and links, and answer 404 for an action that does not exist.
    path("<int:pk>/<slug:action>/", views.unknown_action, name="action"),
    path("task/<int:pk>/<slug:action>/", views.unknown_action, name="task_action"),
]
