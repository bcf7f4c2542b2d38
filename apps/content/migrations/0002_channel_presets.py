from django.db import migrations

CHANNELS = [
    ("wechat-oa", "微信公众号", "WeChat official account"),
    ("mini-program", "小程序", "Mini-program"),
    ("app", "App", "App"),
    ("weibo", "微博", "Weibo"),
    ("douyin", "抖音", "Douyin"),
    ("website", "网站", "Website"),
    ("community", "社群", "Community group"),
]


def install(apps, schema_editor):
    Channel = apps.get_model("content", "Channel")
    for order, (code, name, name_en) in enumerate(CHANNELS):
        Channel.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("content", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
