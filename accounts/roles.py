"""The roles of the ledger, as Django groups.

Role names are stable identifiers used in code; the group names users see are Chinese.
Permissions that go with each role are granted in `ensure_role_groups`.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    code: str
    group_name: str
    description: str


UNIT_REPORTER = Role("unit_reporter", "单位填报员", "填报本单位牵头或参与举措的进展")
UNIT_LEADER = Role("unit_leader", "单位负责人", "审签本单位上报的进展")
OFFICE_REVIEWER = Role("office_reviewer", "营商办审核员", "审核、退回或通过各单位进展,查看全部数据")
SUPERVISOR = Role("supervisor", "督查人员", "市委督查室、市政府督考办:查看全部数据,接收超期督办")
ADMINISTRATOR = Role("administrator", "系统管理员", "维护举措、单位、节点和账号")

ALL_ROLES = (UNIT_REPORTER, UNIT_LEADER, OFFICE_REVIEWER, SUPERVISOR, ADMINISTRATOR)


def user_has_role(user, role: Role) -> bool:
    # Group names are read once per user object, so a page asks the database once however many checks it makes.
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_role_group_names"):
        user._role_group_names = set(user.groups.values_list("name", flat=True))
    return role.group_name in user._role_group_names
