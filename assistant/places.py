"""China's provincial-level divisions: full name, one-character short name (简称) and official English name, as
every reader knows them (苏 = 江苏 = Jiangsu). Data only: scope.py reads it to tell which report of an archive a question names.

Not a list of cities: a place inside a province (a capital, a city) is found by where the archive's reports mention it
(scope.py, `concentrated_in`).
"""

from __future__ import annotations

PROVINCES: tuple[tuple[str, str, str], ...] = (
    ("北京市", "京", "Beijing"), ("天津市", "津", "Tianjin"), ("河北省", "冀", "Hebei"), ("山西省", "晋", "Shanxi"),
    ("内蒙古自治区", "蒙", "Inner Mongolia"), ("辽宁省", "辽", "Liaoning"), ("吉林省", "吉", "Jilin"),
    ("黑龙江省", "黑", "Heilongjiang"), ("上海市", "沪", "Shanghai"), ("江苏省", "苏", "Jiangsu"),
    ("浙江省", "浙", "Zhejiang"), ("安徽省", "皖", "Anhui"), ("福建省", "闽", "Fujian"), ("江西省", "赣", "Jiangxi"),
    ("山东省", "鲁", "Shandong"), ("河南省", "豫", "Henan"), ("湖北省", "鄂", "Hubei"), ("湖南省", "湘", "Hunan"),
    ("广东省", "粤", "Guangdong"), ("广西壮族自治区", "桂", "Guangxi"), ("海南省", "琼", "Hainan"),
    ("重庆市", "渝", "Chongqing"), ("四川省", "川", "Sichuan"), ("贵州省", "黔", "Guizhou"), ("云南省", "滇", "Yunnan"),
    ("西藏自治区", "藏", "Tibet"), ("陕西省", "陕", "Shaanxi"), ("甘肃省", "甘", "Gansu"), ("青海省", "青", "Qinghai"),
    ("宁夏回族自治区", "宁", "Ningxia"), ("新疆维吾尔自治区", "新", "Xinjiang"), ("台湾省", "台", "Taiwan"),
    ("香港特别行政区", "港", "Hong Kong"), ("澳门特别行政区", "澳", "Macao"),
)

# The suffixes of administrative names: 江苏省 is also called 江苏, 广西壮族自治区 广西, 北京市 北京, 黔东南苗族侗族自治州
# 黔东南. Longest first.
ADMIN_SUFFIXES: tuple[str, ...] = (
    "维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "自治县", "地区", "新区", "省", "市",
    "县", "区", "州", "盟", "旗",
)


def _province_names() -> frozenset[str]:
    names = set()
    for full, _, _ in PROVINCES:
        names.add(full)
        suffix = next((x for x in ADMIN_SUFFIXES if full.endswith(x) and len(full) > len(x) + 1), "")
        names.add(full.removesuffix(suffix))
    return frozenset(names)


# Every provincial-level division's full name and its name without the administrative suffix (江苏省, 江苏).
PROVINCE_NAMES: frozenset[str] = _province_names()
