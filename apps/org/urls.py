from django.urls import path

from apps.org import views

app_name = "org"

urlpatterns = [
    path("departments/", views.department_tree, name="departments"),
    path("departments/<int:pk>/", views.department_detail, name="department_detail"),
    path("departments/<int:parent_pk>/new/", views.department_create, name="department_create"),
    path("departments/<int:pk>/delete/", views.department_delete, name="department_delete"),
    path("people/", views.employee_list, name="employees"),
    path("people/<int:pk>/", views.employee_detail, name="employee_detail"),
    path("people/<int:pk>/assignments/new/", views.assignment_create, name="assignment_create"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="assignment_end"),
    path("posts/<int:pk>/authorities/", views.post_authorities, name="post_authorities"),
    path(
        "departments/<int:pk>/delegations/",
        views.department_delegations,
        name="department_delegations",
    ),
    path(
        "departments/<int:pk>/delegations/revoke/",
        views.delegation_revoke,
        name="delegation_revoke",
    ),
    path("power-requests/", views.power_requests, name="power_requests"),
    path(
        "power-requests/<int:pk>/<str:decision>/",
        views.power_request_decide,
        name="power_request_decide",
    ),
    path("positions/", views.position_list, name="positions"),
    path("authorities/", views.authority_catalogue, name="authority_catalogue"),
    path("positions/<int:pk>/", views.position_detail, name="position_detail"),
]
