#!/usr/bin/env python3
"""Generate a synthetic nominee file for the bundled Hanoi 2022-2025 example.

Every person in the file is invented. The file follows the "Nominee file" section of
docs/hanoi-rulebook.md: one row per person, the columns ``id, full_name,
birth_date, gender, agency, category, position, service_start, rating_2019 ..
rating_2024, succession_plan, under_discipline, enrollments, nominated_for`` plus two
extra columns (``phone``, ``note``) that a reader must keep and ignore.

The values are spread over every spelling the rulebook accepts (ISO, DD/MM/YYYY
and bare-year dates; ``F``/``Nữ``/``nu``; rating codes, Vietnamese names and
abbreviations; yes/no words; NFC and NFD text), a fixed set of boundary cases is mixed
in (their ``note`` starts with ``boundary:``), and ``--bad-rows N`` spoils N rows in
ways an intake must reject, one defect per row.

The output depends only on the arguments: the same ``--seed`` gives the same bytes.
Only the standard library and polars are used; the columns are drawn whole (vectorized),
so a million clean rows take seconds.

    python examples/hanoi/generate.py --count 3000 --out examples/hanoi/nominees.csv
    python examples/hanoi/generate.py --count 1000000 --clean --out /tmp/big.parquet
"""

from __future__ import annotations

import argparse
import array
import datetime as dt
import random
import sys
import time
import unicodedata
from pathlib import Path

import polars as pl

# --------------------------------------------------------------------------------------
# The selection round (docs/hanoi-rulebook.md, "Quotas")
# --------------------------------------------------------------------------------------

D = dt.date

# id: (course start, course end, positions or None for "every position above")
QUOTAS: dict[str, tuple[dt.date, dt.date, tuple[str, ...] | None]] = {
    "noi-vu-urban": (D(2023, 9, 11), D(2023, 9, 29), (
        "urban-planning", "urban-management", "construction-management",
        "transport-management", "environment-management")),
    "noi-vu-hr": (D(2023, 10, 2), D(2023, 10, 20), (
        "hr-management", "organisation-staffing", "public-service-reform")),
    "tai-chinh": (D(2023, 10, 9), D(2023, 11, 17), (
        "public-finance", "public-investment", "budget-planning")),
    "tt-tt": (D(2023, 11, 6), D(2023, 11, 24), (
        "it-egovernment", "digital-transformation", "information-security")),
    "kh-cn": (D(2023, 9, 18), D(2023, 10, 27), (
        "science-technology-management", "innovation-policy")),
    "gd-dt": (D(2023, 11, 13), D(2023, 12, 1), (
        "education-management", "school-leadership", "education-digital-transformation")),
    "y-te": (D(2023, 10, 16), D(2023, 11, 24), (
        "health-management", "hospital-management", "public-health",
        "health-digital-transformation")),
    "pg-abroad": (D(2023, 9, 1), D(2025, 8, 31), None),
    "pg-domestic": (D(2023, 2, 28), D(2025, 2, 28), None),
}
QUOTA_IDS = list(QUOTAS)
FOSTERING = [q for q in QUOTA_IDS if QUOTAS[q][2] is not None]
PG = [q for q in QUOTA_IDS if QUOTAS[q][2] is None]

# Field (domain) of each fostering quota; a position belongs to the field of its quota.
FIELD_OF_QUOTA = {
    "noi-vu-urban": "urban", "noi-vu-hr": "hr", "tai-chinh": "finance", "tt-tt": "it",
    "kh-cn": "science", "gd-dt": "education", "y-te": "health",
}
FIELDS = ["urban", "hr", "finance", "it", "science", "education", "health"]
POSITIONS = [p for q in FOSTERING for p in QUOTAS[q][2]]  # type: ignore[union-attr]
FIELD_OF_POSITION = {p: FIELD_OF_QUOTA[q] for q in FOSTERING for p in QUOTAS[q][2]}  # type: ignore[union-attr]

# Share of first preferences. Tuned so that, at 3000 rows, noi-vu-urban, kh-cn and y-te
# have fewer eligible nominees than seats and the other quotas more.
PRIMARY_SHARE = {
    "noi-vu-urban": 2.0, "noi-vu-hr": 15.0, "tai-chinh": 13.0, "tt-tt": 4.5, "kh-cn": 0.9,
    "gd-dt": 16.0, "y-te": 3.3, "pg-abroad": 9.0, "pg-domestic": 35.0,
}
# A second fostering quota people of one field often ask for as well.
RELATED = {
    "noi-vu-urban": "noi-vu-hr", "noi-vu-hr": "noi-vu-urban", "tai-chinh": "noi-vu-hr",
    "tt-tt": "kh-cn", "kh-cn": "tt-tt", "gd-dt": "noi-vu-hr", "y-te": "kh-cn",
}
# Share of each field among people nominated for a postgraduate quota.
PG_FIELD_SHARE = {"urban": 14, "hr": 18, "finance": 18, "it": 10, "science": 5,
                  "education": 20, "health": 15}

# --------------------------------------------------------------------------------------
# Agencies
# --------------------------------------------------------------------------------------

DEPARTMENTS = {  # Sở -> field of most of its staff
    "Sở Nội vụ": "hr",
    "Sở Tài chính": "finance",
    "Sở Kế hoạch và Đầu tư": "finance",
    "Sở Thông tin và Truyền thông": "it",
    "Sở Khoa học và Công nghệ": "science",
    "Sở Giáo dục và Đào tạo": "education",
    "Sở Y tế": "health",
    "Sở Quy hoạch - Kiến trúc": "urban",
    "Sở Xây dựng": "urban",
    "Sở Giao thông vận tải": "urban",
    "Sở Tài nguyên và Môi trường": "urban",
}
URBAN_DISTRICTS = ["Ba Đình", "Hoàn Kiếm", "Tây Hồ", "Long Biên", "Cầu Giấy", "Đống Đa",
                   "Hai Bà Trưng", "Hoàng Mai", "Thanh Xuân", "Nam Từ Liêm", "Bắc Từ Liêm",
                   "Hà Đông"]
RURAL_DISTRICTS = ["Sóc Sơn", "Đông Anh", "Gia Lâm", "Thanh Trì", "Mê Linh", "Ba Vì",
                   "Phúc Thọ", "Đan Phượng", "Hoài Đức", "Quốc Oai", "Thạch Thất",
                   "Chương Mỹ", "Thanh Oai", "Thường Tín", "Phú Xuyên", "Ứng Hòa", "Mỹ Đức"]
DISTRICTS = ([f"UBND quận {d}" for d in URBAN_DISTRICTS]
             + [f"UBND huyện {d}" for d in RURAL_DISTRICTS]
             + ["UBND thị xã Sơn Tây"])
UNITS = {  # public service units (đơn vị sự nghiệp) -> field
    "Bệnh viện Đa khoa Xanh Pôn": "health",
    "Bệnh viện Thanh Nhàn": "health",
    "Bệnh viện Đa khoa Đức Giang": "health",
    "Bệnh viện Tim Hà Nội": "health",
    "Trung tâm Kiểm soát bệnh tật thành phố Hà Nội": "health",
    "Trường THPT Chu Văn An": "education",
    "Trường THPT Kim Liên": "education",
    "Trường THPT Việt Đức": "education",
    "Trường THPT Sơn Tây": "education",
    "Viện Quy hoạch xây dựng Hà Nội": "urban",
    "Trung tâm Công nghệ thông tin và Truyền thông Hà Nội": "it",
    "Trường Đào tạo cán bộ Lê Hồng Phong": "hr",
    "Viện Nghiên cứu phát triển kinh tế - xã hội Hà Nội": "science",
}
AGENCIES = list(DEPARTMENTS) + DISTRICTS + list(UNITS)
AGENCY_KIND = ({a: "department" for a in DEPARTMENTS} | {a: "district" for a in DISTRICTS}
               | {a: "unit" for a in UNITS})

# Share of a field's staff working in districts (the rest in departments and units).
DISTRICT_SHARE = {"urban": 0.50, "hr": 0.55, "finance": 0.50, "it": 0.30, "science": 0.15,
                  "education": 0.55, "health": 0.30}
FEMALE_SHARE = {"urban": 0.30, "hr": 0.52, "finance": 0.55, "it": 0.33, "science": 0.42,
                "education": 0.63, "health": 0.56}
CATEGORY_BY_KIND = {  # weights of can_bo, cong_chuc, vien_chuc
    "department": (4, 86, 10),
    "district": (16, 56, 28),
    "unit": (1, 7, 92),
}
CATEGORIES = ["can_bo", "cong_chuc", "vien_chuc"]


def _agency_weights(field: str) -> list[float]:
    """Weight of every agency (AGENCIES order) for a person of one field."""
    districts = DISTRICT_SHARE[field]
    own = [a for a in DEPARTMENTS if DEPARTMENTS[a] == field] + [
        u for u in UNITS if UNITS[u] == field]
    weights = []
    for agency in AGENCIES:
        kind = AGENCY_KIND[agency]
        if kind == "district":
            size = 1.3 if agency.startswith("UBND quận") else 1.0
            weights.append(districts * size / 30)
        elif agency in own:
            lead = 3.0 if kind == "department" else 1.0
            weights.append(lead)
        elif field == "hr" and kind == "department":
            weights.append(0.25)  # every department has its own personnel office
        else:
            weights.append(0.0)
    # Scale departments and units to 1 - district share.
    rest = sum(w for a, w in zip(AGENCIES, weights, strict=True) if AGENCY_KIND[a] != "district")
    return [w if AGENCY_KIND[a] == "district" else w * (1 - districts) / rest
            for a, w in zip(AGENCIES, weights, strict=True)]


# --------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------

FAMILY = {
    "Nguyễn": 36, "Trần": 11, "Lê": 9.5, "Phạm": 7, "Hoàng": 4, "Huỳnh": 1, "Phan": 3.5,
    "Vũ": 4, "Võ": 1, "Đặng": 2.1, "Bùi": 2.4, "Đỗ": 2.4, "Hồ": 1, "Ngô": 1.5, "Dương": 1.2,
    "Lý": 0.4, "Đinh": 1.2, "Đào": 1, "Trịnh": 1, "Mai": 0.6, "Lương": 0.5, "Tạ": 0.4,
    "Cao": 0.5, "Chu": 0.4, "Kiều": 0.3, "Khuất": 0.2, "Nghiêm": 0.2, "Lưu": 0.4,
    "Quách": 0.2, "Tô": 0.3, "Đoàn": 0.7, "Vương": 0.3, "Thái": 0.2, "Hà": 0.5,
}
MIDDLE_F = {
    "Thị": 44, "Thị Thu": 3, "Thị Minh": 2, "Thị Thanh": 3, "Thị Ngọc": 2, "Thị Hồng": 2,
    "Thị Phương": 1, "Thu": 5, "Thanh": 5, "Ngọc": 5, "Minh": 4, "Phương": 3, "Thùy": 3,
    "Hồng": 3, "Bích": 2, "Mai": 2, "Kim": 2, "Khánh": 2, "Diệu": 1, "Hoài": 1, "Hải": 2,
    "Quỳnh": 1, "Lan": 1, "Bảo": 1, "Việt": 1,
}
MIDDLE_M = {
    "Văn": 30, "Đức": 8, "Minh": 8, "Quang": 6, "Hữu": 5, "Công": 4, "Thanh": 4, "Xuân": 4,
    "Mạnh": 3, "Trọng": 3, "Ngọc": 3, "Đình": 5, "Duy": 3, "Hoàng": 3, "Tiến": 2, "Anh": 2,
    "Việt": 2, "Trung": 2, "Bá": 2, "Quốc": 3, "Tuấn": 2, "Hải": 2, "Văn Minh": 1,
}
GIVEN_F = [
    "Anh", "Hà", "Hương", "Lan", "Linh", "Mai", "Ngọc", "Nhung", "Phương", "Thảo", "Trang",
    "Thủy", "Hằng", "Hoa", "Huyền", "Loan", "Nga", "Oanh", "Vân", "Yến", "Dung", "Giang",
    "Hạnh", "Hiền", "Hồng", "Liên", "Ly", "My", "Nhàn", "Quỳnh", "Tâm", "Thu", "Thúy",
    "Thuý", "Trâm", "Uyên", "Vy", "Hòa", "Hoà", "Chi", "Duyên", "Hậu", "Lệ", "Nguyệt",
    "Tuyết", "Xuân", "Hường", "Ánh", "Bình", "Diệp",
]
GIVEN_M = [
    "Anh", "Bình", "Cường", "Dũng", "Đức", "Dương", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy",
    "Khánh", "Long", "Minh", "Nam", "Phong", "Phúc", "Quân", "Quang", "Sơn", "Thắng",
    "Thành", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Hưng", "Kiên", "Lâm", "Tiến",
    "Toàn", "Tú", "Đạt", "Hiệp", "Hòa", "Hoà", "Chiến", "Công", "Định", "Giang", "Hậu",
    "Khải", "Lợi", "Nghĩa", "Quý", "Tài", "Thịnh", "Thuận", "Trọng",
]

FAMILIES = list(FAMILY)
MIDDLES = list(MIDDLE_F) + list(MIDDLE_M)
GIVENS = GIVEN_F + GIVEN_M

# --------------------------------------------------------------------------------------
# Spellings (every one the rulebook accepts)
# --------------------------------------------------------------------------------------

GENDER_SPELLINGS = {  # (female, male): weight
    ("Nữ", "Nam"): 40, ("nữ", "nam"): 8, ("NỮ", "NAM"): 6, ("Nu", "Nam"): 4,
    ("nu", "nam"): 3, ("F", "M"): 20, ("f", "m"): 3, ("female", "male"): 8,
    ("Female", "Male"): 5, ("FEMALE", "MALE"): 2, (" Nữ ", " Nam "): 1,
}
CATEGORY_SPELLINGS = {  # (can_bo, cong_chuc, vien_chuc): weight
    ("can_bo", "cong_chuc", "vien_chuc"): 55,
    ("Cán bộ", "Công chức", "Viên chức"): 25,
    ("cán bộ", "công chức", "viên chức"): 6,
    ("CÁN BỘ", "CÔNG CHỨC", "VIÊN CHỨC"): 4,
    ("can bo", "cong chuc", "vien chuc"): 6,
    ("Can bo", "Cong chuc", "Vien chuc"): 4,
}
RATING_CODES = ["excellent", "good", "completed", "not_completed"]
RATING_SPELLINGS = {  # (excellent, good, completed, not_completed): weight
    tuple(RATING_CODES): 45,
    ("Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ",
     "Không hoàn thành nhiệm vụ"): 15,
    ("hoàn thành xuất sắc nhiệm vụ", "hoàn thành tốt nhiệm vụ", "hoàn thành nhiệm vụ",
     "không hoàn thành nhiệm vụ"): 8,
    ("HOÀN THÀNH XUẤT SẮC NHIỆM VỤ", "HOÀN THÀNH TỐT NHIỆM VỤ", "HOÀN THÀNH NHIỆM VỤ",
     "KHÔNG HOÀN THÀNH NHIỆM VỤ"): 6,
    ("Hoan thanh xuat sac nhiem vu", "Hoan thanh tot nhiem vu", "Hoan thanh nhiem vu",
     "Khong hoan thanh nhiem vu"): 4,
    ("hoan thanh xuat sac nhiem vu", "hoan thanh tot nhiem vu", "hoan thanh nhiem vu",
     "khong hoan thanh nhiem vu"): 3,
    ("HTXSNV", "HTTNV", "HTNV", "KHTNV"): 16,
    ("htxsnv", "httnv", "htnv", "khtnv"): 2,
    (" HTXSNV ", " HTTNV ", " HTNV ", " KHTNV "): 1,
}
# (yes, no): weight. An empty "no" is allowed (empty = no).
YES_NO_SPELLINGS = {
    ("yes", "no"): 12, ("Yes", "No"): 4, ("true", "false"): 6, ("TRUE", "FALSE"): 4,
    ("1", "0"): 14, ("có", "không"): 14, ("Có", "Không"): 22, ("CÓ", "KHÔNG"): 8,
    ("co", "khong"): 4, ("Có", None): 12,
}
RATING_YEARS = list(range(2019, 2025))
EMPTY = 4  # rating index meaning "not rated"

NOTES = {
    None: 880,
    "Đã có chứng chỉ ngoại ngữ B2": 12,
    "IELTS 6.5": 8,
    "TOEIC 750": 5,
    "Bổ sung hồ sơ sau": 10,
    "Hồ sơ nộp ngày 15/03/2023": 6,
    "Đang chờ quyết định bổ nhiệm": 6,
    "Trong quy hoạch, có chiều hướng phát triển tốt": 10,
    "Đề nghị xem xét, ưu tiên cử đi đợt 1": 8,
    "Chuyển công tác từ UBND huyện Ba Vì": 4,
    "Nghỉ thai sản đến 06/2023": 5,
    'Đã tham gia lớp "Quản lý nhà nước chương trình chuyên viên chính"': 5,
    "- đã qua lớp bồi dưỡng kiến thức quốc phòng, an ninh": 3,
    "Số điện thoại cũ: 0243 825 1234": 3,
}

DATE_STYLES = {"iso": 55, "dmy": 40, "year": 5}  # birth_date
SERVICE_STYLES = {"iso": 60, "dmy": 39, "year": 1}

# --------------------------------------------------------------------------------------
# Boundary cases: valid rows that sit exactly on an edge of a rule.
# Each starts from BOUNDARY_DEFAULTS; every one is eligible for its quota except for the
# rule its note names.
# --------------------------------------------------------------------------------------

AUTO = "at 23"  # service_start default: the 23rd birthday
BOUNDARY_DEFAULTS = dict(
    category="cong_chuc", service=AUTO, ratings=(1, 1, 1, 1, 1, 1),
    succession=False, discipline=False, enrollments=None, phone="0912000000",
)
BOUNDARY = [
    # Age on a postgraduate course start (pg-abroad 2023-09-01: at most 35).
    dict(name="Trần Thị Minh Anh", gender="F", birth=D(1988, 9, 1), quota="pg-abroad",
         position="public-finance", agency="Sở Tài chính",
         note="boundary: exactly 35 on the pg-abroad start (eligible)"),
    dict(name="Lê Quang Huy", gender="M", birth=D(1987, 9, 1), quota="pg-abroad",
         position="it-egovernment", agency="Sở Thông tin và Truyền thông",
         note="boundary: exactly 36 on the pg-abroad start (age-limit fails)"),
    dict(name="Phạm Thu Trang", gender="F", birth=D(1987, 9, 2), quota="pg-abroad",
         position="hr-management", agency="Sở Nội vụ",
         note="boundary: 36 one day after the pg-abroad start (eligible)"),
    dict(name="Nguyễn Ngọc Diệp", gender="F", birth=D(1988, 2, 29), quota="pg-abroad",
         position="public-health", agency="Sở Y tế",
         note="boundary: born 29 February, 35 on the pg-abroad start (eligible)"),
    # pg-domestic 2023-02-28: under 40.
    dict(name="Đỗ Văn Thắng", gender="M", birth=D(1983, 2, 28), quota="pg-domestic",
         position="urban-management", agency="UBND quận Hoàng Mai",
         note="boundary: 40 on the pg-domestic start (age-limit fails)"),
    dict(name="Vũ Thị Hạnh", gender="F", birth=D(1983, 3, 1), quota="pg-domestic",
         position="education-management", agency="UBND huyện Đông Anh",
         note="boundary: 40 one day after the pg-domestic start (eligible)"),
    dict(name="Bùi Hoàng Long", gender="M", birth=D(1984, 2, 29), quota="pg-domestic",
         position="budget-planning", agency="UBND huyện Gia Lâm",
         note="boundary: born 29 February, completes 39 on 28 February 2023 (eligible)"),
    # Service years (at least 3 completed years on the course start).
    dict(name="Hoàng Thị Thu Hà", gender="F", birth=D(1990, 6, 12), quota="pg-domestic",
         position="public-investment", agency="Sở Kế hoạch và Đầu tư",
         service=D(2020, 2, 28),
         note="boundary: service exactly 3 years on the pg-domestic start (eligible)"),
    dict(name="Ngô Đức Anh", gender="M", birth=D(1991, 4, 3), quota="pg-domestic",
         position="digital-transformation", agency="UBND quận Cầu Giấy",
         service=D(2020, 2, 29),
         note="boundary: service from 29 February 2020, 3 years on 28 February 2023 "
              "by the month-end rule (eligible)"),
    dict(name="Đặng Thị Phương", gender="F", birth=D(1990, 11, 20), quota="pg-domestic",
         position="public-health", agency="Trung tâm Kiểm soát bệnh tật thành phố Hà Nội",
         category="vien_chuc", service=D(2020, 3, 1),
         note="boundary: service one day short of 3 years (service-years fails)"),
    dict(name="Dương Minh Tuấn", gender="M", birth=D(1992, 1, 15), quota="pg-abroad",
         position="innovation-policy", agency="Sở Khoa học và Công nghệ",
         service=D(2020, 9, 1),
         note="boundary: service exactly 3 years on the pg-abroad start (eligible)"),
    dict(name="Lý Thị Ngọc Hân", gender="F", birth=D(1993, 7, 8), quota="pg-abroad",
         position="school-leadership", agency="Trường THPT Kim Liên", category="vien_chuc",
         service=D(2020, 9, 2),
         note="boundary: service one day short of 3 years (service-years fails)"),
    # Retirement (NĐ 135/2020) against course start + 24 months (courses of a month or
    # more) or + 18 months (shorter courses).
    dict(name="Nguyễn Văn Bình", gender="M", birth=D(1964, 6, 15), quota="tai-chinh",
         position="public-finance", agency="UBND huyện Thường Tín",
         note="boundary: retires 2025-09-30, before tai-chinh start + 24 months "
              "2025-10-09 (working-time-left fails)"),
    dict(name="Trần Đình Cường", gender="M", birth=D(1964, 7, 15), quota="tai-chinh",
         position="budget-planning", agency="Sở Tài chính",
         note="boundary: retires 2025-10-31, after tai-chinh start + 24 months (eligible)"),
    dict(name="Phan Văn Hùng", gender="M", birth=D(1964, 1, 10), quota="gd-dt",
         position="education-management", agency="Sở Giáo dục và Đào tạo",
         note="boundary: retires 2025-04-30, before gd-dt start + 18 months 2025-05-13 "
              "(working-time-left fails)"),
    dict(name="Lê Xuân Hòa", gender="M", birth=D(1964, 2, 10), quota="gd-dt",
         position="school-leadership", agency="UBND huyện Mỹ Đức",
         note="boundary: retires 2025-05-31, after gd-dt start + 18 months (eligible)"),
    dict(name="Đinh Thị Lan", gender="F", birth=D(1968, 12, 5), quota="kh-cn",
         position="science-technology-management", agency="Sở Khoa học và Công nghệ",
         note="boundary: retires 2025-08-31, before kh-cn start + 24 months 2025-09-18 "
              "(working-time-left fails)"),
    dict(name="Cao Thị Nguyệt", gender="F", birth=D(1969, 1, 5), quota="kh-cn",
         position="innovation-policy", agency="UBND quận Tây Hồ",
         note="boundary: retires 2025-09-30, after kh-cn start + 24 months (eligible)"),
    dict(name="Kiều Thị Hằng", gender="F", birth=D(1969, 1, 14), quota="y-te",
         position="hospital-management", agency="Bệnh viện Thanh Nhàn", category="vien_chuc",
         note="boundary: retires 2025-09-30, before y-te start + 24 months 2025-10-16 "
              "(working-time-left fails)"),
    dict(name="Đào Thị Hoa", gender="F", birth=D(1969, 2, 14), quota="y-te",
         position="health-management", agency="Sở Y tế",
         note="boundary: retires 2025-10-31, after y-te start + 24 months (eligible)"),
    dict(name="Trịnh Văn Lợi", gender="M", birth=D(1964, 4, 20), quota="y-te",
         position="public-health", agency="UBND huyện Ba Vì",
         note="boundary: retires 2025-07-31: after y-te start + 18 months but before "
              "+ 24 months, the course lasts over a month (working-time-left fails)"),
    dict(name="Lương Văn Thịnh", gender="M", birth=D(1964, 4, 22), quota="noi-vu-hr",
         position="hr-management", agency="UBND huyện Phú Xuyên",
         note="boundary: retires 2025-07-31, after noi-vu-hr start + 18 months "
              "2025-04-02, the course is under a month (eligible)"),
    # Enrollments against the y-te course 2023-10-16 .. 2023-11-24 (inclusive).
    dict(name="Hồ Thị Mai", gender="F", birth=D(1985, 5, 5), quota="y-te",
         position="public-health", agency="Bệnh viện Đa khoa Xanh Pôn", category="vien_chuc",
         enrollments="2023-09-04/2023-10-16",
         note="boundary: enrollment ends on the y-te start day (no-overlap fails)"),
    dict(name="Tạ Thị Vân", gender="F", birth=D(1986, 8, 9), quota="y-te",
         position="health-management", agency="UBND quận Đống Đa",
         enrollments="2023-09-04/2023-10-15",
         note="boundary: enrollment ends the day before the y-te start (eligible)"),
    dict(name="Chu Văn Nam", gender="M", birth=D(1982, 3, 30), quota="y-te",
         position="hospital-management", agency="Bệnh viện Đa khoa Đức Giang",
         category="vien_chuc", enrollments="2023-11-24/2023-12-08",
         note="boundary: enrollment starts on the y-te end day (no-overlap fails)"),
    dict(name="Quách Thị Yến", gender="F", birth=D(1984, 12, 1), quota="y-te",
         position="health-digital-transformation", agency="Sở Y tế",
         enrollments="2023-11-25/2023-12-08",
         note="boundary: enrollment starts the day after the y-te end (eligible)"),
    dict(name="Khuất Duy Khánh", gender="M", birth=D(1987, 10, 10), quota="noi-vu-hr",
         position="organisation-staffing", agency="UBND thị xã Sơn Tây",
         enrollments="2022-05-09/2022-05-20;2023-10-20/2023-10-27",
         note="boundary: second enrollment starts on the noi-vu-hr end day "
              "(no-overlap fails)"),
    # Ratings: the rule must read the right year.
    dict(name="Mai Thị Huyền", gender="F", birth=D(1989, 9, 9), quota="gd-dt",
         position="education-digital-transformation", agency="Trường THPT Chu Văn An",
         category="vien_chuc", ratings=(0, 0, 0, EMPTY, 0, 0),
         note="boundary: rating_2022 empty, other years excellent (rating-last-year fails)"),
    dict(name="Tô Minh Đức", gender="M", birth=D(1986, 6, 6), quota="pg-domestic",
         position="transport-management", agency="Sở Giao thông vận tải",
         ratings=(0, 0, 2, 0, 0, 0),
         note="boundary: rating_2021 completed (ratings-two-years fails)"),
    dict(name="Nghiêm Thị Thảo", gender="F", birth=D(1991, 12, 31), quota="pg-domestic",
         position="environment-management", agency="Sở Tài nguyên và Môi trường",
         service=None,
         note="boundary: service_start empty (service-years fails)"),
    dict(name="Vương Văn Quý", gender="M", birth=D(1979, 10, 1), quota="noi-vu-urban",
         position="construction-management", agency="Sở Xây dựng", service=None,
         note="boundary: service_start empty, no service rule for fostering (eligible)"),
    # Twins: same score, same birth date; the rank falls back on the id.
    dict(name="Nguyễn Thị Hồng Nhung", gender="F", birth=D(1990, 4, 18), quota="gd-dt",
         position="school-leadership", agency="UBND quận Long Biên", ratings=(1,) * 6,
         note="boundary: twin of Nguyễn Thị Hồng Nhàn, same score and birth date "
              "(tie broken by id)"),
    dict(name="Nguyễn Thị Hồng Nhàn", gender="F", birth=D(1990, 4, 18), quota="gd-dt",
         position="school-leadership", agency="UBND quận Long Biên", ratings=(1,) * 6,
         note="boundary: twin of Nguyễn Thị Hồng Nhung, same score and birth date "
              "(tie broken by id)"),
]

# --------------------------------------------------------------------------------------
# Randomness: whole columns from one seeded stdlib generator
# --------------------------------------------------------------------------------------


class Draw:
    """Columns of random numbers from one seeded ``random.Random``."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def uniform(self, n: int) -> pl.Series:
        """``n`` floats in [0, 1), 32 bits each."""
        raw = array.array("I")
        if raw.itemsize != 4:  # pragma: no cover - exotic platforms
            raw = array.array("L")
        raw.frombytes(self.rng.randbytes(4 * n))
        if sys.byteorder == "big":  # pragma: no cover
            raw.byteswap()
        return pl.Series(raw, dtype=pl.UInt32).cast(pl.Float64) / 4294967296.0

    def choice(self, n: int, weights: list[float]) -> pl.Series:
        """``n`` indices into ``weights``, drawn with those weights."""
        zeros = pl.repeat(0, n, dtype=pl.Int64, eager=True)
        return grouped_choice(zeros, self.uniform(n), [weights])

    def grouped(self, group: pl.Series, tables: list[list[float]]) -> pl.Series:
        """Per row, an index into ``tables[group]`` drawn with that table's weights.

        Returned indices are global: into the concatenation of all tables.
        """
        return grouped_choice(group, self.uniform(len(group)), tables)


def grouped_choice(group: pl.Series, u: pl.Series, tables: list[list[float]]) -> pl.Series:
    """Inverse-CDF sampling from one table per group in one ``search_sorted``.

    Table ``g``'s cumulative weights are laid out in ``(g, g + 1]``; a row of group ``g``
    searches ``g + u``. The answer is an index into the concatenated tables.
    """
    cum: list[float] = []
    for g, weights in enumerate(tables):
        total = float(sum(weights))
        if total <= 0:
            raise ValueError(f"table {g} has no weight")
        acc = 0.0
        for w in weights:
            acc += w
            cum.append(g + acc / total)
        cum[-1] = float(g + 1)
    keys = group.cast(pl.Float64) + u
    return pl.Series(cum).search_sorted(keys, side="right").cast(pl.Int64)


def lookup(index: pl.Expr | str, values: list, dtype=pl.String) -> pl.Expr:
    """The ``values`` entry at each index."""
    idx = pl.col(index) if isinstance(index, str) else index
    return pl.lit(pl.Series(values, dtype=dtype)).gather(idx)


# --------------------------------------------------------------------------------------
# The people, as typed columns
# --------------------------------------------------------------------------------------


def preference_table() -> tuple[list[str], list[list[float]]]:
    """Every nomination list, first preferences in QUOTA_IDS order, and per first
    preference the weights of its lists (laid end to end, as ``grouped_choice`` wants)."""
    texts: list[str] = []
    tables: list[list[float]] = []
    for q in QUOTA_IDS:
        if q in FOSTERING:
            r = RELATED[q]
            tails = {(): 70, ("pg-domestic",): 12, ("pg-abroad",): 3, (r,): 6,
                     ("pg-abroad", "pg-domestic"): 3, (r, "pg-domestic"): 3,
                     ("pg-domestic", "pg-abroad"): 3}
        elif q == "pg-abroad":
            tails = {(): 45, ("pg-domestic",): 43}
            tails |= {("pg-domestic", f): 12 / len(FOSTERING) for f in FOSTERING}
        else:  # pg-domestic
            tails = {(): 82, ("pg-abroad",): 6}
            tails |= {(f,): 12 / len(FOSTERING) for f in FOSTERING}
        texts += [";".join((q, *tail)) for tail in tails]
        tables.append([float(w) for w in tails.values()])
    return texts, tables


def position_tables() -> list[list[float]]:
    """Per quota (QUOTA_IDS order), weights over POSITIONS."""
    tables = []
    for q in QUOTA_IDS:
        own = QUOTAS[q][2]
        if own is None:  # postgraduate: any field
            counts = {f: sum(1 for p in POSITIONS if FIELD_OF_POSITION[p] == f) for f in FIELDS}
            tables.append([PG_FIELD_SHARE[FIELD_OF_POSITION[p]] / counts[FIELD_OF_POSITION[p]]
                           for p in POSITIONS])
        else:  # 90 % the quota's own positions, 10 % another field's
            others = [p for p in POSITIONS if p not in own]
            tables.append([0.9 / len(own) if p in own else 0.1 / len(others)
                           for p in POSITIONS])
    return tables


def birth_year_weights(female: bool, postgraduate: bool) -> list[float]:
    weights = []
    for year in range(1963, 2001):
        if postgraduate:
            w = 0.25 if year < 1980 else 2.0 if year < 1984 else 4.0 if year < 1996 else 2.0
        else:
            w = 1.0 if year < 1975 else 3.0 if year <= 1995 else 1.2
        if female and year < 1968:
            w = 0.0  # women born before 1968 have retired (NĐ 135/2020)
        weights.append(w)
    return weights


def draw_people(n: int, draw: Draw) -> pl.DataFrame:
    """``n`` random valid people, as typed columns (indices, dates, booleans)."""
    prefs_text, prefs_tables = preference_table()
    primary = draw.choice(n, [PRIMARY_SHARE[q] for q in QUOTA_IDS])
    pref = draw.grouped(primary, prefs_tables)  # an index into prefs_text

    position = draw.grouped(primary, position_tables()) - primary * len(POSITIONS)
    field_idx = lookup(pl.col("position"),
                       [FIELDS.index(FIELD_OF_POSITION[p]) for p in POSITIONS], pl.Int64)
    df = pl.DataFrame({"primary": primary, "pref": pref, "position": position})
    df = df.with_columns(field=field_idx)

    agency_tables = [_agency_weights(f) for f in FIELDS]
    df = df.with_columns(
        agency=draw.grouped(df["field"], agency_tables) - df["field"] * len(AGENCIES))
    female_p = lookup(pl.col("field"), [FEMALE_SHARE[f] for f in FIELDS], pl.Float64)
    df = df.with_columns(female=pl.lit(draw.uniform(n)) < female_p)

    postgraduate = pl.col("primary").is_in([QUOTA_IDS.index(q) for q in PG])
    df = df.with_columns(
        birth_group=(pl.col("female").cast(pl.Int64) * 2 + postgraduate.cast(pl.Int64)))
    birth_tables = [birth_year_weights(female=g >= 2, postgraduate=g % 2 == 1)
                    for g in range(4)]
    years = draw.grouped(df["birth_group"], birth_tables) - df["birth_group"] * 38 + 1963
    df = df.with_columns(birth_year=years, u_day=draw.uniform(n))
    df = df.with_columns(birth=pl.date(pl.col("birth_year"), 1, 1) + pl.duration(days=(
        pl.col("u_day") * (365 + pl.date(pl.col("birth_year"), 12, 31).dt.ordinal_day()
                           .eq(366).cast(pl.Int64))).floor().cast(pl.Int64)))

    kinds = ["department", "district", "unit"]
    kind_idx = lookup(pl.col("agency"), [kinds.index(AGENCY_KIND[a]) for a in AGENCIES],
                      pl.Int64)
    df = df.with_columns(kind=kind_idx)
    df = df.with_columns(category=draw.grouped(
        df["kind"], [list(CATEGORY_BY_KIND[k]) for k in kinds]) - df["kind"] * 3)

    # Service from age 22, mostly within a few years; 2 % unknown.
    latest = D(2023, 1, 31)
    df = df.with_columns(adult=pl.col("birth").dt.offset_by("22y") + pl.duration(days=1),
                         u_wait=draw.uniform(n), u_clip=draw.uniform(n),
                         u_unknown=draw.uniform(n))
    span = (pl.lit(latest) - pl.col("adult")).dt.total_days()
    wait = (-(1 - pl.col("u_wait")).log() * 4 * 365).floor().cast(pl.Int64)
    wait = (pl.when(wait > span).then((pl.col("u_clip") * span).floor().cast(pl.Int64))
            .otherwise(wait))
    df = df.with_columns(service=pl.when(pl.col("u_unknown") < 0.02).then(None)
                         .otherwise(pl.col("adult") + pl.duration(days=wait)))

    # Ratings: three kinds of people, one draw per year.
    kind_tables = [
        [0.60, 0.37, 0.02, 0.0, 0.01],     # strong
        [0.11, 0.80, 0.05, 0.005, 0.035],  # usual
        [0.01, 0.55, 0.30, 0.09, 0.05],    # weak
    ]
    df = df.with_columns(rater=draw.choice(n, [15, 78, 7]))
    for year in RATING_YEARS:
        r = draw.grouped(df["rater"], kind_tables) - df["rater"] * 5
        not_yet = pl.col("service").dt.year() > year
        late = (pl.lit(draw.uniform(n)) < 0.35) if year == 2024 else pl.lit(False)
        df = df.with_columns(pl.when(not_yet.fill_null(False) | late).then(EMPTY)
                             .otherwise(pl.lit(r)).alias(f"r{year}"))

    df = df.with_columns(
        succession=pl.lit(draw.uniform(n)) < 0.25,
        discipline=pl.lit(draw.uniform(n)) < 0.03,
    )
    df = df.with_columns(enrollments=draw_enrollments(df, draw))

    # Names.
    fam_w = list(FAMILY.values())
    mid_f_w = list(MIDDLE_F.values())
    mid_m_w = list(MIDDLE_M.values())
    male = df["female"].not_().cast(pl.Int64)
    nf = len(GIVEN_F)
    df = df.with_columns(
        fam=draw.choice(n, fam_w),  # into FAMILIES
        mid=draw.grouped(male, [mid_f_w, mid_m_w]),  # into MIDDLES
        given=draw.grouped(male, [[1.0] * nf, [1.0] * len(GIVEN_M)]),  # into GIVENS
        name=pl.lit(None, pl.String),
    )
    # No "Minh Minh": where the given name repeats the last middle name, take the next one.
    given = pl.col("given")
    next_given = pl.when(given < nf).then((given + 1) % nf).otherwise(
        nf + (given - nf + 1) % len(GIVEN_M))
    repeats = lookup("mid", [m.split()[-1] for m in MIDDLES]) == lookup("given", GIVENS)
    df = df.with_columns(given=pl.when(repeats).then(next_given).otherwise(given))

    phone_prefix = ["09", "03", "08", "07", "05"]
    df = df.with_columns(
        phone=pl.when(pl.lit(draw.uniform(n)) < 0.08).then(None).otherwise(pl.concat_str([
            lookup(pl.lit(draw.choice(n, [45, 25, 15, 10, 5])), phone_prefix),
            (pl.lit(draw.uniform(n)) * 1e8).floor().cast(pl.Int64).cast(pl.String)
            .str.zfill(8)])),
        note=lookup(draw.choice(n, list(NOTES.values())), list(NOTES)),
        nominated=lookup("pref", prefs_text),
        boundary=pl.lit(False),
    )
    return df.select(PERSON_COLUMNS)


# A person before spelling: name parts (indices; ``name`` for boundary rows), codes as
# indices into AGENCIES, CATEGORIES, POSITIONS, ratings as indices into RATING_CODES
# (EMPTY = not rated), dates as dates.
PERSON_COLUMNS = ["fam", "mid", "given", "name", "female", "birth", "agency", "category",
                  "position", "service", *[f"r{y}" for y in RATING_YEARS], "succession",
                  "discipline", "enrollments", "nominated", "phone", "note", "boundary"]


def draw_enrollments(df: pl.DataFrame, draw: Draw) -> pl.Expr:
    """About 10 % of people are enrolled elsewhere; intervals placed against the course of
    their first preference: overlapping, touching an edge, just clear, or far away."""
    n = len(df)
    kinds = ["none", "overlap", "touch_start", "touch_end", "day_before", "day_after",
             "far", "two"]
    kind = draw.choice(n, [90, 3.0, 1.0, 1.0, 1.0, 0.5, 3.0, 0.5])
    start = lookup(pl.col("primary"), [QUOTAS[q][0] for q in QUOTA_IDS], pl.Date)
    end = lookup(pl.col("primary"), [QUOTAS[q][1] for q in QUOTA_IDS], pl.Date)
    length = pl.duration(days=(pl.lit(draw.uniform(n)) * 25).floor().cast(pl.Int64) + 5)
    shift = pl.duration(days=(pl.lit(draw.uniform(n)) * 15).floor().cast(pl.Int64))
    far_start = (pl.lit(D(2022, 1, 10))
                 + pl.duration(days=(pl.lit(draw.uniform(n)) * 330).floor().cast(pl.Int64)))
    iso = "%Y-%m-%d"

    def interval(a: pl.Expr, b: pl.Expr) -> pl.Expr:
        return pl.concat_str([a.dt.strftime(iso), b.dt.strftime(iso)], separator="/")

    k = pl.lit(kind)
    return (
        pl.when(k == kinds.index("overlap")).then(interval(start - pl.duration(days=7) + shift,
                                                           start + shift + length))
        .when(k == kinds.index("touch_start")).then(interval(start - length, start))
        .when(k == kinds.index("touch_end")).then(interval(end, end + length))
        .when(k == kinds.index("day_before")).then(interval(start - length - pl.duration(days=1),
                                                            start - pl.duration(days=1)))
        .when(k == kinds.index("day_after")).then(interval(end + pl.duration(days=1),
                                                           end + pl.duration(days=1) + length))
        .when(k == kinds.index("far")).then(interval(far_start, far_start + length))
        .when(k == kinds.index("two")).then(pl.concat_str([
            interval(far_start, far_start + length),
            interval(start + shift, start + shift + length)], separator=";"))
        .otherwise(None)
    )


def boundary_people() -> pl.DataFrame:
    rows = []
    for case in BOUNDARY:
        c = BOUNDARY_DEFAULTS | case
        ratings = c["ratings"]
        if c["service"] == AUTO:
            b = c["birth"]
            c["service"] = D(b.year + 23, b.month, min(b.day, 28 if b.month == 2 else 31))
        rows.append({
            "fam": None, "mid": None, "given": None, "name": c["name"],
            "female": c["gender"] == "F", "birth": c["birth"],
            "agency": AGENCIES.index(c["agency"]), "category": CATEGORIES.index(c["category"]),
            "position": POSITIONS.index(c["position"]), "service": c["service"],
            **{f"r{y}": ratings[i] for i, y in enumerate(RATING_YEARS)},
            "succession": c["succession"], "discipline": c["discipline"],
            "enrollments": c["enrollments"], "nominated": c["quota"], "phone": c["phone"],
            "note": c["note"], "boundary": True,
        })
    return pl.DataFrame(rows, schema={
        "fam": pl.Int64, "mid": pl.Int64, "given": pl.Int64, "name": pl.String,
        "female": pl.Boolean, "birth": pl.Date, "agency": pl.Int64, "category": pl.Int64,
        "position": pl.Int64, "service": pl.Date,
        **{f"r{y}": pl.Int64 for y in RATING_YEARS}, "succession": pl.Boolean,
        "discipline": pl.Boolean, "enrollments": pl.String, "nominated": pl.String,
        "phone": pl.String, "note": pl.String, "boundary": pl.Boolean,
    })


# --------------------------------------------------------------------------------------
# Writing the people in the spellings of the field
# --------------------------------------------------------------------------------------

OUTPUT_COLUMNS = ["id", "full_name", "birth_date", "gender", "phone", "agency", "category",
                  "position", "service_start", *[f"rating_{y}" for y in RATING_YEARS],
                  "succession_plan", "under_discipline", "enrollments", "nominated_for",
                  "note"]


def spell(people: pl.DataFrame, draw: Draw) -> pl.DataFrame:
    """Text columns as an office would type them, every accepted spelling somewhere."""
    n = len(people)
    df = people.with_columns(
        u_birth_style=draw.choice(n, list(DATE_STYLES.values())),
        u_service_style=draw.choice(n, list(SERVICE_STYLES.values())),
        gender_style=draw.choice(n, list(GENDER_SPELLINGS.values())),
        category_style=draw.choice(n, list(CATEGORY_SPELLINGS.values())),
        rating_style=draw.choice(n, list(RATING_SPELLINGS.values())),
        yes_style=draw.choice(n, list(YES_NO_SPELLINGS.values())),
        nfd=pl.lit(draw.uniform(n)) < 0.03,
    )

    def date_text(col: str, style: str) -> pl.Expr:
        c = pl.col(col)
        s = pl.col(style)
        # Never a bare year on a boundary row, nor where 1 January would put the start of
        # service before the 22nd birthday.
        bare_ok = ~pl.col("boundary")
        if col == "service":
            bare_ok = bare_ok & (c.dt.year() >= pl.col("birth").dt.year() + 23)
        return (pl.when(s == 0).then(c.dt.strftime("%Y-%m-%d"))
                .when((s == 1) | ~bare_ok).then(c.dt.strftime("%d/%m/%Y"))
                .otherwise(c.dt.year().cast(pl.String)))

    gender_flat = [word for pair in GENDER_SPELLINGS for word in pair]
    cat_flat = [word for triple in CATEGORY_SPELLINGS for word in triple]
    rating_flat = [w for quad in RATING_SPELLINGS for w in (*quad, None)]
    yes_flat = [w for pair in YES_NO_SPELLINGS for w in pair]
    male = (~pl.col("female")).cast(pl.Int64)

    def text(index: pl.Expr | str, values: list[str | None]) -> pl.Expr:
        """``values[index]``, in NFD on the rows drawn for NFD (as a Mac sends it)."""
        index = pl.col(index) if isinstance(index, str) else index
        nfd = [None if v is None else unicodedata.normalize("NFD", v) for v in values]
        return lookup(index + pl.col("nfd").cast(pl.Int64) * len(values), values + nfd)

    def rating_text(year: int) -> pl.Expr:
        return text(pl.col("rating_style") * 5 + pl.col(f"r{year}"), rating_flat)

    def yes_no(col: str) -> pl.Expr:
        return text(pl.col("yes_style") * 2 + (~pl.col(col)).cast(pl.Int64), yes_flat)

    out = df.select(
        full_name=pl.coalesce(pl.col("name"), pl.concat_str(
            [text("fam", FAMILIES), text("mid", MIDDLES), text("given", GIVENS)],
            separator=" ")),
        birth_date=date_text("birth", "u_birth_style"),
        gender=text(pl.col("gender_style") * 2 + male, gender_flat),
        phone=pl.col("phone"),
        agency=text("agency", AGENCIES),
        category=text(pl.col("category_style") * 3 + pl.col("category"), cat_flat),
        position=lookup("position", POSITIONS),
        service_start=date_text("service", "u_service_style"),
        **{f"rating_{y}": rating_text(y) for y in RATING_YEARS},
        succession_plan=yes_no("succession"),
        under_discipline=yes_no("discipline"),
        enrollments=pl.col("enrollments"),
        nominated_for=pl.col("nominated"),
        note=pl.col("note"),
        agency_order=pl.col("agency"),
    )
    return out


# --------------------------------------------------------------------------------------
# Bad rows: one defect each, at positions drawn from the seed
# --------------------------------------------------------------------------------------

def _year_of(text: str | None) -> str:
    if not text:
        return "1985"
    return text[:4] if "-" in text else text[-4:]


# (kind, column spoiled, new value from (row as a dict, how many of this kind before))
BAD_KINDS = [
    ("impossible_date", "birth_date", lambda r, k: f"31/02/{_year_of(r['birth_date'])}"),
    ("unknown_gender", "gender", lambda r, k: ["Khác", "không rõ", "N/A"][k % 3]),
    ("unknown_position", "position", lambda r, k: ["ke-toan", "van-thu", "thanh-tra"][k % 3]),
    ("unknown_quota", "nominated_for",
     lambda r, k: ["xay-dung", r["nominated_for"].split(";")[0] + ";pg-overseas",
                   "noi-vu"][k % 3]),
    ("missing_full_name", "full_name", lambda r, k: None),
    ("empty_nominated_for", "nominated_for", lambda r, k: None),
    ("malformed_interval", "enrollments",
     lambda r, k: ["2023-09-04 - 2023-09-22", "04/09/2023-22/09/2023", "2023-09-04/"][k % 3]),
    ("end_before_start", "enrollments", lambda r, k: "2023-10-20/2023-10-02"),
    ("duplicate_id", "id", None),
    ("month_13", "birth_date", lambda r, k: f"{_year_of(r['birth_date'])}-13-01"),
    ("impossible_service_date", "service_start", lambda r, k: "29/02/2019"),
    ("unknown_category", "category", lambda r, k: ["Hợp đồng", "hop dong 68"][k % 2]),
]


def spoil(df: pl.DataFrame, count: int, rng: random.Random) -> tuple[pl.DataFrame, list]:
    """Spoil ``count`` rows (never a boundary row); returns the new frame and, per bad
    row, (1-based row, column, kind, value)."""
    if count == 0:
        return df, []
    candidates = [i for i, b in enumerate(df["note"].str.starts_with("boundary:").to_list())
                  if not b]
    if count > len(candidates):
        raise SystemExit(f"--bad-rows {count}: only {len(candidates)} rows can be spoiled")
    positions = sorted(rng.sample(candidates, count))
    # Kinds in a fixed cycle; a duplicate needs two rows.
    plan: list[str] = []
    cycle = 0
    while len(plan) < count:
        kind = BAD_KINDS[cycle % len(BAD_KINDS)][0]
        cycle += 1
        need = 2 if kind == "duplicate_id" else 1
        if len(plan) + need <= count:
            plan.extend([kind] * need)
        elif need == 1:
            plan.append(kind)
    # Shuffle the kinds over the positions, keeping each duplicate pair together.
    units: list[list[str]] = []
    for kind in plan:
        if kind == "duplicate_id" and units and units[-1] == ["duplicate_id"]:
            units[-1].append(kind)
        else:
            units.append([kind])
    rng.shuffle(units)
    slots = list(positions)
    rng.shuffle(slots)
    changes: dict[str, dict[int, str | None]] = {}
    report = []
    seen: dict[str, int] = {}
    for unit in units:
        kind = unit[0]
        k = seen.get(kind, 0)
        seen[kind] = k + 1
        if kind == "duplicate_id":
            # The second row repeats the first one's id, name, birth date and gender:
            # one person on two lists.
            first, second = sorted([slots.pop(), slots.pop()])
            row = df.row(first, named=True)
            for col in ("id", "full_name", "birth_date", "gender"):
                changes.setdefault(col, {})[second] = row[col]
            report += [(first + 1, "id", kind, row["id"]), (second + 1, "id", kind, row["id"])]
            continue
        pos = slots.pop()
        row = df.row(pos, named=True)
        _, column, make = next(b for b in BAD_KINDS if b[0] == kind)
        value = make(row, k)
        changes.setdefault(column, {})[pos] = value
        report.append((pos + 1, column, kind, value))
    columns = []
    for col, edits in changes.items():
        s = df[col].clone()
        s.scatter(list(edits), pl.Series(list(edits.values()), dtype=pl.String))
        columns.append(s)
    return df.with_columns(columns), sorted(report)


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def generate(count: int, seed: int, bad_rows: int) -> tuple[pl.DataFrame, list]:
    draw = Draw(seed)
    boundary = boundary_people()
    if count < len(boundary) + bad_rows + 2:
        raise SystemExit(f"--count {count} is too small for {len(boundary)} boundary "
                         f"rows and {bad_rows} bad rows")
    people = pl.concat([draw_people(count - len(boundary), draw), boundary])
    text = spell(people, draw)
    # A consolidated list: agency by agency (departments, districts, units), in random
    # order inside each; ids numbered down the list.
    text = (text.with_columns(order=draw.uniform(count))
            .sort(["agency_order", "order"])
            .drop("agency_order", "order"))
    width = max(6, len(str(count)))
    text = text.with_columns(
        id=pl.lit("HN-") + pl.int_range(1, count + 1, eager=False).cast(pl.String)
        .str.zfill(width)).select(OUTPUT_COLUMNS)
    return spoil(text, bad_rows, draw.rng)


def write(df: pl.DataFrame, path: Path, fmt: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        df.write_csv(path, include_bom=True)
    elif fmt == "xlsx":
        df.write_excel(path, worksheet="nominees", autofit=False)
    elif fmt == "parquet":
        df.write_parquet(path)
    else:  # pragma: no cover - argparse restricts it
        raise ValueError(fmt)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=3000, help="rows to write (3000)")
    parser.add_argument("--out", type=Path, required=True, help="file to write")
    parser.add_argument("--seed", type=int, default=2023, help="random seed (2023)")
    parser.add_argument("--bad-rows", type=int, default=None,
                        help="rows to spoil, one defect each (25; 0 with --clean)")
    parser.add_argument("--format", choices=["csv", "xlsx", "parquet"], default=None,
                        help="output format (default: from the --out suffix, else csv)")
    parser.add_argument("--clean", action="store_true",
                        help="no bad rows (for benchmarks)")
    args = parser.parse_args(argv)
    if args.clean and args.bad_rows:
        parser.error("--clean and --bad-rows exclude each other")
    bad = 0 if args.clean else (25 if args.bad_rows is None else args.bad_rows)
    if bad < 0 or args.count < 1:
        parser.error("--count must be positive and --bad-rows not negative")
    fmt = args.format or {".xlsx": "xlsx", ".parquet": "parquet"}.get(args.out.suffix, "csv")

    began = time.perf_counter()
    df, report = generate(args.count, args.seed, bad)
    write(df, args.out, fmt)
    took = time.perf_counter() - began
    spoiled = " ".join(f"{row}:{column}" for row, column, _, _ in report)
    print(f"{args.out}: {len(df)} rows, {len(report)} bad rows"
          + (f" ({spoiled})" if report else "")
          + f", seed {args.seed}, {fmt}, {took:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
