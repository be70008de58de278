"""Finding, decoding and loading article files, including the files that must be skipped."""

from __future__ import annotations

import hashlib
import logging
import random
from pathlib import Path

import pytest

from rag.errors import CorpusError
from rag.ingestion.cleaning import clean
from rag.ingestion.loading import (
    MAX_BYTES,
    SUPPORTED,
    SkipFile,
    decode,
    file_sha256,
    find_files,
    load_article,
    load_corpus,
)

CORPUS = Path(__file__).resolve().parents[2] / "corpus"

SIMPLIFIED = (
    "近年来，青岛不断加强统筹规划引导，加快重点领域攻坚，把数字化转型作为引领城市发展的战略性、"
    "全局性、系统性工程，新型智慧城市建设驶入快车道。智慧城市的基础底座日益牢固，5G基站已建成"
    "1.7万个，在全省率先完成双千兆城市指标。“城市云脑”和一体化综合指挥平台投入运行，形成了智慧"
    "城市建设的指挥中枢。智慧城市的应用场景更加丰富，在教育、医疗、就业、出行、停车、养老等领域"
    "形成了500多个创新应用场景，群众生活更加便捷、城市治理更加高效。"
)
TRADITIONAL = (
    "隨著科技的發展，以數字化建設、智能化運營為核心的智慧城市建設正從理念變為現實。伴隨智慧城市"
    "建設步伐的加快，涉及的領域、層面、維度愈發廣泛，管理者和建設者需要思考和面對的問題也更宏觀"
    "更深入。本屆高交會智慧城市展共設置五大亮點展區，綜合展示全球城市規劃和管理、通訊和信息技術、"
    "大數據和雲計算、物聯網、人工智能等領域的技術與產品。在現場可以看到最新的智慧城市頂層設計及"
    "解決方案，了解不同企業關於新型智慧城市的規劃、城市改造、城市運行監管等方案。"
)


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


# --- find_files ---------------------------------------------------------------------------


def test_find_files_recursive_sorted_supported_not_hidden(tmp_path: Path) -> None:
    for name in ["b.txt", "a.md", "sub/c.html", "sub/deeper/d.htm", "sub/E.TXT"]:
        write(tmp_path / name, "正文。")
    for name in ["notes.pdf", "image.png", ".hidden.txt", ".git/x.txt", "sub/.cache/y.md"]:
        write(tmp_path / name, "正文。")
    found = find_files([tmp_path])
    rel = [p.relative_to(tmp_path).as_posix() for p in found]
    assert rel == sorted(rel)
    assert set(rel) == {"a.md", "b.txt", "sub/c.html", "sub/deeper/d.htm", "sub/E.TXT"}
    assert SUPPORTED == (".txt", ".md", ".html", ".htm")


def test_find_files_takes_files_and_folders_without_duplicates(tmp_path: Path) -> None:
    one = write(tmp_path / "x" / "one.txt", "正文。")
    write(tmp_path / "x" / "two.txt", "正文。")
    assert find_files([one, tmp_path / "x", one]) == [one, tmp_path / "x" / "two.txt"]


def test_find_files_in_a_hidden_parent_folder(tmp_path: Path) -> None:
    # Only parts below the given folder count: a corpus may itself live in a dot-folder.
    write(tmp_path / ".cache" / "corpus" / "a.txt", "正文。")
    assert [p.name for p in find_files([tmp_path / ".cache" / "corpus"])] == ["a.txt"]


def test_find_files_missing_path(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no file or folder"):
        find_files([tmp_path / "nope"])


# --- decode and encodings -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (SIMPLIFIED, "gb18030"),
        (SIMPLIFIED, "gbk"),
        (TRADITIONAL, "big5"),
        (TRADITIONAL, "gb18030"),
        (SIMPLIFIED, "utf-16"),  # Python writes a BOM for "utf-16"
        (TRADITIONAL, "utf-16-be"),
        (SIMPLIFIED, "utf-8-sig"),
        (SIMPLIFIED, "utf-8"),
    ],
)
def test_encoded_files_are_decoded(tmp_path: Path, text: str, encoding: str) -> None:
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path = write(tmp_path / f"article_{encoding}.txt", data)
    article = load_article(path)
    assert article.text == text
    assert article.id == f"article_{encoding}"
    assert article.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("encoding", ["big5", "gb18030"])
def test_short_headline_is_decoded(encoding: str) -> None:
    # Among all code pages this Big5 line reads as Shift-JIS; Chinese encodings go first.
    title = "【聚焦2023數博會】貴州國際“朋友圈”掀起智慧城市“頭腦風暴”"
    assert decode(title.encode(encoding)) == title


def test_decode_keeps_bom_out_of_text() -> None:
    assert decode("\ufeff智慧城市".encode("utf-8")) == "智慧城市"
    assert decode("智慧城市".encode("utf-16-le").join([b"\xff\xfe", b""])) == "智慧城市"


def test_decode_rejects() -> None:
    with pytest.raises(SkipFile, match="empty"):
        decode(b"")
    with pytest.raises(SkipFile, match="whitespace"):
        decode(b" \n\t\r\n ")
    with pytest.raises(SkipFile, match="whitespace"):
        decode(" \u3000\n".encode("utf-16"))
    with pytest.raises(SkipFile, match="binary"):
        decode(b"PK\x03\x04\x00\x00\x08\x00" + bytes(range(256)))
    with pytest.raises(SkipFile, match="binary"):
        decode(bytes([1, 2, 3, 4, 5, 6, 14, 15, 16, 17]) * 50)  # valid UTF-8, not text
    with pytest.raises(SkipFile, match="undecodable"):
        rng = random.Random(7)
        decode(bytes(rng.randrange(128, 256) for _ in range(4000)))
    with pytest.raises(SkipFile, match=r"too large: 0\.0 MB \(11 bytes\).*limit.*\(10 bytes\)"):
        decode(b"hello world", max_bytes=10)


# --- load_corpus: good and bad files side by side -----------------------------------------


def test_load_corpus_skips_bad_files_and_loads_good_ones(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rng = random.Random(42)
    write(tmp_path / "good_gbk.txt", SIMPLIFIED.encode("gb18030"))
    write(tmp_path / "good_big5.txt", TRADITIONAL.encode("big5"))
    write(tmp_path / "good_utf16.txt", SIMPLIFIED.encode("utf-16"))
    write(tmp_path / "binary.txt", bytes(rng.randrange(256) for _ in range(4096)) + b"\x00")
    write(tmp_path / "empty.txt", b"")
    write(tmp_path / "blank.md", b"  \n\n\t  \n")
    write(tmp_path / "garbled.txt", bytes(rng.randrange(128, 256) for _ in range(4096)))
    write(tmp_path / "huge.txt", ("智慧城市建设。" * 1_000_000).encode("utf-8"))  # ~20 MB
    write(tmp_path / "furniture.txt", "首页 | 国内 | 国际 | 体育\n分享到:\nCopyright © 2021 某网\n")
    assert (tmp_path / "huge.txt").stat().st_size > 2 * MAX_BYTES - 1_000_000

    with caplog.at_level(logging.WARNING, logger="rag"):
        articles, skipped = load_corpus([tmp_path])

    texts = {a.id: a.text for a in articles}
    assert texts == {"good_big5": TRADITIONAL, "good_gbk": SIMPLIFIED, "good_utf16": SIMPLIFIED}
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert set(reasons) == {
        "binary.txt", "empty.txt", "blank.md", "garbled.txt", "huge.txt", "furniture.txt"
    }  # fmt: skip
    assert "binary" in reasons["binary.txt"] and "NUL" in reasons["binary.txt"]
    assert "empty" in reasons["empty.txt"] and "0 bytes" in reasons["empty.txt"]
    assert "whitespace" in reasons["blank.md"]
    assert "undecodable" in reasons["garbled.txt"]
    assert "too large" in reasons["huge.txt"]
    assert "20.0 MB" in reasons["huge.txt"] and "10.0 MB" in reasons["huge.txt"]
    assert "no article text" in reasons["furniture.txt"]
    for name, reason in reasons.items():
        assert any(name in r.getMessage() and reason in r.getMessage() for r in caplog.records)
    assert all(r.levelno == logging.WARNING and r.name == "rag" for r in caplog.records)


def test_load_article_checks_size_of_given_bytes(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    with pytest.raises(SkipFile, match="too large"):
        load_article(path, SIMPLIFIED.encode("utf-8"), max_bytes=100)


def test_load_corpus_max_bytes_option(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", SIMPLIFIED)
    articles, skipped = load_corpus([tmp_path], max_bytes=100)
    assert articles == [] and "too large" in skipped[0].reason


def test_duplicate_stems_keep_the_first(tmp_path: Path) -> None:
    first = write(tmp_path / "a" / "same.txt", SIMPLIFIED)
    second = write(tmp_path / "b" / "same.md", TRADITIONAL)
    articles, skipped = load_corpus([tmp_path])
    assert [(a.id, a.path, a.text) for a in articles] == [("same", str(first), SIMPLIFIED)]
    assert [s.path for s in skipped] == [str(second)]
    assert str(first) in skipped[0].reason and str(second) in skipped[0].reason
    assert "duplicate" in skipped[0].reason


def test_duplicate_stem_of_a_skipped_file_is_loaded(tmp_path: Path) -> None:
    write(tmp_path / "a" / "same.txt", b"")
    second = write(tmp_path / "b" / "same.txt", SIMPLIFIED)
    articles, skipped = load_corpus([tmp_path])
    assert [a.path for a in articles] == [str(second)]
    assert "empty" in skipped[0].reason


def test_flattened_pages_are_loaded_not_skipped(tmp_path: Path) -> None:
    # Scrapers that put a whole page on one line glue furniture to the body; such a line
    # must lose the furniture, not be dropped with it (which skipped the whole file).
    body = SIMPLIFIED
    pages = {
        "glued_title": f"2023-08-01\n原标题：青岛智慧城市建设稳居第一梯队{body}",
        "spaced_title": f"2023-08-01\n原标题：青岛智慧城市建设稳居第一梯队          {body}",
        "notice": f"2023-08-01\n{body}本文属于原创文章，未经授权不得转载。",
        "caption_first": f"图片来源：青岛日报|记者 张三{body}",
        "ad_first": f"广告 某某软件免费下载，一键安装！ ×{body}",
        "title_only": "2023-08-01\n原标题：青岛智慧城市建设稳居第一梯队",
    }
    for name, text in pages.items():
        write(tmp_path / f"{name}.txt", text)
    articles, skipped = load_corpus([tmp_path])
    assert [Path(s.path).stem for s in skipped] == ["title_only"]
    texts = {a.id: a.text for a in articles}
    assert all(body in text and "原标题" not in text for text in texts.values())
    assert texts["spaced_title"] == f"青岛智慧城市建设稳居第一梯队\n{body}"
    assert texts["notice"] == body
    assert texts["ad_first"] == body
    titles = {a.id: a.title for a in articles}
    assert titles["spaced_title"] == "青岛智慧城市建设稳居第一梯队"


# --- seeds --------------------------------------------------------------------------------


def test_seed_corpus_loads() -> None:
    articles, skipped = load_corpus([CORPUS])
    assert skipped == []
    assert [a.id for a in articles] == sorted(p.stem for p in CORPUS.glob("*.txt"))
    assert len(articles) == 5
    for article in articles:
        path = Path(article.path)
        assert article.sha256 == file_sha256(path)
        assert article.text == clean(path.read_text(encoding="utf-8"))
    dates = {a.id[:3]: a.date for a in articles}
    assert dates == {
        "000": "2023-05-27", "001": "", "002": "2020-10-13", "003": "", "004": "2021-11-20"
    }  # fmt: skip


def test_file_sha256(tmp_path: Path) -> None:
    path = write(tmp_path / "x.bin", b"abc")
    assert file_sha256(path) == hashlib.sha256(b"abc").hexdigest()


# --- Markdown and HTML --------------------------------------------------------------------


def test_markdown_markup_is_removed(tmp_path: Path) -> None:
    path = write(
        tmp_path / "m.md",
        f"# 智慧城市建设稳步推进\n\n![现场](img/1.jpg)\n\n{SIMPLIFIED}\n\n"
        "详见[报告全文](https://example.cn/r)中的**第二部分**。\n",
    )
    article = load_article(path)
    assert article.title == "智慧城市建设稳步推进"
    assert article.text.split("\n") == [
        "智慧城市建设稳步推进",
        SIMPLIFIED,
        "详见报告全文中的第二部分。",
    ]


PARAGRAPHS = [
    "今天上午，第一届中国新型智慧城市建设峰会在青岛国际会议中心开幕。峰会以“千城千面 品牌赋能"
    " 全域探索 智领未来”为主题，围绕新型智慧城市建设的最新趋势、创新成果和成功实践展开讨论。",
    "活动现场同步举行了创新应用大赛云颁奖仪式，国家信息中心通过云端发布了百佳案例，来自17个省、"
    "自治区、直辖市的138个优秀案例成功入选。2019年3月1日以来，我市累计入选案例数量位列全国第一。",
    "赛迪研究院在峰会上正式对外发布城市数字化转型竞争力榜单，北京、上海、深圳、广州、杭州位列前五，"
    "青岛紧随其后，排名第六。",
]
HTML = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>青岛智慧城市建设 - 示例新闻网</title>
<meta property="og:title" content="青岛新型智慧城市建设稳居“第一梯队”">
<meta property="article:published_time" content="2021-11-20T12:31:24+08:00">
<link rel="canonical" href="https://news.example.cn/qingdao/8963.html">
</head><body>
<nav><ul><li><a href="/">首页</a></li><li><a href="/gn">国内新闻频道</a></li>
<li><a href="/gj">国际新闻频道</a></li><li><a href="/ty">体育频道</a></li></ul></nav>
<article><h1>青岛新型智慧城市建设稳居“第一梯队”</h1>
{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}
</article>
<footer><p>关于我们 | 广告服务 | 网站地图 | 联系我们</p>
<p>Copyright © 2020 示例新闻网 版权所有 鲁ICP备12345678号</p></footer>
</body></html>
"""


def test_html_page(tmp_path: Path) -> None:
    article = load_article(write(tmp_path / "page.html", HTML))
    assert article.title == "青岛新型智慧城市建设稳居“第一梯队”"
    assert article.date == "2021-11-20"
    assert article.url == "https://news.example.cn/qingdao/8963.html"
    lines = article.text.split("\n")
    assert lines[0] == article.title
    for paragraph in PARAGRAPHS:
        assert paragraph in lines
    for furniture in [
        "首页",
        "国内新闻频道",
        "体育频道",
        "关于我们",
        "广告服务",
        "Copyright",
        "ICP",
    ]:
        assert furniture not in article.text


def test_html_date_is_not_guessed(tmp_path: Path) -> None:
    # No date meta tag and no date in the URL: the copyright year and body dates don't count.
    html = HTML.replace(
        '<meta property="article:published_time" content="2021-11-20T12:31:24+08:00">', ""
    )
    article = load_article(write(tmp_path / "nodate.htm", html))
    assert article.date == ""
    assert article.title == "青岛新型智慧城市建设稳居“第一梯队”"


def test_html_in_gbk(tmp_path: Path) -> None:
    html = HTML.replace('charset="utf-8"', 'charset="gbk"')
    article = load_article(write(tmp_path / "gbk.html", html.encode("gb18030")))
    assert PARAGRAPHS[0] in article.text


def test_html_without_body_is_skipped(tmp_path: Path) -> None:
    html = "<html><head><title>只有标题</title></head><body><nav>首页 | 国内 | 国际</nav></body></html>"
    with pytest.raises(SkipFile, match="no article text"):
        load_article(write(tmp_path / "empty.html", html))
