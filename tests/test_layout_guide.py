"""docs/layouts.md, the layout author's guide, names every key the loader accepts, every block
type, field type and formula function."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from xlsxsheet.layout import model, records_loader, section_keys, year_table_keys
from xlsxsheet.layout.formula_syntax import FUNCTIONS

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "layouts.md"
LOADERS = [
    ROOT / "xlsxsheet" / "layout" / name
    for name in ("loader.py", "records_loader.py", "section_keys.py")
]
KEY_TABLES = (records_loader, section_keys)  # the modules whose key tables check_keys names


def accepted_keys() -> set[str]:
    """Every key a `check_keys(...)` call of the loaders allows (read from their source, so a
    key added to the loader without a word in the guide fails this test)."""
    keys: set[str] = set(year_table_keys.SERIES_KEYS)
    for required, optional in records_loader.RECORD_RULE_ARGS.values():
        keys |= required | optional
    for source in LOADERS:
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "check_keys"
                and node.args
            ):
                for const in ast.walk(node.args[0]):
                    if isinstance(const, ast.Constant) and isinstance(const.value, str):
                        keys.add(const.value)
                    elif isinstance(const, ast.Name):  # a key table: COLUMN_KEYS
                        for module in KEY_TABLES:
                            keys.update(getattr(module, const.id, ()))
    return keys


def _documented() -> set[str]:
    return set(re.findall(r"`([a-z_]+)`", GUIDE.read_text(encoding="utf-8")))


def test_the_loader_accepts_many_keys() -> None:
    assert len(accepted_keys()) > 80  # the extraction itself works


def test_every_key_is_in_the_guide() -> None:
    missing = sorted(accepted_keys() - _documented())
    assert missing == []


def test_every_type_and_function_is_in_the_guide() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    for name in [*model.FIELD_TYPES, *FUNCTIONS, "title", "heading", "form", "table"]:
        assert f"`{name}`" in text, name
    for block in ("year_table", "records", "tally"):
        assert f"type: {block}" in text, block


def test_the_keys_of_sections_and_fields_are_in_the_guide() -> None:
    """The keys added with their checks: `totals` and its entries' keys, `min` and `max` of
    numeric fields (named as keys, not only as the formula functions of the same name)."""
    keys = accepted_keys()
    assert {"totals", "total", "parts", "min", "max", "unit_slip_ratio"} <= keys
    text = GUIDE.read_text(encoding="utf-8")
    assert "### Bounds: `min` and `max`" in text
    assert "#### Amounts that must add up: `totals`" in text
    assert "`words`, `min` and `max`" in text  # form fields
    assert "`keep_text`, `codes`, `min`, `max`, `rollover`" in text  # records columns


def test_every_records_rule_method_and_argument_is_in_its_table() -> None:
    """Each method the loader takes has a row of the guide's table naming every argument."""
    text = GUIDE.read_text(encoding="utf-8")
    rows = {
        m.group(1): m.group(0) for m in re.finditer(r"^\| `([a-z-]+)` \| .*$", text, re.MULTILINE)
    }
    assert set(records_loader.RECORD_RULE_ARGS) == set(model.RECORD_RULE_METHODS)
    for method, (required, optional) in records_loader.RECORD_RULE_ARGS.items():
        row = rows[method]
        for arg in required:
            assert f"**`{arg}`**" in row, (method, arg)
        for arg in optional:
            assert f"`{arg}`" in row, (method, arg)
