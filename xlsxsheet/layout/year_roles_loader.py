"""The `roles` of a year set (決算 / 予算 / 見込み columns) and a series' `year_roles`, with the
loader's errors.

```yaml
year_sets:
  history:
    from: -2
    to: 1
    roles:
      - {from: -2, to: 0, role: 決算}
      - {from: 1, to: 1, role: 予算}
```
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from xlsxsheet.layout import model as m

if TYPE_CHECKING:
    from xlsxsheet.layout.loader import _LayoutBuilder, _Node

ROLE_KEYS = {"from", "to", "role", "label", "actual"}
ACTUAL_ROLES = ("決算", "実績")
SERIES_ROLE_MODES = ("follow", "ignore")


def load_roles(node: _Node) -> tuple[m.YearRole, ...]:
    """The `roles:` of one year set (none: its columns have no roles)."""
    roles: list[m.YearRole] = []
    for i in range(len(node.items("roles", required=False))):
        rn = node.child("roles", i)
        rn.check_keys(ROLE_KEYS, {"from", "to", "role"})
        first, last = rn.get("from"), rn.get("to")
        if (
            not isinstance(first, int)
            or not isinstance(last, int)
            or isinstance(first, bool)
            or isinstance(last, bool)
            or first > last
        ):
            rn.fail(
                "roles の from と to は評価年度からの差(整数)で from ≦ to にしてください",
                "例: {from: -2, to: 0, role: 決算} と {from: 1, to: 1, role: 予算}",
            )
        role = rn.text("role")
        for other in roles:
            if first <= other.last and other.first <= last:
                rn.fail(
                    f"role「{role}」の年度が role「{other.role}」と重なっています",
                    "1つの年度の列には role を1つだけ書いてください",
                )
        actual = rn.get("actual", role in ACTUAL_ROLES)
        if not isinstance(actual, bool):
            rn.fail(
                "actual は true か false で書いてください", "例: actual: false(予算・見込みの列)"
            )
        roles.append(m.YearRole(first, last, role, rn.text("label", role), actual))
    return tuple(roles)


def series_roles(
    builder: _LayoutBuilder, node: _Node, field: m.FieldDef, year_set: m.YearSet | None
) -> m.FieldDef:
    """A series field with its `year_roles` (follow | ignore | a list of roles), checked."""
    raw: Any = node.get("year_roles")
    if raw is None:
        return field
    known = sorted({r.role for r in year_set.roles}) if year_set is not None else []
    if isinstance(raw, list):
        value: str | tuple[str, ...] = tuple(str(r) for r in raw)
        unknown = [r for r in value if r not in known]
        if unknown or not value:
            node.fail(
                f"year_roles の「{unknown[0] if unknown else ''}」は年度の列の role にありません",
                "year_sets の roles にある role を書いてください(いま: "
                + (", ".join(known) or "なし")
                + ")",
            )
    elif raw in SERIES_ROLE_MODES:
        value = str(raw)
    else:
        node.fail(
            f"year_roles「{raw}」は使えません",
            "follow(列の role の値)、ignore(目標など role によらない値)、"
            "または入力する列の role のリスト(例: [決算])を書いてください",
        )
    if not known:
        node.fail(
            "year_roles は roles のある年度の列にだけ書けます",
            "year_sets に roles を書くか、year_roles を削除してください",
        )
    field = dataclasses.replace(field, year_roles=value)
    builder.fields[field.id] = field
    return field
