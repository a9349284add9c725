"""The layout formula language's syntax: tokens, a parse tree, and messages in the author's words.

Grammar (places in messages are counted from 1)::

    expr       := compare
    compare    := additive [("=" | "<>" | "<" | "<=" | ">" | ">=") additive]
    additive   := term {("+" | "-") term}
    term       := unary {("*" | "/") unary}
    unary      := "-" unary | primary
    primary    := number | "text" | 'text' | blank | name | name "(" [expr {"," expr}] ")"
                | "(" expr ")"
    name       := a series id (actual), or section.series / section.level.series of the same
                  year table (activity.a1.actual)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

VALUE_FUNCTIONS = {"sum": "SUM", "min": "MIN", "max": "MAX", "round": "ROUND", "if": "IF"}
CONDITION_FUNCTIONS = {"and": "AND", "or": "OR", "not": "NOT", "isblank": None}
FUNCTIONS = {**VALUE_FUNCTIONS, **CONDITION_FUNCTIONS}
COMPARISONS = {
    "=": "=",
    "==": "=",
    "<>": "<>",
    "!=": "<>",
    "<": "<",
    "<=": "<=",
    ">": ">",
    ">=": ">=",
}
ARITHMETIC = ("+", "-", "*", "/")
EXAMPLE = "例: round(actual / target * 100, 1)"
ALLOWED = (
    "使えるもの: 数値、series の id、+ - * /、比較 = <> < <= > >=、"
    "関数 " + ", ".join(FUNCTIONS) + '、blank(空欄)、"文字"'
)

_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)"
    r"|(?P<string>\"[^\"]*\"|'[^']*')|(?P<op><>|!=|<=|>=|==|\*\*|[-+*/(),=<>]))"
)


class FormulaSyntaxError(ValueError):
    """The formula text is not in the layout formula language: what is wrong, and what to
    write instead (with an example)."""

    def __init__(self, problem: str, fix: str = "") -> None:
        super().__init__(f"{problem}。{fix}" if fix else problem)
        self.problem, self.fix = problem, fix


@dataclass(frozen=True)
class Node:
    """One node of a parsed formula: kind is num, str, blank, ref, neg, op, cmp or call."""

    kind: str
    value: object = None  # number, text, ref id, operator or function name
    args: tuple[Node, ...] = ()
    place: int | None = field(default=None, compare=False)  # of a call: its name, from 1

    @property
    def is_condition(self) -> bool:
        return self.kind == "cmp" or (self.kind == "call" and self.value in CONDITION_FUNCTIONS)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    place: int  # 1-based character position


def _fail(problem: str, place: int | None = None, fix: str = EXAMPLE) -> FormulaSyntaxError:
    where = f"{place}文字目: " if place is not None else ""
    return FormulaSyntaxError(f"{where}{problem}", fix)


def _tokens(text: str) -> list[_Token]:
    found: list[_Token] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        start = pos + len(text[pos:]) - len(text[pos:].lstrip())
        if match is None or match.end() == pos:
            raise _unexpected_character(text, start)
        kind = match.lastgroup or ""
        found.append(_Token(kind, match.group(kind), match.start(kind) + 1))
        pos = match.end()
    return found


def _unexpected_character(text: str, start: int) -> FormulaSyntaxError:
    char = text[start]
    place = start + 1
    if char == "%":
        return _fail(
            "% は使えません",
            place,
            "百分率は 100 を掛けて書いてください。例: actual / target * 100",
        )
    if char == "^":
        return _fail("^ (累乗)は使えません", place, "掛け算を重ねて書いてください。例: a * a")
    if char == "&":
        return _fail("& (文字の連結)は使えません", place, ALLOWED)
    if char == "$":
        return _fail(
            "セル番地は書けません",
            place,
            "series の id で書いてください。例: sum(national, general)",
        )
    if char in "\"'":
        return _fail(
            "引用符が閉じていません", place, '文字は "下げる" のように引用符で囲んでください'
        )
    if ord(char) > 127:
        return _fail(
            f"「{char}」は使えません(全角の文字・記号)",
            place,
            "series の id(半角英小文字)と半角の記号で書いてください。例: actual / target",
        )
    return _fail(f"「{char}」は使えません", place, ALLOWED)


def parse_tree(text: str) -> Node:
    """The parse tree of a formula, or FormulaSyntaxError saying what to write instead."""
    stripped = text.strip()
    if not stripped:
        raise _fail("式が空です")
    if stripped.startswith("="):
        raise _fail(
            "先頭の = は不要です",
            1,
            "Excel の式ではなく series の id で書いてください。例: sum(a, b)",
        )
    parser = _Parser(_tokens(stripped), len(stripped))
    tree = parser.expr()
    if parser.peek() is not None:
        token = parser.peek()
        assert token is not None
        raise _fail(
            f"「{token.text}」の前で式が終わっています",
            token.place,
            "演算子や , が抜けていないか確認してください",
        )
    _check_kinds(tree, want_condition=False, place=None)
    return tree


class _Parser:
    def __init__(self, tokens: list[_Token], length: int) -> None:
        self.tokens, self.pos, self.length = tokens, 0, length

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise _fail(
                "式が途中で終わっています", self.length, "値か閉じ括弧が足りません。" + EXAMPLE
            )
        self.pos += 1
        return token

    def expect(self, text: str, opened: _Token) -> None:
        token = self.peek()
        if token is None or token.text != text:
            place = token.place if token else self.length
            raise _fail(
                f"{opened.place}文字目の括弧が閉じていません", place, f"「{text}」を補ってください"
            )
        self.pos += 1

    def expr(self) -> Node:
        left = self.additive()
        token = self.peek()
        if token is not None and token.text in COMPARISONS:
            self.pos += 1
            right = self.additive()
            after = self.peek()
            if after is not None and after.text in COMPARISONS:
                raise _fail(
                    "比較は1つの式に1つまでです",
                    after.place,
                    "and(a > 0, a < 10) のように書いてください",
                )
            return Node("cmp", COMPARISONS[token.text], (left, right))
        return left

    def additive(self) -> Node:
        node = self.term()
        while (token := self.peek()) is not None and token.text in ("+", "-"):
            self.pos += 1
            node = Node("op", token.text, (node, self.term()))
        return node

    def term(self) -> Node:
        node = self.unary()
        while (token := self.peek()) is not None and token.text in ("*", "/", "**"):
            if token.text == "**":
                raise _fail(
                    "** (累乗)は使えません", token.place, "掛け算を重ねて書いてください。例: a * a"
                )
            self.pos += 1
            node = Node("op", token.text, (node, self.unary()))
        return node

    def unary(self) -> Node:
        token = self.peek()
        if token is not None and token.text == "-":
            self.pos += 1
            return Node("neg", None, (self.unary(),))
        if token is not None and token.text == "+":
            self.pos += 1
            return self.unary()
        return self.primary()

    def primary(self) -> Node:
        token = self.take()
        if token.kind == "number":
            number = float(token.text) if "." in token.text else int(token.text)
            return Node("num", number)
        if token.kind == "string":
            return Node("str", token.text[1:-1])
        if token.text == "(":
            inner = self.expr()
            self.expect(")", token)
            return inner
        if token.kind == "name":
            return self.name(token)
        raise _fail(
            f"「{token.text}」の位置に値がありません",
            token.place,
            "値か series の id を書いてください。" + EXAMPLE,
        )

    def name(self, token: _Token) -> Node:
        after = self.peek()
        name = token.text
        if after is not None and after.text == "(":
            lowered = name.lower()
            if lowered not in FUNCTIONS:
                raise _fail(
                    f"関数「{name}」はありません",
                    token.place,
                    "使える関数: " + ", ".join(FUNCTIONS),
                )
            if lowered != name:
                raise _fail(
                    f"関数名「{name}」は小文字で書いてください", token.place, f"例: {lowered}(…)"
                )
            self.pos += 1
            args: list[Node] = []
            if self.peek() is not None and self.peek().text == ")":  # type: ignore[union-attr]
                self.pos += 1
            else:
                while True:
                    args.append(self.expr())
                    nxt = self.peek()
                    if nxt is not None and nxt.text == ",":
                        self.pos += 1
                        continue
                    self.expect(")", after)
                    break
            return Node("call", name, tuple(args), token.place)
        if name == "blank":
            return Node("blank")
        if name in FUNCTIONS:
            raise _fail(f"関数「{name}」の後に ( がありません", token.place, f"例: {name}(a, b)")
        if re.fullmatch(r"[A-Z]{1,3}[0-9]+", name):
            raise _fail(
                f"「{name}」はセル番地です。セル番地は書けません",
                token.place,
                "series の id で書いてください。例: sum(national, general)",
            )
        if name in ("True", "False", "true", "false", "None", "lambda", "import"):
            raise _fail(f"「{name}」は使えません", token.place, ALLOWED)
        return Node("ref", name)


def _check_kinds(node: Node, *, want_condition: bool, place: int | None) -> None:
    """Conditions (comparisons, and/or/not/isblank) only where a condition goes; arity."""
    here = node.place if node.place is not None else place
    if want_condition and not node.is_condition:
        raise _fail(
            "if の1つ目と and / or / not の中には条件が必要です",
            here,
            "例: if(target > 0, actual / target * 100, blank)",
        )
    if not want_condition and node.is_condition:
        raise _fail(
            "条件(比較・and・or・not・isblank)は if の1つ目にだけ書けます",
            here,
            "例: if(actual >= target, 1, 0)",
        )
    if node.kind == "cmp":
        for arg in node.args:
            _check_kinds(arg, want_condition=False, place=here)
        return
    if node.kind != "call":
        for arg in node.args:
            _check_kinds(arg, want_condition=False, place=here)
        return
    name = str(node.value)
    count = len(node.args)
    arity = {"round": (1, 2), "if": (2, 3), "not": (1, 1), "isblank": (1, 1)}.get(name, (1, 255))
    if not arity[0] <= count <= arity[1]:
        wanted = f"{arity[0]}" if arity[0] == arity[1] else f"{arity[0]}~{arity[1]}"
        examples = {
            "round": "round(actual / target * 100, 1)",
            "if": "if(target > 0, actual, blank)",
            "not": "not(isblank(actual))",
            "isblank": "isblank(actual)",
        }
        raise _fail(
            f"{name} の引数は{wanted}個です(いま {count}個)",
            here,
            "例: " + examples.get(name, f"{name}(a, b)"),
        )
    if (
        name == "round"
        and count == 2
        and not (node.args[1].kind == "num" and isinstance(node.args[1].value, int))
    ):
        raise _fail("round の桁数は整数で書いてください", here, "例: round(rate, 1)")
    if name in ("and", "or", "not"):
        for arg in node.args:
            _check_kinds(arg, want_condition=True, place=here)
        return
    if name == "if":
        _check_kinds(node.args[0], want_condition=True, place=here)
        for arg in node.args[1:]:
            _check_kinds(arg, want_condition=False, place=here)
        return
    for arg in node.args:
        _check_kinds(arg, want_condition=False, place=here)


def references(node: Node) -> set[str]:
    """The series ids (dotted for another section) a formula reads."""
    found: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if current.kind == "ref":
            found.add(str(current.value))
        stack.extend(current.args)
    return found
