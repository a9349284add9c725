"""The fidelity corpus: returns carrying what departments add in Excel, built from the bundled
example by writing the package parts the way Excel writes them (openpyxl cannot write most).

Each return has the same mistakes, so `fix` changes the same cells: 事業費計(A) R2 (J77)
overwritten by a value — the department's own note on it —, 国庫支出金 R2 (J72) typed
"44,000千円" — a threaded comment with a reply on it —, その他 R1 (I75) typed in full-width.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from corpus.build import EXAMPLE, LAYOUT_ID, cell, edit_file, insert_rows, typed
from corpus.cfb import write_cfb

from xlsxsheet.core.data_files import load_document
from xlsxsheet.external.libreoffice import recalculate
from xlsxsheet.layout.registry import default_registry
from xlsxsheet.writing.make_template import make_template

SHEET_PART = "xl/worksheets/sheet1.xml"
TOTAL = cell("perf.cost.total_a", 2020)  # J77
NATIONAL = cell("perf.cost.national", 2020)  # J72
OTHER = cell("perf.cost.other", 2019)  # I75
REASONS = cell("evaluation.reasons")
OWN_NOTE = "H28は決算書の額を手入力(財政課了承済)"
THREAD = ("国庫の額は補正後で合っていますか?", "はい、3月補正後の額です。")
LABEL_ID = "f42aa342-8706-4288-bd11-ebb85995028c"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM = "http://schemas.microsoft.com/office/excel/2006/main"


@dataclass(frozen=True)
class Made:
    """A return of the corpus: its file and what it carries."""

    path: Path
    kind: str
    has_note: bool  # the department's own note on J77
    has_thread: bool  # the threaded comment on J72
    has_extensions: bool  # x14 data bar, list validation on another sheet, sparklines


def filled(folder: Path) -> Path:
    """The example 施策マネジメントシート, filled as the department received and filled it."""
    path = folder / "記入済み.xlsx"
    if not path.exists():
        make_template(default_registry().get(LAYOUT_ID), path, None, load_document(EXAMPLE))
    return path


# --- parts as Excel writes them -----------------------------------------------------------------
DRAWING = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><xdr:twoCellAnchor><xdr:from><xdr:col>13</xdr:col><xdr:colOff>76200</xdr:colOff><xdr:row>0</xdr:row><xdr:rowOff>38100</xdr:rowOff></xdr:from><xdr:to><xdr:col>15</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>2</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="2" name="承認印"/><xdr:cNvSpPr/></xdr:nvSpPr><xdr:spPr><a:xfrm><a:off x="9000000" y="38100"/><a:ext cx="900000" cy="500000"/></a:xfrm><a:prstGeom prst="ellipse"><a:avLst/></a:prstGeom><a:noFill/><a:ln w="28575"><a:solidFill><a:srgbClr val="FF0000"/></a:solidFill></a:ln></xdr:spPr><xdr:txBody><a:bodyPr vertOverflow="clip" rtlCol="0" anchor="ctr"/><a:lstStyle/><a:p><a:pPr algn="ctr"/><a:r><a:rPr lang="ja-JP" altLang="en-US" sz="1400" b="1"><a:solidFill><a:srgbClr val="FF0000"/></a:solidFill></a:rPr><a:t>承認</a:t></a:r></a:p></xdr:txBody></xdr:sp><xdr:clientData/></xdr:twoCellAnchor><xdr:twoCellAnchor><xdr:from><xdr:col>10</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>74</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>12</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>76</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:cxnSp macro=""><xdr:nvCxnSpPr><xdr:cNvPr id="3" name="直線矢印コネクタ 2"/><xdr:cNvCxnSpPr/></xdr:nvCxnSpPr><xdr:spPr><a:xfrm flipH="1"><a:off x="7000000" y="12000000"/><a:ext cx="1200000" cy="400000"/></a:xfrm><a:prstGeom prst="straightConnector1"><a:avLst/></a:prstGeom><a:ln w="19050"><a:solidFill><a:srgbClr val="C00000"/></a:solidFill><a:tailEnd type="triangle"/></a:ln></xdr:spPr></xdr:cxnSp><xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>"""

EXTENSIONS = f"""<extLst><ext uri="{{78C0D931-6437-407d-A8EE-F0AAD7539E65}}" xmlns:x14="{X14}"><x14:conditionalFormattings><x14:conditionalFormatting xmlns:xm="{XM}"><x14:cfRule type="dataBar" id="{{6A4F4E7B-1D35-4C58-9D55-0D37C1D4A0A1}}"><x14:dataBar minLength="0" maxLength="100" gradient="0"><x14:cfvo type="autoMin"/><x14:cfvo type="autoMax"/><x14:negativeFillColor rgb="FFFF0000"/><x14:axisColor rgb="FF000000"/></x14:dataBar></x14:cfRule><xm:sqref>F72:J72</xm:sqref></x14:conditionalFormatting><x14:conditionalFormatting xmlns:xm="{XM}"><x14:cfRule type="iconSet" priority="2" id="{{2B8E1C2D-4A8B-4C3E-8F1A-5C6D7E8F9A0B}}"><x14:iconSet iconSet="3Arrows"><x14:cfvo type="percent"><xm:f>0</xm:f></x14:cfvo><x14:cfvo type="percent"><xm:f>33</xm:f></x14:cfvo><x14:cfvo type="percent"><xm:f>67</xm:f></x14:cfvo></x14:iconSet></x14:cfRule><xm:sqref>F78:J78</xm:sqref></x14:conditionalFormatting></x14:conditionalFormattings></ext><ext uri="{{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}}" xmlns:x14="{X14}"><x14:dataValidations count="1" xmlns:xm="{XM}"><x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1"><x14:formula1><xm:f>_xlsxsheet!$A$1:$A$2</xm:f></x14:formula1><xm:sqref>P2</xm:sqref></x14:dataValidation></x14:dataValidations></ext><ext uri="{{05C60535-1F16-4fd2-B633-F4F36F0B64E0}}" xmlns:x14="{X14}"><x14:sparklineGroups xmlns:xm="{XM}"><x14:sparklineGroup displayEmptyCellsAs="gap" markers="1"><x14:colorSeries theme="4" tint="-0.499984740745262"/><x14:colorNegative theme="5"/><x14:colorAxis rgb="FF000000"/><x14:colorMarkers theme="4" tint="-0.499984740745262"/><x14:colorFirst theme="4" tint="0.39997558519241921"/><x14:colorLast theme="4" tint="0.39997558519241921"/><x14:colorHigh theme="4"/><x14:colorLow theme="4"/><x14:sparklines><x14:sparkline><xm:f>'施策マネジメントシート'!F77:J77</xm:f><xm:sqref>L77</xm:sqref></x14:sparkline></x14:sparklines></x14:sparklineGroup></x14:sparklineGroups></ext></extLst>"""

LEGACY_THREAD_TEXT = (
    "[スレッド化されたコメント]\n\nご使用のバージョンの Excel では、このスレッド化されたコメントを"
    "読むことができますが、コメントに加えた編集はすべて、新しいバージョンの Excel でファイルを開いた"
    f"場合に削除されます。詳細: https://go.microsoft.com/fwlink/?linkid=870924\n\nコメント:\n    {THREAD[0]}"
)


def _comments(note: bool, thread: bool) -> str:
    items = []
    authors = ["総務 花子"]
    if note:
        items.append(
            f'<comment ref="{TOTAL}" authorId="0" shapeId="0"><text><r><rPr><b/><sz val="9"/>'
            '<color indexed="81"/><rFont val="MS P ゴシック"/><family val="3"/><charset val="128"/>'
            '</rPr><t>総務 花子:</t></r><r><rPr><sz val="9"/><color indexed="81"/>'
            '<rFont val="MS P ゴシック"/><family val="3"/><charset val="128"/></rPr>'
            f'<t xml:space="preserve">\n{OWN_NOTE}</t></r></text></comment>'
        )
    if thread:
        authors.append("tc={1C5D8E3A-7B2F-4E9A-9C1D-2F3A4B5C6D7E}")
        items.append(
            f'<comment ref="{NATIONAL}" authorId="1" shapeId="0" xr:uid="{{1C5D8E3A-7B2F-4E9A-9C1D-2F3A4B5C6D7E}}">'
            f"<text><t>{LEGACY_THREAD_TEXT}</t></text></comment>"
        )
    author_xml = "".join(f"<author>{a}</author>" for a in authors)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<comments xmlns="{MAIN}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
        ' mc:Ignorable="xr" xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision">'
        f"<authors>{author_xml}</authors><commentList>{''.join(items)}</commentList></comments>"
    )


def _vml_shape(n: int, row: int, col: int, visible: bool) -> str:
    style = "visibility:visible" if visible else "visibility:hidden"
    return (
        f'<v:shape id="_x0000_s{1025 + n}" type="#_x0000_t202" style=\'position:absolute;'
        f"margin-left:500pt;margin-top:900pt;width:180pt;height:60pt;z-index:{n + 1};{style}' "
        'fillcolor="infoBackground [80]" o:insetmode="auto">\n  <v:fill color2="infoBackground [80]"/>\n'
        '  <v:shadow color="none [81]" obscured="t"/>\n  <v:path o:connecttype="none"/>\n'
        "  <v:textbox style='mso-direction-alt:auto'>\n   <div style='text-align:left'></div>\n  </v:textbox>\n"
        '  <x:ClientData ObjectType="Note">\n   <x:MoveWithCells/>\n   <x:SizeWithCells/>\n'
        f"   <x:Anchor>\n    {col + 1}, 15, {row - 1}, 10, {col + 4}, 15, {row + 3}, 4</x:Anchor>\n"
        f"   <x:AutoFill>False</x:AutoFill>\n   <x:Row>{row}</x:Row>\n   <x:Column>{col}</x:Column>\n"
        + ("   <x:Visible/>\n" if visible else "")
        + "  </x:ClientData>\n </v:shape>"
    )


def _vml(note: bool, thread: bool) -> str:
    shapes = []
    if note:
        shapes.append(_vml_shape(0, 76, 9, visible=True))  # J77, always shown
    if thread:
        shapes.append(_vml_shape(1, 71, 9, visible=False))
    return (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml"\n xmlns:o="urn:schemas-microsoft-com:office:office"\n'
        ' xmlns:x="urn:schemas-microsoft-com:office:excel">\n <o:shapelayout v:ext="edit">\n'
        '  <o:idmap v:ext="edit" data="1"/>\n </o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202"\n'
        '  path="m,l,21600r21600,l21600,xe">\n  <v:stroke joinstyle="miter"/>\n'
        '  <v:path gradientshapeok="t" o:connecttype="rect"/>\n </v:shapetype>'
        + "".join(shapes)
        + "</xml>"
    )


THREADED = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments" xmlns:x="{MAIN}"><threadedComment ref="{NATIONAL}" dT="2021-05-12T01:23:45.67" personId="{{8C1F2A3B-4D5E-4F60-8172-93A4B5C6D7E8}}" id="{{1C5D8E3A-7B2F-4E9A-9C1D-2F3A4B5C6D7E}}"><text>{THREAD[0]}</text></threadedComment><threadedComment ref="{NATIONAL}" dT="2021-05-12T02:00:00.00" personId="{{9D2A3B4C-5E6F-4071-8283-A4B5C6D7E8F9}}" id="{{2D6E9F4B-8C3A-4F0B-AD2E-3A4B5C6D7E8F}}" parentId="{{1C5D8E3A-7B2F-4E9A-9C1D-2F3A4B5C6D7E}}"><text>{THREAD[1]}</text></threadedComment></ThreadedComments>"""

PERSONS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><person displayName="財政課 一郎" id="{8C1F2A3B-4D5E-4F60-8172-93A4B5C6D7E8}" userId="zaisei@city.example.lg.jp" providerId="AD"/><person displayName="福祉総務課 花子" id="{9D2A3B4C-5E6F-4071-8283-A4B5C6D7E8F9}" userId="fukushi@city.example.lg.jp" providerId="AD"/></personList>"""

LABEL_INFO = f"""<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<clbl:labelList xmlns:clbl="http://schemas.microsoft.com/office/2020/mipLabelMetadata"><clbl:label id="{{{LABEL_ID}}}" enabled="1" method="Standard" siteId="{{72f988bf-86f1-41af-91ab-2d7cd011db47}}" removed="0"/></clbl:labelList>"""

CUSTOM_ITEM = """<?xml version="1.0" encoding="utf-8"?><ct:contentTypeSchema xmlns:ct="http://schemas.microsoft.com/office/2006/metadata/contentType" ct:_="" ma:_="" ma:contentTypeName="ドキュメント" ma:contentTypeID="0x010100A1B2C3D4E5F6" xmlns:ma="http://schemas.microsoft.com/office/2006/metadata/properties/metaAttributes"/>"""
CUSTOM_PROPS = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<ds:datastoreItem ds:itemID="{5A2B3C4D-6E7F-4081-9293-A4B5C6D7E8F9}" xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"><ds:schemaRefs><ds:schemaRef ds:uri="http://schemas.microsoft.com/office/2006/metadata/contentType"/></ds:schemaRefs></ds:datastoreItem>"""

RICH = (
    '<si><r><rPr><b/><sz val="11"/><color rgb="FFFF0000"/><rFont val="游ゴシック"/><family val="3"/>'
    '<charset val="128"/></rPr><t>新型コロナウイルス感染症の影響</t></r><r><rPr><sz val="11"/>'
    '<rFont val="游ゴシック"/><family val="3"/><charset val="128"/></rPr>'
    "<t>により、相談件数は増えたものの就職に結びつく割合は低下した。</t></r></si>"
)


# --- package editing (by text, as the test's own small tool) ---------------------------------------
class Parts:
    """The parts of a zip package, edited as text and written back in their order."""

    def __init__(self, path: Path) -> None:
        with zipfile.ZipFile(path) as z:
            self.order = z.namelist()
            self.data = {n: z.read(n) for n in self.order}

    def text(self, name: str) -> str:
        return self.data[name].decode("utf-8")

    def put(self, name: str, text: str | bytes) -> None:
        if name not in self.data:
            self.order.append(name)
        self.data[name] = text.encode("utf-8") if isinstance(text, str) else text

    def before(self, name: str, marker: str, insert: str) -> None:
        text = self.text(name)
        at = text.rindex(marker)
        self.put(name, text[:at] + insert + text[at:])

    def rel(self, rels: str, rid: str, rel_type: str, target: str) -> None:
        if rels not in self.data:
            self.put(
                rels,
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                "</Relationships>",
            )
        self.before(
            rels,
            "</Relationships>",
            f'<Relationship Id="{rid}" Type="{rel_type}" Target="{target}"/>',
        )

    def content_type(self, entry: str) -> None:
        self.before("[Content_Types].xml", "</Types>", entry)

    def set_cell(self, ref: str, inner: str, kind: str | None) -> None:
        """The cell `ref` of sheet1 holding `inner` (its own style kept)."""
        text = self.text(SHEET_PART)
        pattern = re.compile(r'<c r="' + ref + r'"((?: s="\d+")?)[^>]*?(?:/>|>.*?</c>)')
        match = pattern.search(text)
        assert match is not None, ref
        t = f' t="{kind}"' if kind else ""
        self.put(
            SHEET_PART,
            text[: match.start()]
            + f'<c r="{ref}"{match.group(1)}{t}>{inner}</c>'
            + text[match.end() :],
        )

    def shared_string(self, si: str) -> int:
        text = self.text("xl/sharedStrings.xml")
        index = int(re.search(r'uniqueCount="(\d+)"', text).group(1))
        text = re.sub(r'uniqueCount="\d+"', f'uniqueCount="{index + 1}"', text, count=1)
        at = text.rindex("</sst>")
        self.put("xl/sharedStrings.xml", text[:at] + si + text[at:])
        return index

    def save(self, path: Path) -> Path:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name in self.order:
                z.writestr(name, self.data[name])
        return path


def _mistakes(parts: Parts) -> None:
    parts.set_cell(TOTAL, "<v>1918000</v>", None)
    parts.set_cell(NATIONAL, f"<v>{parts.shared_string('<si><t>44,000千円</t></si>')}</v>", "s")
    parts.set_cell(OTHER, f"<v>{parts.shared_string('<si><t>３，５６０</t></si>')}</v>", "s")


def excel_return(folder: Path, name: str = "施策12.xlsx") -> Made:
    """The filled example with everything the issue lists, as Excel writes it."""
    parts = Parts(filled(folder))
    _mistakes(parts)
    parts.set_cell(REASONS, f"<v>{parts.shared_string(RICH)}</v>", "s")
    sheet_rels = "xl/worksheets/_rels/sheet1.xml.rels"
    parts.put("xl/drawings/drawing1.xml", DRAWING)
    parts.rel(sheet_rels, "rId1", R + "/drawing", "../drawings/drawing1.xml")
    parts.put("xl/comments1.xml", _comments(note=True, thread=True))
    parts.rel(sheet_rels, "rId2", R + "/comments", "../comments1.xml")
    parts.put("xl/drawings/vmlDrawing1.vml", _vml(note=True, thread=True))
    parts.rel(sheet_rels, "rId3", R + "/vmlDrawing", "../drawings/vmlDrawing1.vml")
    parts.put("xl/threadedComments/threadedComment1.xml", THREADED)
    parts.rel(
        sheet_rels,
        "rId4",
        "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment",
        "../threadedComments/threadedComment1.xml",
    )
    parts.before(
        SHEET_PART,
        "</worksheet>",
        '<drawing r:id="rId1"/><legacyDrawing r:id="rId3"/>' + EXTENSIONS,
    )
    parts.put("xl/persons/person.xml", PERSONS)
    parts.rel(
        "xl/_rels/workbook.xml.rels",
        "rId90",
        "http://schemas.microsoft.com/office/2017/10/relationships/person",
        "persons/person.xml",
    )
    parts.put("docMetadata/LabelInfo.xml", LABEL_INFO)
    parts.rel(
        "_rels/.rels",
        "rId90",
        "http://schemas.microsoft.com/office/2020/02/relationships/classificationlabels",
        "docMetadata/LabelInfo.xml",
    )
    parts.put("customXml/item1.xml", CUSTOM_ITEM)
    parts.put("customXml/itemProps1.xml", CUSTOM_PROPS)
    parts.rel(
        "customXml/_rels/item1.xml.rels",
        "rId1",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps",
        "itemProps1.xml",
    )
    parts.rel("xl/_rels/workbook.xml.rels", "rId91", R + "/customXml", "../customXml/item1.xml")
    for entry in (
        '<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>',
        '<Override PartName="/xl/drawings/drawing1.xml" ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/>',
        '<Override PartName="/xl/comments1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/>',
        '<Override PartName="/xl/threadedComments/threadedComment1.xml" ContentType="application/vnd.ms-excel.threadedcomments+xml"/>',
        '<Override PartName="/xl/persons/person.xml" ContentType="application/vnd.ms-excel.person+xml"/>',
        '<Override PartName="/docMetadata/LabelInfo.xml" ContentType="application/vnd.ms-office.classificationlabels+xml"/>',
        '<Override PartName="/customXml/itemProps1.xml" ContentType="application/vnd.openxmlformats-officedocument.customXmlProperties+xml"/>',
    ):
        parts.content_type(entry)
    return Made(parts.save(folder / name), "excel", True, True, True)


def macro_return(folder: Path) -> Made:
    """The Excel return saved as .xlsm with a VBA project."""
    made = excel_return(folder, "施策12_マクロ.xlsx")
    path = as_macro_workbook(made.path, folder / "施策12.xlsm")
    made.path.unlink()
    return Made(path, "xlsm", True, True, True)


def as_macro_workbook(source: Path, out: Path) -> Path:
    """`source` as Excel saves it as .xlsm: with a VBA project and the macro-enabled type."""
    parts = Parts(source)
    project = write_cfb(
        out.with_name("vbaProject.bin"), {"dir": b"\x01\x02vba", "PROJECT": b'ID="{0}"'}
    )
    parts.put("xl/vbaProject.bin", project.read_bytes())
    parts.rel(
        "xl/_rels/workbook.xml.rels",
        "rId92",
        "http://schemas.microsoft.com/office/2006/relationships/vbaProject",
        "vbaProject.bin",
    )
    types = parts.text("[Content_Types].xml").replace(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    parts.put("[Content_Types].xml", types)
    parts.content_type(
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
    )
    return parts.save(out)


def libreoffice_return(folder: Path, soffice: str) -> Made:
    """The filled example with the mistakes, a row inserted above the costs and a shape, saved
    again by LibreOffice (which writes every part its own way)."""
    work = folder / "lo"
    work.mkdir(exist_ok=True)
    edited = work / "施策13.xlsx"
    edit_file(
        filled(folder),
        edited,
        [
            typed("perf.cost.total_a", 2020, 1918000),
            typed("perf.cost.national", 2020, "44,000千円"),
            typed("perf.cost.other", 2019, "３，５６０"),
            insert_rows(31, 1),
        ],
    )
    parts = Parts(edited)
    rels = "xl/worksheets/_rels/sheet1.xml.rels"
    stamp_only = re.sub(
        r"</xdr:twoCellAnchor><xdr:twoCellAnchor>.*</xdr:wsDr>",
        "</xdr:twoCellAnchor></xdr:wsDr>",
        DRAWING,
        flags=re.S,
    )
    parts.put("xl/drawings/drawing1.xml", stamp_only)
    parts.rel(rels, "rId99", R + "/drawing", "../drawings/drawing1.xml")
    text = parts.text(SHEET_PART)
    if 'xmlns:r="' not in text[:500]:
        text = text.replace("<worksheet ", f'<worksheet xmlns:r="{R}" ', 1)
    at = text.rindex("</worksheet>")
    for later in ("<legacyDrawing", "<tableParts", "<extLst"):
        if later in text:
            at = min(at, text.index(later))
    parts.put(SHEET_PART, text[:at] + '<drawing r:id="rId99"/>' + text[at:])
    parts.content_type(
        '<Override PartName="/xl/drawings/drawing1.xml" ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/>'
    )
    parts.save(edited)
    saved = recalculate(edited, folder / "lo_saved", soffice=soffice)
    target = folder / "施策13.xlsx"
    shutil.copy(saved, target)
    return Made(target, "libreoffice", False, False, False)
