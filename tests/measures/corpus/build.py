"""The Word and Excel documents of the test corpus, built from text here, so the corpus holds no
binary file (all invented: measures, units and dates are made up, messy on purpose)."""

import io
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _docx(paragraphs: list[str], table: list[list[str]] | None = None, merges=(), after: list[str] = ()) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                if value is not None:
                    grid.cell(r, c).text = value
        for (r1, c1), (r2, c2) in merges:
            keep = grid.cell(r1, c1).text
            merged = grid.cell(r1, c1).merge(grid.cell(r2, c2))
            merged.text = keep
    for text in after:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def brackets_docx() -> bytes:
    return _docx(
        [
            "北湾市关于打造一流营商环境的",
            "若干措施任务分工",
            "北政办〔2025〕7号",
            "各区人民政府，市政府各部门：",
            "一、优化审批服务",
            "（一）推行“拿地即开工”。对社会投资项目实行容缺审批。（牵头单位：市自然资源局，配合单位：市住房城乡建设局、"
            "市生态环境局；完成时限：2025年9月底前）",
            "（二）推行水电气网联合报装。",
            "（牵头单位：国网北湾供电公司，",
            "配合单位：市水务集团、市燃气公司；完成时限：2025年6月30日）",
            "二、强化要素支撑",
            "（三）降低企业融资成本。新增普惠小微贷款不低于50亿元。（牵头单位：市金融局，协同单位：人民银行北湾市分行；"
            "完成时间：长期坚持）",
            "北湾市人民政府办公室",
            "2025年1月20日",
        ]
    )


def tails_docx() -> bytes:
    return _docx(
        [
            "关于支持民营经济高质量发展的若干措施",
            "一、放宽市场准入",
            "1.破除招投标隐性壁垒。不得设置超过项目实际需要的资质条件。（市发展改革委牵头，市住房城乡建设局、市交通运输局负责）",
            "2.支持民营企业参与重大项目。每年推介项目不少于20个。（市发展改革委、市国资委负责）",
            "二、加强要素保障",
            "3.完善融资担保体系。（市财政局会同市金融局负责，2026年底前完成）",
            "各部门要加强协同配合，形成工作合力。",
        ]
    )


def fields_docx() -> bytes:
    return _docx(
        [
            "南岗区2025年优化营商环境工作要点",
            "一、提升服务质效",
            "1.推进“高效办成一件事”。",
            "牵头单位：区政务服务中心",
            "责任单位：区人力资源社会保障局、区医保局",
            "完成时限：2025年3月—2025年10月",
            "2.开展“千名干部进万企”活动。",
            "主要责任单位：区工商联",
            "参与单位：区直各有关部门",
            "完成时限：每季度",
            "二、强化监督考核",
            "3.开展营商环境评价。",
            "牵头单位：区营商环境建设局",
            "完成时限：自印发之日起3个月内",
            "南岗区人民政府",
            "2025年2月8日",
        ]
    )


TABLE_HEADER = ["序号", "重点任务", "具体措施", "牵头单位", "协同单位", "完成时限"]


def table_docx() -> bytes:
    rows = [
        TABLE_HEADER,
        [
            "1",
            "一、推进跨境贸易便利化",
            "压缩整体通关时间。进口通关时间压缩至30小时以内。",
            "东港海关",
            "市商务局、市口岸办",
            "2025年底前",
        ],
        ["2", "一、推进跨境贸易便利化", "推广“提前申报”模式。", "东港海关", "市口岸办", "持续推进"],
        [
            "3",
            "二、加强知识产权保护",
            "建设知识产权保护中心。\n争取国家批复",
            "市市场监管局（市知识产权局）",
            "市法院、市检察院",
            "2026年6月底前",
        ],
    ]
    return _docx(
        ["东港市2025年对外开放重点任务分工表", "（此件公开发布）"],
        rows,
        merges=[((1, 1), (2, 1)), ((1, 3), (2, 3))],
        after=["东港市人民政府办公室", "2025年3月3日"],
    )


def table_xlsx() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "任务清单"
    sheet.append(["云川县2025年优化营商环境任务清单"])
    sheet.merge_cells("A1:E1")
    sheet.append(["序号", "工作任务", "牵头单位", "配合单位", "完成时间"])
    sheet.append(["一、优化政务环境"])
    sheet.merge_cells("A3:E3")
    sheet.append(
        [1, "推行“一业一证”改革。\n覆盖20个行业", "县行政审批局", "县市场监管局、县卫生健康局", "2025年6月底前"]
    )
    sheet.append([2, "推广“县域通办”", "县行政审批局", "各乡镇人民政府", "持续推进"])
    sheet.merge_cells("C4:C5")
    sheet.append(["二、优化法治环境"])
    sheet.merge_cells("A6:E6")
    sheet.append([3, "开展包容审慎监管", "县司法局", "县直各有关部门", None])
    from datetime import datetime

    sheet.append([4, "建立涉企投诉快速响应机制", "县营商环境局", "县12345热线中心", datetime(2025, 9, 30)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_csv() -> bytes:
    return (HERE / "table-gbk.csv.utf8").read_text(encoding="utf-8").encode("gb18030")


BUILT = {
    "brackets.docx": brackets_docx,
    "tails.docx": tails_docx,
    "fields.docx": fields_docx,
    "table.docx": table_docx,
    "table.xlsx": table_xlsx,
    "table-gbk.csv": table_csv,
}


def corpus_bytes(name: str) -> bytes:
    return BUILT[name]() if name in BUILT else (HERE / name).read_bytes()
