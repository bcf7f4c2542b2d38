"""Shipped training categories (SPEC §6). Installing is idempotent and never overwrites
a category a company has since edited."""

CATEGORIES = [
    ("operations", "运营知识", "Operations knowledge"),
    ("industry", "行业动态", "Industry trends"),
    ("technical", "专业技能", "Technical skills"),
    ("communication", "沟通协作", "Communication and collaboration"),
    ("data", "数据分析", "Data analysis"),
    ("design", "设计", "Design"),
    ("copywriting", "文案写作", "Copywriting"),
]


def install(category_model=None) -> None:
    """A data migration passes its historical model; install_presets uses the live one."""
    if category_model is None:
        from apps.training.models import Category as category_model
    for order, (code, name, name_en) in enumerate(CATEGORIES, start=1):
        category_model.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order}
        )
