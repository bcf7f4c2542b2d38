from django.urls import path

from apps.content import views

app_name = "content"

urlpatterns = [
    path("", views.my_items, name="my_items"),
    path("new/", views.item_create, name="create"),
    path("review/", views.review_queue, name="queue"),
    path("review/bulk-approve/", views.review_bulk_approve, name="bulk_approve"),
    path("calendar/", views.calendar_month, name="calendar"),
    path("topics/", views.topic_list, name="topics"),
    path("topics/<int:pk>/decide/", views.topic_decide, name="topic_decide"),
    path("plans/", views.plan_list, name="plans"),
    path("metrics/import/", views.metrics_import, name="metrics_import"),
    path("<int:pk>/", views.item_detail, name="detail"),
    path("<int:pk>/edit/", views.item_edit, name="edit"),
    path("<int:pk>/submit/", views.item_submit, name="submit"),
    path("<int:pk>/withdraw/", views.item_withdraw, name="withdraw"),
    path("<int:pk>/archive/", views.item_archive, name="archive"),
    path("<int:pk>/schedule/", views.item_schedule, name="schedule"),
    path("<int:pk>/metrics/", views.metrics_add, name="metrics_add"),
    path("<int:pk>/images/", views.image_add, name="image_add"),
    path("<int:pk>/review/", views.review_page, name="review"),
    path("<int:pk>/review/approve/", views.review_approve, name="approve"),
    path("<int:pk>/review/return/", views.review_return, name="return"),
    path("<int:pk>/diff/", views.version_diff, name="diff"),
]
