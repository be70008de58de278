"""Chinese places by their one-character short names, which news strings together for a
region or for a route between places: 京津冀 (Beijing, Tianjin, Hebei), 成渝 (Chengdu and
Chongqing), 枣菏高速 (the Zaozhuang-Heze expressway)."""

from __future__ import annotations

import re
from itertools import product

__all__ = ["REGION_RUN", "is_place", "is_province", "joint_names", "short_names"]

# The provincial-level divisions' short names, the official one first (川 for 四川; 蜀 is
# also written, as in 川渝 and 蜀道).
_PROVINCES = {
    "北京": "京",
    "天津": "津",
    "上海": "沪申",
    "重庆": "渝",
    "河北": "冀",
    "山西": "晋",
    "内蒙古": "蒙",
    "辽宁": "辽",
    "吉林": "吉",
    "黑龙江": "黑",
    "江苏": "苏",
    "浙江": "浙",
    "安徽": "皖",
    "福建": "闽",
    "江西": "赣",
    "山东": "鲁",
    "河南": "豫",
    "湖北": "鄂",
    "湖南": "湘",
    "广东": "粤",
    "广西": "桂",
    "海南": "琼",
    "四川": "川蜀",
    "贵州": "黔贵",
    "云南": "滇云",
    "西藏": "藏",
    "陕西": "陕秦",
    "甘肃": "甘陇",
    "青海": "青",
    "宁夏": "宁",
    "新疆": "新",
    "香港": "港",
    "澳门": "澳",
    "台湾": "台",
}
# Cities whose short name is not their first character (沪宁 for Shanghai-Nanjing).
_CITIES = {"南京": "宁", "广州": "穗广", "厦门": "厦鹭"}
# Longest first: 广西壮族自治区 is 广西.
_ENDINGS = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")
# Three or more provinces' short names in a row name a region of them all (京津冀晋鲁豫);
# two are as often a word (苏宁, 新台币), and before an office's ending they name its remit
# (山东省台港澳办: the office for Taiwan, Hong Kong and Macao affairs).
REGION_RUN = re.compile(
    "[" + "".join(sorted(set("".join(_PROVINCES.values())))) + "]{3,}(?![办局委厅处司部])"
)


def short_names(place: str) -> str:
    """The one-character names a place goes by in a compound (湖北 -> 鄂; 枣庄市 -> 枣),
    each character one; "" when `place` is no place's full name of two or more characters."""
    place = _bare(place)
    if len(place) < 2:
        return ""
    return _PROVINCES.get(place) or _CITIES.get(place) or place[0]


def joint_names(places: list[str]) -> list[str]:
    """The compounds news may write for these places together, in order (北京, 天津, 河北
    -> 京津冀; 枣庄, 菏泽 -> 枣菏), most usual first; [] for fewer than two places."""
    shorts = [short_names(p) for p in places]
    if len(places) < 2 or not all(shorts):
        return []
    return ["".join(chars) for chars in product(*shorts)]


def is_place(word: str) -> bool:
    """Whether jieba's dictionary or the name's ending says `word` is a place (枣庄, 菏泽市)."""
    import jieba.posseg

    if word in _PROVINCES or word in _CITIES or word.endswith(_ENDINGS) and len(word) > 2:
        return True
    return bool(jieba.posseg.dt.word_tag_tab.get(word) == "ns")


def is_province(word: str) -> bool:
    """Whether `word` names a provincial-level division (湖南, 湖南省, 广西壮族自治区)."""
    return _bare(word) in _PROVINCES


def _bare(place: str) -> str:
    """A place's name without its administrative ending (湖北省 -> 湖北), if it has one."""
    for ending in _ENDINGS:
        if place.endswith(ending) and len(place) > len(ending) + 1:
            return place[: -len(ending)]
    return place
