"""Problems: one per thing found, each with a stable code, its place and a Japanese message."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

SEVERITIES = ("error", "warning", "info")
# How each severity reads in a report, a marked copy or a rollover report.
SEVERITY_WORDS = {"error": "エラー", "warning": "警告", "info": "情報"}

# code -> (severity, Japanese title). The message of each problem says where, what and how to fix.
CATALOGUE: dict[str, tuple[str, str]] = {
    "file-unreadable": ("error", "ファイルを開けません"),
    "file-missing": ("error", "ファイルが見つかりません"),
    "file-empty": ("error", "ファイルが空です"),
    "not-a-workbook": ("error", "Excelブックではありません"),
    "file-corrupt": ("error", "ファイルが壊れています"),
    "zip-no-workbook": ("error", "ブックの本体がありません"),
    "workbook-encrypted": ("error", "パスワードで暗号化されています"),
    "legacy-xls": ("error", "古い形式(.xls)のブックです"),
    "macro-workbook": ("error", "マクロ付きのブックです"),
    "xml-dtd": ("error", "危険なXML(DTD・外部実体)を含みます"),
    "zip-bomb": ("error", "展開後のサイズが異常に大きいファイルです"),
    "file-too-large": ("error", "ファイルが大きすぎます"),
    "dimension-huge": ("warning", "シートの使用範囲がシート全体になっています"),
    "layout-mismatch": ("error", "指定と違う様式です"),
    "year-mismatch": ("error", "年度が違います"),
    "layout-migrated": ("info", "旧版の様式を読み替えました"),
    "layout-changed": ("warning", "様式を配ったあとにレイアウト定義が変わっています"),
    "sheet-renamed": ("warning", "シート名が変更されています"),
    "sheet-hidden": ("warning", "シートが非表示になっています"),
    "sheet-order": ("warning", "シートの順序が変わっています"),
    "sheet-added": ("info", "シートが追加されています"),
    "protection-removed": ("warning", "シートの保護が解除されています"),
    "label-changed": ("warning", "様式の見出し・単位が変更されています"),
    "text-outside-form": ("warning", "様式の入力欄でないセルに記入があります"),
    "fixed-texts-unchecked": ("info", "見出しと様式外の記入を確認できません"),
    "cells-moved": ("warning", "行・列が挿入または削除されています"),
    "cells-merged": ("error", "入力欄が結合セルに隠れています"),
    "cells-unmerged": ("warning", "セルの結合が解除されています"),
    "formula-in-input": ("warning", "入力欄に計算式があります"),
    "not-xlsxsheet": ("error", "xlsxsheet の様式ではありません"),
    "layout-unknown": ("error", "未知の様式です"),
    "layout-broken": ("error", "様式のレイアウト定義に誤りがあります"),
    "layout-version": ("error", "様式の版が違います"),
    "metadata-missing": ("warning", "様式情報が見つかりません"),
    "name-missing": ("warning", "名前定義がありません"),
    "name-broken": ("error", "名前定義が壊れています"),
    "sheet-missing": ("error", "シートがありません"),
    "required-missing": ("error", "必須項目が未入力です"),
    "not-a-number": ("error", "数値ではありません"),
    "not-in-list": ("error", "選択肢にない値です"),
    "invalid-value": ("error", "値が正しくありません"),
    "value-normalized": ("info", "入力値を読み替えました"),
    "number-stored-as-text": ("warning", "数値が文字列として保存されています"),
    "formula-overwritten": ("warning", "計算式が値で上書きされています"),
    "formula-changed": ("warning", "計算式が変更されています"),
    "formula-input-gone": ("error", "計算式の参照先のセルがありません"),
    "total-mismatch": ("error", "合計が一致しません"),
    "breakdown-mismatch": ("error", "内訳の合計が合計欄と一致しません"),
    "compute-failed": ("error", "計算できません"),
    "judgement-mismatch": ("error", "判定が数値と合いません"),
    "judgement-missing": ("warning", "判定が未入力です"),
    "direction-inferred": ("info", "指標の方向を推定しました"),
    "unit-slip": ("warning", "単位の誤りの可能性があります"),
    "out-of-range": ("warning", "値が様式の範囲を外れています"),
    "year-role": ("warning", "この年度の列には入力しない項目です"),
    "grade-differs": ("warning", "評価が目安と異なります"),
    # records tables (repeating rows) and their rules
    "records-name-missing": ("warning", "表の名前定義がありません"),
    "marks-exactly-one": ("error", "記号はどれか1つだけに付けてください"),
    "marks-missing": ("error", "記号が付いていません"),
    "marks-alone": ("error", "単独でしか付けられない記号です"),
    "code-unknown": ("error", "コード表にないコードです"),
    "code-order": ("warning", "コードの順序がコード表と違います"),
    "grade-rule-mismatch": ("error", "評価が評価基準と合いません"),
    "grade-rule-incomplete": ("info", "評価基準で評価を計算できません"),
    "summary-mismatch": ("warning", "集計表が記録と合いません"),
    "records-label": ("warning", "表の行見出しがありません"),
    "summary-excluded": ("warning", "集計に含めない値があります"),
    # rollover: next year's templates from this year's returns
    "return-missing": ("error", "提出ファイルがありません"),
    "return-unreadable": ("error", "提出ファイルを読めません"),
    "return-wrong-year": ("error", "年度の違う提出です"),
    "return-duplicate": ("error", "同じ施策の提出が複数あります"),
    "roster-no-return": ("error", "名簿の施策に提出がありません"),
    "return-not-in-roster": ("info", "名簿にない施策です"),
    "output-unwritable": ("error", "様式を書き出せません"),
    "value-not-carried": ("warning", "値を引き継げません"),
    "key-missing": ("warning", "施策番号が未記入です"),
    "dept-changed": ("info", "担当課を名簿に合わせました"),
    "key-changed": ("info", "番号の表記を名簿に合わせました"),
    "plan-unreadable": ("error", "計画のブックを使えません"),
    "plan-applied": ("info", "計画のブックの値を入れました"),
    "plan-skipped": ("info", "計画のブックの値を入れませんでした"),
    "plan-missing": ("warning", "計画のブックに当たる施策がありません"),
    "plan-unused": ("info", "使わなかった計画のブックがあります"),
    "params-set": ("info", "様式の設定(計画期間など)を指定の値にしました"),
    "params-unused": ("warning", "指定した様式の設定を使いませんでした"),
}


@dataclass(frozen=True)
class Problem:
    """One problem found in one file, at one cell where it has one."""

    code: str
    message: str
    file: str = ""
    sheet: str | None = None
    cell: str | None = None
    field: str | None = None
    label: str | None = None
    value: Any = None
    expected: Any = None
    severity: str = ""

    def __post_init__(self) -> None:
        if self.code not in CATALOGUE:
            raise ValueError(f"unknown problem code {self.code!r}")
        if not self.severity:
            object.__setattr__(self, "severity", CATALOGUE[self.code][0])
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")

    @property
    def title(self) -> str:
        return CATALOGUE[self.code][1]

    @property
    def where(self) -> str:
        """'シート名'!A1 (項目) — the place, in the words of the message."""
        place = ""
        if self.sheet:
            place = f"'{self.sheet}'!{self.cell}" if self.cell else f"'{self.sheet}'"
        if self.label:
            place += f" ({self.label})"
        return place

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["title"] = self.title
        return data


def without_place(message: str, problem: Problem) -> str:
    """A problem's message without its leading 'シート'!セル (項目): (or 'シート'!セル: where it has
    no 項目), for a page or a sheet that shows the sheet, the cell and the 項目 in their own
    columns beside it."""
    if problem.sheet and problem.cell:
        where = f"'{problem.sheet}'!{problem.cell}"
        for place in (f"{where} ({problem.label}): ", f"{where}: "):
            if message.startswith(place):
                return message[len(place) :]
    return message


class ProblemCounts:
    """Counts over a `problems` list, for the result objects that carry one."""

    problems: list[Problem]

    @property
    def errors(self) -> int:
        return sum(p.severity == "error" for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(p.severity == "warning" for p in self.problems)

    @property
    def valid(self) -> bool:
        return self.errors == 0
