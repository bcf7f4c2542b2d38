from django.urls import path

from apps.work import views

app_name = "work"

urlpatterns = [
    path("suggestions/", views.suggestion_list, name="suggestions"),
    path("suggestions/new/", views.suggestion_create, name="suggestion_create"),
    path("suggestions/<int:pk>/", views.suggestion_detail, name="suggestion_detail"),
    path("coordination/", views.coordination_list, name="coordination"),
    path("coordination/new/", views.coordination_create, name="coordination_create"),
    path("coordination/<int:pk>/", views.coordination_detail, name="coordination_detail"),
    path("channel-bookings/", views.booking_list, name="bookings"),
    path("channel-bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
]
