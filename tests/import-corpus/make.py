#!/usr/bin/env python3
"""Rebuild the import corpus (tests/import-corpus/*): `python3 make.py` from this directory.

Needs openpyxl (xlsx) and xlwt (xls; optional, the .xls files are skipped without it):
    python3 -m venv /tmp/v && /tmp/v/bin/pip install openpyxl xlwt && /tmp/v/bin/python make.py
The .ods and the odd files are written by hand. Every output is small and deterministic apart
from the timestamps inside ZIP containers; regenerate the expected outputs afterwards with
    UPDATE_IMPORT_CORPUS=1 cargo test --test import_read
"""

import datetime
import io
import os
import re
import struct
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
FIXED_TIME = (2024, 1, 1, 0, 0, 0)

HEAD_ZH = ["设施", "活动", "用量", "单位", "开始日期", "结束日期"]
HEAD_EN = ["facility", "activity", "quantity", "unit", "start", "end"]


def write(name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def quote(cell, sep):
    if sep in cell or '"' in cell or "\n" in cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell


def csv_text(rows, sep=",", eol="\n"):
    return eol.join(sep.join(quote(c, sep) for c in r) for r in rows) + eol


def text_files():
    en = [HEAD_EN, ["Plant A", "diesel", "1200.5", "L", "2023-01-01", "2023-01-31"],
          ["Plant B", "electricity", "35000", "kWh", "2023-01-01", "2023-01-31"]]
    zh = [HEAD_ZH, ["一厂", "柴油", "1200.5", "升", "2023-01-01", "2023-01-31"],
          ["二厂", "外购电力", "35000", "千瓦时", "2023/2/1", "2023/2/28"]]
    write("utf8.csv", csv_text(en))
    write("utf8-bom.csv", b"\xef\xbb\xbf" + csv_text(zh).encode("utf-8"))
    write("crlf.csv", csv_text(en, eol="\r\n"))
    write("gbk.csv", csv_text(zh, eol="\r\n").encode("gbk"))
    write("gb18030-rare.csv", csv_text(zh + [["㐀厂", "柴油", "1", "升", "2023-03-01", "2023-03-31"]]).encode("gb18030"))
    write("utf16le.csv", b"\xff\xfe" + csv_text(zh, sep="\t", eol="\r\n").encode("utf-16-le"))
    write("utf16be.csv", b"\xfe\xff" + csv_text(en).encode("utf-16-be"))
    write("semicolon.csv", csv_text(en, sep=";"))
    write("tab.csv", csv_text(en, sep="\t"))
    write("pipe.txt", csv_text(en, sep="|"))
    write("empty.csv", b"")
    write("blank-lines.csv", "\n  \n,,,\n\n")
    write("header-only.csv", csv_text([HEAD_ZH]))
    write("title-rows.csv", csv_text([["2023年能源消耗台账", "", "", "", "", ""],
                                      ["", "", "", "", "", ""]] + zh))
    write("title-company-line.csv", "Company:,ACME Ltd\nExported:,2024-01-05\n\n" + csv_text(en))
    write("ragged-short.csv", csv_text([HEAD_EN, ["Plant A", "diesel", "10"], ["Plant B"]]))
    write("ragged-long.csv", csv_text(en + [["Plant C", "diesel", "1,200.5", "L", "2023-01-01", "2023-01-31", "oops"]]))
    write("trailing-delimiters.csv", ",".join(HEAD_EN) + ",,,\n" + "Plant A,diesel,5,L,2023-01-01,2023-01-31,,,\n")
    write("blank-lines-inside.csv", "facility,activity,quantity\n\nPlant A,diesel,5\n   \nPlant B,diesel,6\n")
    write("quoted.csv", 'facility,activity,quantity,note\n"Plant, A",diesel,"1,234.5","line one\nline two"\n'
          'Plant B,diesel,7,"said ""hi"""\n')
    write("duplicate-header.csv", csv_text([["facility", "quantity", "unit", "quantity"], ["A", "1", "L", "2"]]))
    write("empty-header-cell.csv", csv_text([["facility", "", "quantity"], ["A", "x", "1"]]))
    write("numbers.csv", csv_text([
        ["case", "quantity"],
        ["thousands", "1,234.50"], ["full-width", "１２３．５"], ["nb-space", "1\u00a0234"],
        ["parentheses", "(12)"], ["minus-sign", "\u22125"], ["trailing-minus", "1,234-"],
        ["negative", "-40"], ["absurd", "1e30"], ["exponent", "1.23457E+11"],
        ["decimal-comma", "1,23"], ["letters", "12abc"], ["two-points", "1.2.3"],
        ["percent", "15%"], ["error-text", "#DIV/0!"], ["currency", "¥100"],
    ]))
    write("dates-text.csv", csv_text([
        ["case", "date"],
        ["iso", "2023-01-31"], ["slashes", "2023/1/31"], ["dots", "2023.1.31"],
        ["chinese", "2023年1月31日"], ["compact", "20230131"], ["midnight", "2023-01-31 00:00:00"],
        ["serial-text", "44957"], ["ambiguous", "01/02/2023"], ["day-first", "31/01/2023"],
        ["impossible", "2023-02-30"], ["month-13", "2023-13-01"], ["with-time", "2023-01-31 08:30"],
        ["two-digit-year", "23/1/31"],
    ]))
    write("units-mismatch.csv", csv_text([HEAD_EN, ["Plant A", "diesel", "100", "kWh", "2023-01-01", "2023-01-31"],
                                          ["Plant A", "electricity", "5", "t", "2023-01-01", "2023-01-31"]]))
    write("latin1.csv", "facility,quantity\nCafé Crème,5\n".encode("latin-1"))
    write("binary-nul.csv", b"facility,quantity\x00\x00\x01\x02\nA,1\n")
    write("only-title.csv", "2023年能源消耗台账\n")
    write("one-column.csv", "facility\nPlant A\nPlant B\n")
    # Not what the extension says.
    write("csv-named.xlsx", csv_text(en))
    write("html-named.xls", "<html><body><table><tr><td>facility</td></tr></table></body></html>\n")
    write("png-named.csv", b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + b"\x00" * 17)
    write("pdf-named.csv", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("readme.txt", FIXED_TIME), "hello")
    write("zip-named.xlsx", zbuf.getvalue())
    write("truncated.xlsx", b"PK\x03\x04" + b"\x14\x00" + b"\x00" * 20)


def xlsx_files():
    import openpyxl
    from openpyxl.workbook.workbook import Workbook  # noqa: F401

    def save(wb, name, cached=None):
        buf = io.BytesIO()
        wb.save(buf)
        data = buf.getvalue()
        data = fix_zip(data, cached or {})
        write(name, data)

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "活动数据"
    ws.append(HEAD_ZH)
    ws.append(["一厂", "柴油", 1200.5, "升", datetime.date(2023, 1, 1), datetime.date(2023, 1, 31)])
    ws.append(["二厂", "外购电力", 35000, "千瓦时", "2023/2/1", "2023年2月28日"])
    ws.append(["三厂", "天然气", 0.1, "万立方米", 44958, 44985])  # serials not formatted as dates
    ws.append(["四厂", "柴油", 123456789.123, "升", datetime.datetime(2023, 3, 1, 8, 30), datetime.date(2023, 3, 31)])
    ws.append(["五厂", "柴油", -3, "升", None, None])
    ws.append(["六厂", "柴油", 1e-7, "升", True, "#N/A"])
    for c in ("E", "F"):
        for r in range(2, 8):
            if isinstance(ws[f"{c}{r}"].value, (datetime.date, datetime.datetime)):
                ws[f"{c}{r}"].number_format = "yyyy-mm-dd"
    wb.create_sheet("备注").append(["note"])
    save(wb, "basic.xlsx")

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2023年能源消耗台账"])
    ws.merge_cells("A1:F1")
    ws.append([])
    ws.append(HEAD_ZH)
    ws.append(["一厂", "柴油", 10, "升", datetime.date(2023, 1, 1), datetime.date(2023, 1, 31)])
    ws["E4"].number_format = "yyyy/m/d"
    ws["F4"].number_format = "yyyy/m/d"
    save(wb, "title-merged.xlsx")

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["设施", "用量", None, "开始日期"])
    ws.append([None, "数量", "单位", None])
    ws.append(["一厂", 10, "升", "2023-01-01"])
    ws.merge_cells("B1:C1")
    save(wb, "merged-header.xlsx")

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["facility", "a", "b", "ratio"])
    ws.append(["A", 10, 4, "=B2/C2"])
    ws.append(["B", 10, 0, "=B3/C3"])
    ws.append(["C", 1, 2, "=B4+C4"])  # no cached value
    ws.append(["D", 1, 2, '=B5&"x"'])
    save(wb, "formulas.xlsx", cached={"D2": ("n", "2.5"), "D3": ("e", "#DIV/0!"), "D5": ("str", "1x")})

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEAD_EN)
    save(wb, "header-only.xlsx")

    wb = openpyxl.Workbook()
    save(wb, "empty-sheet.xlsx")

    wb = openpyxl.Workbook()
    wb.active.title = "cover"
    ws = wb.create_sheet("data")
    ws.append(HEAD_EN)
    ws.append(["Plant A", "diesel", 5, "L", "2023-01-01", "2023-01-31"])
    save(wb, "second-sheet.xlsx")

    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws = wb.active
    ws.append(["facility", "start"])
    ws.append(["A", datetime.date(2023, 1, 31)])
    ws["B2"].number_format = "yyyy-mm-dd"
    save(wb, "date-1904.xlsx")

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["C3"] = "facility"
    ws["D3"] = "quantity"
    ws["C4"] = "A"
    ws["D4"] = 5
    save(wb, "offset-range.xlsx")

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEAD_EN)
    ws.append(["Plant A", "diesel", 5, "L", "2023-01-01", "2023-01-31"])
    save(wb, "xlsx-named.csv")

    # Two cells at opposite corners of the sheet: tiny and honest as a ZIP, but calamine would
    # allocate the whole 1,048,576 × 16,384 rectangle between them.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "facility"
    ws["B1"] = "quantity"
    ws["A2"] = "A"
    ws["XFD1048576"] = 1
    save(wb, "sparse-corners.xlsx")


def fix_zip(data, cached):
    """Rewrite a ZIP with fixed timestamps; give formula cells a cached value."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/") and cached:
                text = body.decode("utf-8")
                for ref, (t, v) in cached.items():
                    pat = re.compile(r'<c r="%s"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?</c>' % ref)
                    text = pat.sub(lambda m: '<c r="%s"%s t="%s"><f>%s</f><v>%s</v></c>'
                                   % (ref, re.sub(r'\st="[^"]*"', "", m.group(1)), t, m.group(2), v), text)
                body = text.encode("utf-8")
            dst.writestr(zipfile.ZipInfo(info.filename, FIXED_TIME), body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def ods_file():
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')

    def cell(v):
        if v is None:
            return "<table:table-cell/>"
        if isinstance(v, datetime.date):
            return ('<table:table-cell office:value-type="date" office:date-value="%s"><text:p>%s</text:p>'
                    "</table:table-cell>" % (v.isoformat(), v.isoformat()))
        if isinstance(v, (int, float)):
            return ('<table:table-cell office:value-type="float" office:value="%s"><text:p>%s</text:p>'
                    "</table:table-cell>" % (v, v))
        return '<table:table-cell office:value-type="string"><text:p>%s</text:p></table:table-cell>' % v

    rows = [HEAD_ZH,
            ["一厂", "柴油", 1200.5, "升", datetime.date(2023, 1, 1), datetime.date(2023, 1, 31)],
            ["二厂", "外购电力", 35000, "千瓦时", "2023-02-01", "2023-02-28"]]
    body = "".join("<table:table-row>%s</table:table-row>" % "".join(cell(v) for v in r) for r in rows)
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content %s office:version="1.2">'
               '<office:body><office:spreadsheet><table:table table:name="台账">%s</table:table>'
               "</office:spreadsheet></office:body></office:document-content>" % (ns, body))
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype", FIXED_TIME), "application/vnd.oasis.opendocument.spreadsheet",
                   zipfile.ZIP_STORED)
        z.writestr(zipfile.ZipInfo("content.xml", FIXED_TIME), content, zipfile.ZIP_DEFLATED)
        z.writestr(zipfile.ZipInfo("META-INF/manifest.xml", FIXED_TIME), manifest, zipfile.ZIP_DEFLATED)
    write("basic.ods", buf.getvalue())


def xls_files():
    try:
        import xlwt
    except ImportError:
        print("xlwt not installed: .xls files not rebuilt")
        return
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Sheet1")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    ws.write_merge(0, 0, 0, 5, "2023年能源消耗台账")
    for j, h in enumerate(HEAD_ZH):
        ws.write(1, j, h)
    row = ["一厂", "柴油", 1200.5, "升", datetime.date(2023, 1, 1), datetime.date(2023, 1, 31)]
    for j, v in enumerate(row):
        if isinstance(v, datetime.date):
            ws.write(2, j, v, date_style)
        else:
            ws.write(2, j, v)
    ws.write(3, 0, "二厂")
    ws.write(3, 1, "柴油")
    ws.write(3, 2, xlwt.Formula("1/0"))
    ws.write(3, 3, "升")
    buf = io.BytesIO()
    wb.save(buf)
    write("basic.xls", buf.getvalue())

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Sheet1")
    ws.write(0, 0, "设施")
    ws.write_merge(0, 0, 1, 2, "用量")
    ws.write(1, 0, "一厂")
    ws.write(1, 1, 5)
    ws.write(1, 2, "升")
    buf = io.BytesIO()
    wb.save(buf)
    write("merged-header.xls", buf.getvalue())

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Sheet1")
    ws.write(0, 0, "facility")
    ws.write(0, 1, "quantity")
    ws.write(1, 0, "A")
    ws.write(1, 1, 3)
    buf = io.BytesIO()
    wb.save(buf)
    write("xls-named.xlsx", buf.getvalue())


if __name__ == "__main__":
    text_files()
    xlsx_files()
    ods_file()
    xls_files()
    _ = zlib  # (kept for ad-hoc experiments with raw deflate streams)
