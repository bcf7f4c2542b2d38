"""Demo organisation: the five operations departments, partner departments and about
40 people with supervisors. Goes through the real services, acting as the demo admin."""

import datetime as dt

from django.contrib.auth import get_user_model

from apps.core.presets import install_all
from apps.org import services
from apps.org.models import Department, Employee, Position

DEMO_PASSWORD = "OpsDemo-2026"  # noqa: S105 - printed for the demo on purpose

# login, name, department code, position code, supervisor login, hired
PEOPLE = [
    ("director", "赵立新", "company", "ops_director", None, "2016-03-01"),
    ("hr", "孙丽", "hr", "hr", "director", "2018-07-16"),
    ("manager", "王建国", "wechat", "ops_manager", "director", "2017-05-08"),
    ("specialist", "李晓明", "wechat", "ops_specialist", "manager", "2020-09-01"),
    ("copywriter", "陈思雨", "wechat", "copywriter", "manager", "2021-03-15"),
    ("designer", "刘畅", "wechat", "designer", "manager", "2021-06-01"),
    ("cs", "周静", "wechat", "customer_service", "manager", "2022-02-14"),
    ("tech", "吴昊", "tech", "tech_support", "director", "2019-04-01"),
    ("wechat.zhang", "张雨婷", "wechat", "ops_specialist", "manager", "2022-08-01"),
    ("wechat.huang", "黄子涵", "wechat", "copywriter", "manager", "2023-03-01"),
    ("mp.manager", "郑凯", "miniprogram-ops", "ops_manager", "director", "2018-01-08"),
    ("mp.he", "何佳怡", "miniprogram-ops", "ops_specialist", "mp.manager", "2021-07-01"),
    ("mp.luo", "罗浩然", "miniprogram-ops", "ops_specialist", "mp.manager", "2022-05-16"),
    ("mp.xie", "谢宇航", "miniprogram-ops", "tech_support", "mp.manager", "2020-11-02"),
    ("ops.manager", "冯磊", "general-ops", "ops_manager", "director", "2017-09-18"),
    ("ops.cao", "曹欣然", "general-ops", "data_analyst", "ops.manager", "2021-04-06"),
    ("ops.deng", "邓文博", "general-ops-marketing", "ops_specialist", "ops.manager", "2020-03-02"),
    ("ops.xu", "许梦琪", "general-ops-marketing", "ops_specialist", "ops.manager", "2023-07-03"),
    ("ops.song", "宋嘉豪", "general-ops-customer", "ops_specialist", "ops.manager", "2022-10-10"),
    ("ops.tang", "唐诗涵", "general-ops-customer", "ops_specialist", "ops.manager", "2024-02-19"),
    ("ops.han", "韩志远", "general-ops-product", "ops_specialist", "ops.manager", "2021-12-01"),
    ("ops.peng", "彭雅琴", "general-ops-product", "data_analyst", "ops.manager", "2023-05-22"),
    ("app.manager", "韩梅", "app-ops", "ops_manager", "director", "2018-06-11"),
    ("app.lin", "林志强", "app-ops", "new_media_manager", "app.manager", "2019-08-19"),
    ("app.gao", "高远", "app-ops", "channel_manager", "app.manager", "2019-10-08"),
    ("app.liang", "梁晓雪", "app-ops", "content_planning_manager", "app.manager", "2020-05-06"),
    ("app.ma", "马俊杰", "app-ops", "user_ops_manager", "app.manager", "2020-07-13"),
    ("app.hu", "胡静怡", "app-ops", "campaign_ops_manager", "app.manager", "2021-01-04"),
    ("community.manager", "杨帆", "community-ops", "community_manager", "director", "2018-11-12"),
    (
        "community.zhu",
        "朱晨曦",
        "community-ops",
        "community_specialist",
        "community.manager",
        "2021-09-06",
    ),
    (
        "community.qin",
        "秦可欣",
        "community-ops",
        "community_specialist",
        "community.manager",
        "2023-02-13",
    ),
    (
        "community.shen",
        "沈嘉琪",
        "community-ops",
        "community_service",
        "community.manager",
        "2022-04-18",
    ),
    ("tech.lu", "卢振宇", "tech", "tech_support", "tech", "2021-08-02"),
    ("design.jiang", "江雨桐", "design", "designer", "director", "2020-06-15"),
    ("product.ye", "叶子轩", "product", "product_manager", "director", "2019-03-18"),
    ("sales.du", "杜明辉", "sales", "sales_rep", "director", "2020-10-19"),
    ("marketing.su", "苏婉清", "marketing", "marketing_specialist", "director", "2021-11-08"),
    ("hr.wei", "魏晓燕", "hr", "hr", "hr", "2022-03-07"),
    ("wechat.pan", "潘思远", "wechat", "designer", "manager", "2024-04-01"),
    (
        "community.fang",
        "方雅婷",
        "community-ops",
        "community_specialist",
        "community.manager",
        "2024-06-17",
    ),
]

# Logins printed by load_demo, with what each is for.
DEMO_LOGINS = [
    ("admin", "superuser: the admin site and everything"),
    ("director", "运营总监 · all operations departments"),
    ("manager", "运营经理 · 微信部 (WeChat): approves campaigns and spend, appraises the team"),
    ("specialist", "运营专员 · 微信部: second (final) content review, plans and logs campaigns"),
    ("copywriter", "文案策划 · 微信部: drafts content"),
    ("designer", "设计师 · 微信部"),
    ("hr", "人力资源专员 · runs appraisal cycles, manages the org"),
    ("cs", "客服 · 微信部: handles complaints"),
    ("tech", "技术支持 · 技术部: receives coordination tasks"),
]


def demo_admin():
    User = get_user_model()
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        admin = User.objects.create_superuser("admin", "admin@ops-portal.local", DEMO_PASSWORD)
    return admin


def load(stdout=None) -> None:
    admin = demo_admin()
    # The demo's people fill the preset departments and posts (idempotent, so loading
    # one app's demo alone works too).
    install_all()
    departments = {d.code: d for d in Department.objects.all()}
    positions = {p.code: p for p in Position.objects.all()}
    employees: dict[str, Employee] = {}
    for index, (login, name, dept, position, _sup, hired) in enumerate(PEOPLE, start=1):
        employee = Employee.objects.filter(user__username=login).first()
        if employee is None:
            employee = services.employee_create(
                actor=admin,
                username=login,
                name=name,
                employee_no=f"E{1000 + index}",
                hire_date=dt.date.fromisoformat(hired),
                email=f"{login}@ops-portal.local",
                password=DEMO_PASSWORD,
            )
            services.assignment_create(
                actor=admin,
                employee=employee,
                department=departments[dept],
                position=positions[position],
                start_date=dt.date.fromisoformat(hired),
                is_primary=True,
            )
        employees[login] = employee
    for login, _name, _dept, _position, supervisor, _hired in PEOPLE:
        employee = employees[login]
        if supervisor and employee.supervisor_id is None:
            services.employee_set_supervisor(
                actor=admin, employee=employee, supervisor=employees[supervisor]
            )
    # A history line: the WeChat specialist started in the mini-program department.
    specialist = employees["specialist"]
    if specialist.assignments.count() == 1:
        services.assignment_create(
            actor=admin,
            employee=specialist,
            department=departments["miniprogram-ops"],
            position=positions["ops_specialist"],
            start_date=dt.date(2019, 7, 1),
            end_date=dt.date(2020, 8, 31),
        )
    if stdout:
        stdout.write(
            f"  org: {Department.objects.count()} departments, {Employee.objects.count()} people"
        )
