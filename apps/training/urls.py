from django.urls import path

from apps.training import views

app_name = "training"

urlpatterns = [
    path("", views.session_list, name="sessions"),
    path("calendar/", views.session_calendar, name="calendar"),
    path("mine/", views.my_training, name="my_training"),
    path("mine/learning/", views.learning_add, name="learning_add"),
    path("team/", views.team, name="team"),
    path("team/required/new/", views.assignment_create, name="assignment_create"),
    path("team/tasks/<int:pk>/done/", views.supervisor_task_done, name="task_done"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/submit/", views.plan_submit, name="plan_submit"),
    path("plans/<int:pk>/decide/<slug:decision>/", views.plan_decide, name="plan_decide"),
    path("plans/<int:pk>/courses/new/", views.course_add, name="course_add"),
    path("plans/<int:pk>/courses/<int:course_pk>/", views.course_edit, name="course_edit"),
    path(
        "plans/<int:pk>/courses/<int:course_pk>/remove/",
        views.course_remove,
        name="course_remove",
    ),
    path("sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/enrol/", views.session_enrol, name="session_enrol"),
    path("sessions/<int:pk>/assign/", views.session_assign, name="session_assign"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("sessions/<int:pk>/feedback/", views.feedback, name="feedback"),
    path(
        "sessions/<int:pk>/enrolments/<int:enrolment_pk>/cancel/",
        views.enrolment_cancel,
        name="enrolment_cancel",
    ),
    path(
        "sessions/<int:pk>/enrolments/<int:enrolment_pk>/result/",
        views.result_record,
        name="result_record",
    ),
    path("people/<int:employee_pk>/", views.development_detail, name="development_detail"),
    path("people/<int:employee_pk>/edit/", views.development_edit, name="development_edit"),
    path("people/<int:employee_pk>/goals/new/", views.goal_add, name="goal_add"),
    path(
        "people/<int:employee_pk>/goals/<int:goal_pk>/state/",
        views.goal_state,
        name="goal_state",
    ),
    path(
        "people/<int:employee_pk>/conversations/new/",
        views.conversation_add,
        name="conversation_add",
    ),
]
