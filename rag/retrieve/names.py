"""Romanised Chinese names in English questions -> the words the articles use.

"Lu Zhipeng" is in no dictionary, and the small multilingual model does not know him
either; but the articles write 陆志鹏, whose pinyin is lu zhi peng. So every word of 2-4
Chinese characters in the corpus vocabulary is keyed by its toneless pinyin (pypinyin's
reading of the word when its phrase table has it, else each character's first reading).
`rag.retrieve.translate` looks a question's capitalised words up here, a run whole first
("Lu Zhipeng" -> luzhipeng, else zhipenglu, Western order), then each word of four letters
or more (zhipeng). Words of one character are not keyed, so a single English word that
happens to be pinyin ("Long") does not pull in 龙.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

_HAN = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]{2,4}$")
# The hundred commonest Chinese surnames: a person's name starts with one. ("Li Feng" is
# 李丰, not the 立峰 of 何立峰; jieba's guesses at names include 申请人 and 连斯基.)
_SURNAME_ORDER = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏"
    "吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱"
    "严覃武戴莫孔向汤"
)
SURNAMES = frozenset(_SURNAME_ORDER)


# Surnames read otherwise than the character's commonest reading (单 is dan, but 单志广
# is Shan Zhiguang). A word of two or three characters starting with one, and not a
# dictionary word of another kind (单位), is also keyed by that reading.
SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "区": "ou", "查": "zha", "朴": "piao",
    "盖": "ge", "乐": "yue", "尉": "yu", "翟": "zhai", "覃": "qin", "缪": "miao", "繁": "po",
    "种": "chong", "秘": "bi", "召": "shao", "薄": "bo", "员": "yun", "相": "xiang",
}  # fmt: skip


def _bare(toned: str) -> str:
    """ "lǜ" -> "lv": tone marks dropped, ü written v."""
    return "".join(c for c in unicodedata.normalize("NFD", toned.replace("ü", "v")) if c.isascii())


@lru_cache(maxsize=65536)
def _reading(ch: str) -> str:
    """The first (commonest) toneless reading of a character, "" when it has none."""
    from pypinyin.pinyin_dict import pinyin_dict

    return _bare(pinyin_dict.get(ord(ch), "").split(",")[0])


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    """Every toneless pinyin syllable ("zhang", "lv")."""
    from pypinyin.pinyin_dict import pinyin_dict

    return frozenset(_bare(r) for readings in pinyin_dict.values() for r in readings.split(","))


def _split_syllables(word: str, most: int) -> bool:
    """Whether `word` is one to `most` pinyin syllables ("hongchan": hong chan)."""
    if not word:
        return True
    if most == 0:
        return False
    return any(
        word[:n] in _syllables() and _split_syllables(word[n:], most - 1)
        for n in range(min(6, len(word)), 0, -1)
    )


def is_pinyin_name(words: list[str]) -> bool:
    """Whether capitalised words spell a Chinese name in pinyin, surname first: a surname of
    one syllable and a given name of one or two ("Quan Hongchan", "Lin Dan"; not "Mathieu
    Lehanneur", "Maruti Suzuki")."""
    if len(words) != 2 or not all(w[:1].isupper() and w[1:].islower() for w in words):
        return False
    surname, given = (w.lower().replace("'", "") for w in words)
    return _split_syllables(surname, 1) and _split_syllables(given, 2)


# Readings of fewer syllables are too common to tell a name by: "xinde" is 信德, 心得 and 新的.
_ALIKE_SYLLABLES = 3


@lru_cache(maxsize=64)
def _readings(text: str) -> tuple[str, ...]:
    """Each character's first toneless reading, "" for a character without one."""
    return tuple(_reading(ch) if "\u3400" <= ch <= "\u9fff" else "" for ch in text)


def written_alike(text: str, name: str) -> bool:
    """Whether `text` writes `name` in characters of the same reading: a rendering of three
    characters or more (得克萨斯 for 德克萨斯: a foreign name's transliteration varies by
    character, not by sound) or a romanised name of three to four syllables (宝岛一村 for
    "baodao yicun")."""
    if _HAN.match(name):
        syllables = [_reading(ch) for ch in name]
        if len(name) < _ALIKE_SYLLABLES or not all(syllables):
            return False
        key, sizes = "".join(syllables), [len(name)]
    else:
        key = re.sub(r"[^a-z]", "", name.lower())
        if _split_syllables(key, _ALIKE_SYLLABLES - 1) or not _split_syllables(key, 4):
            return False
        sizes = list(range(_ALIKE_SYLLABLES, 5))
    readings = _readings(text)
    for size in sizes:
        for i in range(len(readings) - size + 1):
            if not readings[i] or not key.startswith(readings[i]):
                continue
            window = readings[i : i + size]
            if all(window) and "".join(window) == key:
                return True
    return False


@lru_cache(maxsize=1024)
def surname_characters(syllable: str) -> tuple[str, ...]:
    """The common surnames read as a toneless syllable ("wang" -> 王, 汪), commonest first."""
    key = syllable.lower()
    return tuple(
        ch for ch in _SURNAME_ORDER if _reading(ch) == key or SURNAME_READINGS.get(ch) == key
    ) + tuple(ch for ch, r in SURNAME_READINGS.items() if r == key and ch not in SURNAMES)


class NameIndex:
    """Toneless pinyin -> corpus words with that reading."""

    def __init__(self, words: Iterable[str]):
        from pypinyin.phrases_dict import phrases_dict

        self._by_key: dict[str, list[str]] = {}
        for word in words:
            if not _HAN.match(word):
                continue
            phrase = phrases_dict.get(word)
            syllables = [_bare(p[0]) for p in phrase] if phrase else [_reading(c) for c in word]
            if len(syllables) != len(word) or not all(syllables):
                continue  # a character without a reading
            self._by_key.setdefault("".join(syllables), []).append(word)
            surname = SURNAME_READINGS.get(word[0])
            if surname and len(word) <= 3 and surname != syllables[0] and _maybe_name(word):
                self._by_key.setdefault(surname + "".join(syllables[1:]), []).append(word)

    def __len__(self) -> int:
        return len(self._by_key)

    def words(self, key: str) -> list[str]:
        """Corpus words read as `key` ("qingdao" -> ["青岛"])."""
        return self._by_key.get(key.lower().replace("ü", "v").replace("u:", "v"), [])


def _maybe_name(word: str) -> bool:
    """Not a word jieba's dictionary lists as something other than a person (单位, 曾经)."""
    import jieba.posseg

    return jieba.posseg.dt.word_tag_tab.get(word, "nr") == "nr"


def common_word(word: str) -> bool:
    """Whether jieba's dictionary lists the word as something other than a name (道路, 大学;
    not 沅江, a place, nor 阿穆尔州, which it does not list)."""
    import jieba.posseg

    tag = jieba.posseg.dt.word_tag_tab.get(word)
    return tag is not None and tag not in ("nr", "nrt", "ns", "nt", "nz")


# What a place's name of two characters ends in when jieba's dictionary does not list it.
_PLACE_ENDS = "省市区县镇乡村州岛山江河湖港湾城"


def misread_name(word: str, flag: str) -> bool:
    """Whether jieba's "person" tag on a word of four or more characters comes from its
    dictionary, which tags thousands of idioms so (殷切期望, 顾全大局, 光宗耀祖): a name
    that long is a foreign one (泽连斯基), which the dictionary does not list. Or whether
    its "place" tag is a guess at two characters its dictionary does not list, not shaped
    like a place ("夜查共查获": 查共)."""
    import jieba.posseg

    if flag == "ns" and len(word) == 2:
        return word not in jieba.posseg.dt.word_tag_tab and word[-1] not in _PLACE_ENDS
    if flag != "nr" or len(word) < 4:
        return False
    return jieba.posseg.dt.word_tag_tab.get(word) == "nr"


# Administrative suffixes a place's name may go without in the articles.
PLACE_SUFFIXES = "省市区县"


def with_stem(name: str) -> tuple[str, ...]:
    """A name and, for a place with its administrative suffix, the name without it: articles
    write "山东龙口" for 龙口市."""
    if len(name) > 2 and name[-1] in PLACE_SUFFIXES:
        return (name, name[:-1])
    return (name,)
