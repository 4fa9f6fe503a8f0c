"""China's provincial-level divisions: full name and one-character short name (简称), as every Chinese reader knows
them (苏 = 江苏, 粤 = 广东). Data only: scope.py reads it to tell which report of an archive a question names.

Not a list of cities: a place inside a province (a capital, a city) is found by where the archive's reports mention it
(scope.py, `concentrated_in`).
"""

from __future__ import annotations

PROVINCES: tuple[tuple[str, str], ...] = (
    ("北京市", "京"), ("天津市", "津"), ("河北省", "冀"), ("山西省", "晋"), ("内蒙古自治区", "蒙"), ("辽宁省", "辽"),
    ("吉林省", "吉"), ("黑龙江省", "黑"), ("上海市", "沪"), ("江苏省", "苏"), ("浙江省", "浙"), ("安徽省", "皖"),
    ("福建省", "闽"), ("江西省", "赣"), ("山东省", "鲁"), ("河南省", "豫"), ("湖北省", "鄂"), ("湖南省", "湘"),
    ("广东省", "粤"), ("广西壮族自治区", "桂"), ("海南省", "琼"), ("重庆市", "渝"), ("四川省", "川"), ("贵州省", "黔"),
    ("云南省", "滇"), ("西藏自治区", "藏"), ("陕西省", "陕"), ("甘肃省", "甘"), ("青海省", "青"),
    ("宁夏回族自治区", "宁"), ("新疆维吾尔自治区", "新"), ("台湾省", "台"), ("香港特别行政区", "港"),
    ("澳门特别行政区", "澳"),
)

# The suffixes of administrative names: 江苏省 is also called 江苏, 广西壮族自治区 广西, 北京市 北京, 黔东南苗族侗族自治州
# 黔东南. Longest first.
ADMIN_SUFFIXES: tuple[str, ...] = (
    "维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "自治县", "地区", "新区", "省", "市",
    "县", "区", "州", "盟", "旗",
)
