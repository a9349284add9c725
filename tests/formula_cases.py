"""The formula forms side by side: layout text, the Excel text xlsxsheet writes, and the value
xlsxsheet computes for each set of inputs (tests/test_formula.py checks the text and the value,
tests/test_formula_libreoffice.py that LibreOffice computes the same from the same cells).

Inputs: a, b, c, d are cells a department fills (None: left empty; text: typed text); z is a
computed cell whose value is blank (a formula giving ""), as a guarded ratio is in an empty year.
"""

from __future__ import annotations

from typing import Any

ADDRESSES = {"a": "A2", "b": "B2", "c": "C2", "d": "D2", "z": "E2", "s.x.d": "D2"}
ERROR = "#VALUE!"  # what Excel shows where xlsxsheet reports compute-failed

# (layout formula, Excel formula, [(inputs, value)])
CASES: list[tuple[str, str, list[tuple[dict[str, Any], Any]]]] = [
    (
        "sum(a, b, c)",
        "=SUM(A2,B2,C2)",
        [
            ({"a": 1, "b": 2, "c": 3}, 6),
            ({"a": 1, "b": None, "c": 3}, 4),
            ({"a": 1, "b": "-", "c": 3}, 4),
            ({}, 0),
        ],
    ),
    ("min(a, b)", "=MIN(A2,B2)", [({"a": 4, "b": None}, 4), ({}, 0), ({"a": -1, "b": 2}, -1)]),
    ("max(a, z)", "=MAX(A2,E2)", [({"a": 4, "z": ""}, 4), ({"z": ""}, 0)]),
    (
        "a + b",
        '=IF(OR(A2="",B2=""),"",(A2+B2))',
        [({"a": 1.5, "b": 2}, 3.5), ({"a": 1.5, "b": None}, None), ({"a": "x", "b": 1}, ERROR)],
    ),
    ("a - b * 2", '=IF(OR(A2="",B2=""),"",(A2-(B2*2)))', [({"a": 10, "b": 3}, 4)]),
    ("-a", '=IF(A2="","",-A2)', [({"a": 2}, -2), ({}, None)]),
    (
        "a / b",
        '=IF(OR(A2="",B2="",B2=0),"",(A2/B2))',
        [
            ({"a": 1, "b": 4}, 0.25),
            ({"a": 1, "b": 0}, None),
            ({"a": 1, "b": None}, None),
            ({"a": None, "b": 4}, None),
            ({}, None),
        ],
    ),
    (
        "round(a / b * 100, 1)",
        '=IF(OR(A2="",B2="",B2=0),"",ROUND(((A2/B2)*100),1))',
        [({"a": 2, "b": 3}, 66.7), ({"a": 2, "b": None}, None), ({"a": 0, "b": 5}, 0)],
    ),
    ("round(a, 0)", '=IF(A2="","",ROUND(A2,0))', [({"a": 2.5}, 3), ({"a": -2.5}, -3)]),
    (
        "a / (b - c)",
        '=IF(OR(A2="",B2="",C2=""),"",IF((B2-C2)=0,"",(A2/(B2-C2))))',
        [({"a": 6, "b": 5, "c": 2}, 2), ({"a": 6, "b": 5, "c": 5}, None)],
    ),
    (
        "z * 100",
        '=IF(E2="","",(E2*100))',
        [({"z": ""}, None)],
    ),
    (
        "sum(a, b) / c",
        '=IF(OR(C2="",C2=0),"",(SUM(A2,B2)/C2))',
        [({"a": 1, "b": None, "c": 2}, 0.5), ({"a": 1, "c": None}, None)],
    ),
    (
        "if(a >= b, 1, 0)",
        '=IF(AND(A2<>"",B2<>"",A2>=B2),1,0)',
        [({"a": 5, "b": 5}, 1), ({"a": 4, "b": 5}, 0), ({"a": None, "b": 5}, 0)],
    ),
    (
        "if(d = '下げる', b / a, a / b)",
        '=IF(AND(D2<>"",D2="下げる"),IF(OR(B2="",A2="",A2=0),"",(B2/A2)),'
        'IF(OR(A2="",B2="",B2=0),"",(A2/B2)))',
        [
            ({"a": 80, "b": 100, "d": "下げる"}, 1.25),
            ({"a": 80, "b": 100, "d": "上げる"}, 0.8),
            ({"a": 80, "b": 100}, 0.8),
            ({"a": None, "b": 100, "d": "下げる"}, None),
        ],
    ),
    (
        'round(if(s.x.d = "下げる", b / a, a / b) * 100, 1)',
        '=IF(IF(AND(D2<>"",D2="下げる"),IF(OR(B2="",A2="",A2=0),"",(B2/A2)),'
        'IF(OR(A2="",B2="",B2=0),"",(A2/B2)))="","",'
        'ROUND((IF(AND(D2<>"",D2="下げる"),IF(OR(B2="",A2="",A2=0),"",(B2/A2)),'
        'IF(OR(A2="",B2="",B2=0),"",(A2/B2)))*100),1))',
        [({"a": 50, "b": 40, "s.x.d": "下げる"}, 80), ({"a": 50, "b": None}, None)],
    ),
    (
        "if(isblank(a), blank, a * 2)",
        '=IF(A2="","",IF(A2="","",(A2*2)))',
        [({"a": None}, None), ({"a": 3}, 6)],
    ),
    (
        "if(a > 0, 'あり', 'なし')",
        '=IF(AND(A2<>"",A2>0),"あり","なし")',
        [({"a": 3}, "あり"), ({"a": 0}, "なし"), ({}, "なし")],
    ),
    (
        "if(and(a > 0, or(b = 1, not(isblank(c)))), a)",
        '=IF(AND(AND(A2<>"",A2>0),OR(AND(B2<>"",B2=1),NOT(C2=""))),IF(A2="","",A2),"")',
        [({"a": 2, "b": 1}, 2), ({"a": 2, "c": 9}, 2), ({"a": 2}, None), ({"a": -1, "b": 1}, None)],
    ),
    (
        "if(d <> 'x', 1, 2)",
        '=IF(AND(D2<>"",D2<>"x"),1,2)',
        [({"d": "X"}, 2), ({"d": "y"}, 1), ({}, 2)],
    ),
    (
        "a",
        '=IF(A2="","",A2)',
        [({"a": None}, None), ({"a": 7}, 7)],
    ),
]
