"""Shipped campaign types (SPEC §3). Installing is idempotent and never overwrites a
type a company has since edited."""

CAMPAIGN_TYPES = [
    ("holiday", "节日促销", "Holiday promotion"),
    ("lottery", "抽奖", "Lottery"),
    ("research", "用户调研", "User research"),
    ("lecture", "讲座", "Lecture"),
    ("meetup", "线下见面会", "Meetup"),
    ("contest", "比赛", "Contest"),
    ("vote", "问答/投票", "Q&A / vote"),
]


def install(campaign_type_model=None) -> None:
    """A data migration passes its historical model; install_presets uses the live one."""
    if campaign_type_model is None:
        from apps.campaigns.models import CampaignType as campaign_type_model
    for order, (code, name, name_en) in enumerate(CAMPAIGN_TYPES, start=1):
        campaign_type_model.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order}
        )
