"""Load and save data documents (JSON or YAML) given to and produced by the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from xlsxsheet.core.errors import DocumentError
from xlsxsheet.core.yaml_problems import yaml_problem


def load_document(path: Path) -> dict[str, Any]:
    """A data document from a .json, .yaml or .yml file."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise DocumentError(f"データファイル {path} が見つかりません。") from exc
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"データファイル {path} をUTF-8として読めません。UTF-8で保存してください。"
        ) from exc
    except OSError as exc:  # a folder, no permission
        raise DocumentError(f"データファイル {path} を読めません({exc.strerror or exc})。") from exc
    try:
        data = json.loads(text) if Path(path).suffix.lower() == ".json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(
            f"データファイル {path} の {exc.lineno}行目 {exc.colno}列目がJSONとして読めません"
            f"({exc.msg})。カンマ、引用符、括弧の対応を確認してください。"
        ) from exc
    except yaml.YAMLError as exc:
        where, problem, fix = yaml_problem(exc)
        raise DocumentError(
            f"データファイル {path}"
            + (f" の {where}" if where else "")
            + f": {problem}。"
            + (f"{fix}。" if fix else "")
        ) from exc
    if not isinstance(data, dict):
        raise DocumentError(f"データファイル {path} の最上位は「項目: 値」の形にしてください。")
    return data


def dump_yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
