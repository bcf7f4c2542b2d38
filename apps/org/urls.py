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
    path("positions/", views.position_list, name="positions"),
    path("positions/<int:pk>/", views.position_detail, name="position_detail"),
]
