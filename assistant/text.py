"""Text normalisation and tokenisation for matching Chinese government reports.

Everything here is for *matching* only: what is shown to a user always comes from the source text unchanged.
It covers full-width/half-width and traditional/simplified folding, jieba tokens with figures kept whole, and
abbreviation synonyms (高企 = 高新技术企业); English words are looked up in a dictionary (english.py).
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import unicodedata
from contextlib import contextmanager
from functools import lru_cache

import jieba
import zhconv

jieba.setLogLevel(logging.WARNING)

# Abbreviations and their full forms in Chinese government reports (统计口径 and policy names that every level of
# government writes both ways). The first term is the canonical key; any member found in a text adds the key as an
# extra token, on both sides of the match, so an abbreviation in the question finds the full term in the report and
# the other way round. Only equivalences that hold in any report belong here; nothing that names one report's things.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    # statistical indicators (national, provincial, city and zone reports)
    ("地区生产总值", "国内生产总值", "生产总值", "gdp", "经济总量", "经济增长", "经济增速"),
    ("居民消费价格", "消费价格", "物价", "cpi"),
    ("规模以上", "规上", "规模工业"),  # 规模工业 is how some reports (湖南) write 规模以上工业
    ("固定资产投资", "固投"),
    ("社会消费品零售总额", "社零"),
    ("一般公共预算收入", "公共预算收入", "财政收入"),
    ("实际利用外资", "实际使用外资", "利用外资", "外资", "外商投资", "外商直接投资", "fdi"),
    ("进出口", "外贸", "对外贸易"),
    ("营业收入", "营收"),
    ("研发经费", "研发投入", "研发支出", "研究与试验发展"),
    ("人均可支配收入", "可支配收入", "居民收入"),
    ("增长", "增速", "增幅", "同比增长", "上升", "涨幅"),
    ("下降", "减少", "降低", "下调"),
    # enterprise and innovation programmes (zone and city reports)
    ("高新技术企业", "高企", "高新企业"),
    ("专精特新", "小巨人"),
    ("孵化器", "孵化载体", "众创空间"),
    ("大众创业万众创新", "双创"),
    ("软件和信息技术服务业", "软件和信息服务业", "软件与信息服务业", "软件业", "软件产业"),
    ("首次公开募股", "ipo", "上市"),
    ("招商引资", "招商"),
    ("人工智能", "ai"),
    ("集成电路", "芯片", "半导体"),
    ("新能源汽车", "电动汽车"),
    ("知识产权", "专利"),
    # fiscal and social policy (national and provincial reports)
    ("地方政府专项债券", "专项债券", "专项债"),
    ("减税降费", "减税", "降费"),
    ("社会保险", "社保"),
    ("医疗保险", "医保"),
    ("棚户区改造", "棚户区住房改造", "棚改"),
    ("脱贫", "扶贫", "摘帽"),
    ("碳达峰", "碳中和", "双碳"),
    ("细颗粒物", "pm2.5"),
    ("自由贸易试验区", "自贸试验区", "自贸区"),
    ("新冠肺炎疫情", "疫情", "新冠", "新冠肺炎", "covid"),
    ("疫情防控", "防疫", "抗疫"),
    ("党的建设", "党建"),
    # the shortcomings every report lists after its review (存在一些问题：一是…)
    ("问题", "不足", "不足之处", "短板", "困难", "薄弱环节"),
)

# Words that only say what kind of answer is wanted, not what it is about. They carry no topic, so they neither help
# retrieval nor count as "a topic the report does not mention".
QUESTION_WORDS: frozenset[str] = frozenset(
    ["多少", "几", "几个", "几家", "几项", "几名", "几所", "哪些", "哪个", "哪家", "哪几", "哪几家", "哪几所", "什么", "怎么", "怎样", "如何", "是否", "有没有", "有无", "是", "的", "了", "吗", "呢", "吧", "啊", "呀", "哦", "有", "在", "和", "与", "及", "或", "把", "被", "给", "对", "从", "向", "为", "为了", "就", "都", "也", "还", "又", "再", "那", "那么", "这", "这个", "这方面", "这些", "那些", "其", "其中", "它", "他们", "请问", "请", "问", "一下", "就是", "也就是", "告诉", "我", "我们", "你", "你们", "想", "知道", "一共", "总共", "共", "分别", "各", "各有", "具体", "大概", "大约", "左右", "情况", "方面", "主要", "哪", "谁", "多大", "多高", "多长", "多久", "几等", "几等奖", "占", "了多少", "达到", "达", "到", "去", "拿", "帮", "给了", "做", "做了", "搞", "定", "定了", "打算", "要", "能", "会", "可以", "上", "中", "下", "里", "内", "个", "家", "年", "月", "是多少", "有多少", "为多少", "了吗", "呢?", "啥", "么", "该", "此", "之", "所", "得", "地", "着", "过", "以", "于", "而", "并", "等", "等等", "工作", "开展", "进行", "推动", "推进", "加强", "实现", "完成", "一些", "报告", "文件", "文档", "提到", "提及", "说", "讲", "写", "显示", "表明", "面积", "比例", "比重", "数量", "金额", "规模", "数目", "数据", "水平", "百分之", "百分比", "同比", "高新区", "称号", "荣誉", "头衔", "奖项", "名单", "现在", "目前", "当前", "期间", "时候", "时期", "一共", "总计", "合计", "其他", "别的", "相关", "有关", "方面的", "全年", "今年", "去年", "明年", "前年", "上年", "本年",
     # a year before another, said in words: 比前一年少了多少, 比上年
     "一年", "前一年", "上一年", "比前", "比上年", "较上年", "同期",
     # actual as against planned (那去年实际增长了多少): the year and the kind of part say it, not a topic word
     "实际", "到底", "究竟",
     # a part of the report, as the question points at it (治理效能那部分，主要说了啥; 民生这块): where, not what
     "部分", "板块", "章节", "这块", "那块",
     # a measure as a whole (GDP总量, 总量是多少) or a thing at all (打造了个啥全国首个的东西): what kind, not what about
     "总量", "东西",
     # the directional complements of a verb (盖起来, 列出来, 定下来): grammar, not a topic (not 过去, "the past")
     "起来", "出来", "下来", "上来", "回来", "进来", "出去", "下去", "上去", "回去"]
)

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
TOKENIZER_VERSION = 4  # bump when tokenisation changes in a way the synonym table below does not show
_FIGURE_TOKEN = re.compile(r"\d+(?:\.\d+)?%?")
_LATIN_WORD = re.compile(r"[a-z][a-z0-9&\-]*")
_PUNCT_OR_SPACE = re.compile(rf"^[^{_CJK}a-z0-9]+$")
_jieba_lock = threading.Lock()
_registered_terms: set[str] = set()


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """Fold width, script and case so that equal words compare equal (for matching only, never for display)."""
    text = unicodedata.normalize("NFKC", text)
    text = zhconv.convert(text, "zh-cn")
    # A subscript written as markup (PM_2.5, CO_2 in text taken from a web page) is the PM2.5 that NFKC makes of PM₂.₅.
    return _SUBSCRIPT_MARK.sub("", text.lower())


_SUBSCRIPT_MARK = re.compile(r"(?<=[a-z])_(?=\d)")


_TERM_FREQ = 20000
_replaced_freq: dict[str, int | None] = {}  # a registered term's frequency in jieba's own dictionary, if it had one


def add_terms(terms) -> None:
    """Teach the tokenizer domain terms (quoted names, headings, programmes) so they are cut whole."""
    with _jieba_lock:
        for term in terms:
            term = normalize(term).strip()
            if 2 <= len(term) <= 16 and term not in _registered_terms:
                _replaced_freq[term] = jieba.dt.FREQ.get(term)
                jieba.add_word(term, freq=_TERM_FREQ)
                _registered_terms.add(term)


def _forget_terms(terms) -> None:
    """Undo add_terms for these terms: jieba's dictionary, and its total (every added word raises the total, which
    weighs every cut: 制发 is one word or two depending on how many terms were added before)."""
    with _jieba_lock:
        for term in terms:
            if term not in _registered_terms or term in _BASE_TERMS:
                continue
            # (0, not deleted, for a word jieba did not have: a zero entry is a prefix of longer words, never a word)
            jieba.dt.FREQ[term] = _replaced_freq.pop(term, None) or 0
            jieba.dt.total -= _TERM_FREQ
            _registered_terms.discard(term)


def only_terms(terms) -> None:
    """Cut text as if only these domain terms had been added, whatever indexes this process loaded before: an index
    must come out the same whichever process builds it."""
    _forget_terms(sorted(_registered_terms - _BASE_TERMS))
    add_terms(terms)


@contextmanager
def kept_terms():
    """Give back, on leaving, exactly the domain terms this process had on entering (a loaded index's questions are
    cut with its terms; an index built inside adds its own when it is loaded)."""
    before = sorted(_registered_terms - _BASE_TERMS)
    try:
        yield
    finally:
        only_terms(before)


jieba.dt.check_initialized()
add_terms(term for group in SYNONYM_GROUPS for term in group if re.search(f"[{_CJK}]", term))
add_terms(word for word in QUESTION_WORDS if len(word) >= 3)
_BASE_TERMS = frozenset(_registered_terms)


def synonyms_of(word: str) -> list[str]:
    """Every member of the synonym groups that have a member inside the word (gdp → 地区生产总值, 国内生产总值 …)."""
    normalized = normalize(word)
    return [m for group in SYNONYM_GROUPS if any(member in normalized for member in group) for m in group]


def tokenizer_id() -> str:
    """Identifies how report text is cut into tokens; an index built with another tokenizer is stale."""
    digest = hashlib.sha256(repr((TOKENIZER_VERSION, SYNONYM_GROUPS, sorted(QUESTION_WORDS), jieba.__version__)).encode()).hexdigest()
    return f"jieba-{jieba.__version__}-v{TOKENIZER_VERSION}-{digest[:10]}"


@lru_cache(maxsize=16384)
def synonym_keys(normalized_text: str) -> tuple[str, ...]:
    """Canonical keys of every synonym group that has a member in the text (once per group). A Latin member (ai, gdp)
    counts only as a word of its own: "aiming" does not say AI."""
    found: set[int] = set()
    if _LATIN_CHAR.search(normalized_text):
        found.update(g for word in re.findall(r"[a-z0-9]+(?:\.\d+)?", normalized_text) for g in _SYN_LATIN.get(word, ()))
    # Each position of the text against the members that start with its character (not each member against the text).
    for i, char in enumerate(normalized_text):
        for member, group in _SYN_BY_FIRST.get(char, ()):
            if group not in found and normalized_text.startswith(member, i):
                found.add(group)
    return tuple("syn:" + SYNONYM_GROUPS[g][0] for g in sorted(found))


_LATIN_CHAR = re.compile(r"[a-z]")
_SYN_LATIN: dict[str, tuple[int, ...]] = {}
_SYN_BY_FIRST: dict[str, list[tuple[str, int]]] = {}
# The members of each synonym group by its key (syn:规模以上 → 规模以上, 规上, 规模工业), and the groups of each member.
SYNONYM_MEMBERS: dict[str, tuple[str, ...]] = {"syn:" + group[0]: group for group in SYNONYM_GROUPS}
SYNONYM_KEYS_OF: dict[str, tuple[str, ...]] = {}
for _g, _group in enumerate(SYNONYM_GROUPS):
    for _member in _group:
        SYNONYM_KEYS_OF[_member] = (*SYNONYM_KEYS_OF.get(_member, ()), "syn:" + _group[0])
        if _member.isascii():
            _SYN_LATIN[_member] = (*_SYN_LATIN.get(_member, ()), _g)
        else:
            _SYN_BY_FIRST.setdefault(_member[0], []).append((_member, _g))


def _cut(normalized_text: str, drop_question_words: bool = False) -> list[str]:
    tokens: list[str] = []
    position = 0
    # Figures (3453.8, 13.9%) are cut out first so that jieba never splits them.
    for match in _FIGURE_TOKEN.finditer(normalized_text):
        tokens.extend(_words(normalized_text[position : match.start()], drop_question_words))
        tokens.append(match.group())
        position = match.end()
    tokens.extend(_words(normalized_text[position:], drop_question_words))
    return tokens


def _words(segment: str, drop_question_words: bool) -> list[str]:
    """jieba's precise cut, each word followed by its dictionary sub-words (search mode), question words dropped
    whole so that their pieces (高新区 → 高新, 新区) do not come back."""
    words: list[str] = []
    for word in jieba.lcut(segment):
        if drop_question_words and word in QUESTION_WORDS:
            continue
        words.extend(jieba.lcut_for_search(word) if len(word) > 2 else [word])
    return words


def sub_words(word: str) -> list[str]:
    """Dictionary words inside a word (工业产值 → 工业, 产值)."""
    return jieba.lcut_for_search(word)


def tokenize(text: str, *, drop_question_words: bool = False) -> list[str]:
    """Tokens for BM25: jieba search-mode words, whole figures, and synonym keys. Punctuation is dropped."""
    normalized = normalize(text)
    tokens = [t for t in _cut(normalized, drop_question_words) if t.strip() and not _PUNCT_OR_SPACE.match(t)]
    return tokens + list(synonym_keys(normalized))


# Parts of speech (jieba) of words that name a topic: nouns, names, abbreviations, foreign words.
NOUNISH = frozenset(["n", "nr", "ns", "nt", "nz", "nrt", "nrfg", "eng", "b", "j", "l", "vn", "an", "i"])


_INTERROGATIVE = re.compile(r"多少|几|哪|什么|谁|啥|怎")
_LATIN_GLOSS = re.compile(r"(?<=[\u4e00-\u9fff])\s*[（(]\s*([A-Za-z][A-Za-z0-9.&\- ]*)\s*[)）]")
_ASKED_MEASURE = re.compile(r"多[大高长久远宽深重]")  # how big, how high…: 多 and the measure asked
FOLLOWUP_FRAME = re.compile(r"^(那么|那|还有|另外)|呢[?？]?$")


@lru_cache(maxsize=4096)
def topic_nouns(text: str, predicates: bool = True) -> tuple[str, ...]:
    """Dictionary nouns of a question (and Latin words): the words whose absence from a report means it cannot
    answer. Words jieba only guessed (not in its dictionary) are left out: they are often mis-cuts like 代线; so are
    words that hold a question word (百分之几, 多少钱, 哪几个), and a follow-up's frame (那…呢) is cut off first.
    Without `predicates`, a verbal noun that the question word follows (再培育多少家: jieba's vn) is the verb it is
    there, naming nothing."""
    import jieba.posseg as pseg

    nouns = []
    cleaned = FOLLOWUP_FRAME.sub("", normalize(text).strip())
    # A word jieba glued to the end of a question word (多|大规模 out of 多大规模, 多|长时间) is a mis-cut, not a noun.
    asked_spans = [m.span() for m in _ASKED_MEASURE.finditer(cleaned)]
    # A Latin name in brackets after the Chinese one (海关高级认证（AEO）企业) glosses it: the Chinese name is asked.
    glosses = [m.span(1) for m in _LATIN_GLOSS.finditer(cleaned)]
    at = 0
    for word, flag in pseg.lcut(cleaned):
        start, at = at, at + len(word)
        word = word.strip()
        if len(word) < 2 or word in QUESTION_WORDS or flag not in NOUNISH or _INTERROGATIVE.search(word):
            continue
        if flag == "eng" and any(a <= start < b for a, b in glosses):
            continue
        if not predicates and flag == "vn" and _INTERROGATIVE.match(cleaned[at:]):
            continue
        if any(a < start < b for a, b in asked_spans):
            continue
        if flag == "eng":
            # PM2.5: jieba cuts the decimal off a Latin name
            decimal = re.match(r"\.\d+", cleaned[at:])
            nouns.append(word + decimal.group() if decimal else word)
        elif jieba.dt.FREQ.get(word):
            nouns.append(word)
    return tuple(nouns)


# Input that is not a question about a report. Greetings and thanks get a hint of what to ask; text that reads as code
# (SQL, markup, a shell line) is refused before it reaches the search, whatever words it shares with a report.
GREETING = re.compile(r"^(?:你好|您好|你们好|大家好|嗨|哈喽|哈啰|在吗|在不在|早上好|上午好|中午好|下午好|晚上好|早安|晚安|谢谢|多谢|感谢|"
                      r"辛苦了|再见|拜拜|好的|嗯+|哦+|hi|hello|hey|hiya|thanks?(?: you)?|thank you|bye|goodbye|ok(?:ay)?)"
                      r"[\s,，!！。.~～?？啊呀呢哈]*(?:你好|您好|谢谢|thanks|there)?[\s,，!！。.~～?？]*$", re.IGNORECASE)
CODE_LIKE = re.compile(r"--\s*$|;\s*--|/\*|\*/|<\s*/?\s*(?:script|img|iframe|svg|a|div|body|html|style)\b|\$\{|\{\{|"
                       r"\b(?:select|insert|update|delete|drop|union|alter|create)\b[^\u4e00-\u9fff]{0,40}"
                       r"\b(?:from|table|into|set|select|where|database)\b|(?:^|\s)(?:rm|sudo|curl|wget)\s+-|"
                       r"\b(?:eval|exec|import|function|def|print|alert|console\.log)\s*\(", re.IGNORECASE)


# A clause that only asks how to be told (用大白话给我捋一捋, 简单说说, 帮我总结一下吧): it names nothing the report is
# asked about, so a question's words are read without it. Only a whole clause before or after the question goes.
_ASIDE = re.compile(r"(?:请|麻烦)?你?(?:简单|简要|通俗|详细|具体|大概|好好)?地?(?:给我|帮我|跟我|为我|替我|给大家)?"
                    r"(?:用(?:大白话|白话|通俗的?(?:话|语言)|简单的?(?:话|语言)|一句话|几句话|人话))?"
                    r"(?:给我|帮我|跟我|为我|替我|给大家)?(?:简单|简要|通俗|详细|具体|大概|好好)?地?"
                    r"(?:讲|说|捋|解释|总结|概括|列|介绍|梳理|盘点|科普|聊)(?:一?[讲说捋列聊]|一下|一遍|清楚|明白|下)?看?"
                    r"(?:吧|呗|呀|啊|哈|呢|好吗|行吗|可以吗|好不好)?")
_CLAUSE_END = re.compile(r"[，,。！!？?；;~～]+")


# ...or such a request run into the question it opens (简单说说今年政府要干的那几件大事): a telling verb said twice or
# with 一下 leaves no doubt that what follows is the question.
_ASIDE_OPENING = re.compile(r"^(?:请|麻烦)?你?(?:简单|简要|大概|具体|详细|好好)?地?(?:给我|帮我|跟我|给大家)?"
                            r"(?:说说|讲讲|聊聊|捋一捋|(?:介绍|总结|概括|梳理|盘点|解释)一下)看?[，,：:]?(?=[\u4e00-\u9fff\dA-Za-z])")


def without_asides(text: str) -> str:
    """The question without a leading or trailing clause that only asks how to be told (see _ASIDE)."""
    opening = _ASIDE_OPENING.match(text.strip())
    if opening and len(text.strip()) - opening.end() >= 4:
        text = text.strip()[opening.end():]
    pieces = [p for p in _CLAUSE_END.split(text) if p.strip()]
    if len(pieces) < 2:
        return text
    first, last = pieces[0].strip(), pieces[-1].strip()
    if _ASIDE.fullmatch(last):
        cut = text.rfind(pieces[-1])
        rest = text[:cut].rstrip().rstrip("，,；;~～ ")
        return rest if re.search(r"[\u4e00-\u9fff]", rest) else text
    if _ASIDE.fullmatch(first):
        rest = text[text.find(pieces[0]) + len(pieces[0]):].lstrip("，,。！!？?；;~～ ")
        return rest if re.search(r"[\u4e00-\u9fff]", rest) else text
    return text


def not_a_question(text: str) -> str:
    """"greeting", "code" or "word" (a lone English word) when the text is that rather than a question about a
    report, else ""."""
    stripped = text.strip()
    if GREETING.match(stripped):
        return "greeting"
    if CODE_LIKE.search(stripped):
        return "code"
    if re.fullmatch(r"[A-Za-z]+", stripped) and not stripped.isupper():
        return "word"  # one English word (test, growth) asks nothing; an acronym (GDP, CPI) is a topic of its own
    return ""


MAGNITUDE = re.compile(r"[十百千万亿]+")
CLASS_WORD = re.compile(f"{MAGNITUDE.pattern}级")  # 千亿级, 百亿级: a class of things by the size of their figure


def with_class_words(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """jieba's (word, flag) pairs with a magnitude and the 级 after it joined into the noun they make: 千亿级 (of
    千亿级产业) names a class of things, where 千亿 alone says how big a figure is."""
    joined: list[tuple[str, str]] = []
    for word, flag in pairs:
        if word == "级" and joined and MAGNITUDE.fullmatch(joined[-1][0]):
            joined[-1] = (joined[-1][0] + word, "n")
        else:
            joined.append((word, flag))
    return joined


def abbreviates(a: str, b: str) -> bool:
    """Is one of two words the other written short, its characters in order from the same first character (规上 of
    规模以上, 外资 of 外商投资, 高企 of 高新技术企业; not 问题 of 薄弱环节)?"""
    short, long_ = sorted((a, b), key=len)
    if len(short) == len(long_) or short[:1] != long_[:1]:
        return False
    rest = iter(long_)
    return all(c in rest for c in short)


def known_word(word: str) -> bool:
    """Is the word in jieba's dictionary, as a word or as the start of one (对台 of 对台湾), rather than a piece its
    HMM guessed (年全 of 2025年全社会)?"""
    return jieba.dt.FREQ.get(word) is not None


@lru_cache(maxsize=4096)
def tagged(text: str) -> tuple[tuple[str, str], ...]:
    """The dictionary words of a text with their jieba part-of-speech tags (HMM off: no guessed words)."""
    import jieba.posseg as pseg

    return tuple((w, flag) for w, flag in pseg.lcut(text, HMM=False))


@lru_cache(maxsize=4096)
def place_names(text: str) -> tuple[str, ...]:
    """The place names of a question (jieba's part-of-speech tag ns, two characters or more): 成都, 泸州, 长三角."""
    import jieba.posseg as pseg

    # Dictionary words only (HMM off): guessing unknown words is most of the cost of tagging, and a guessed word is
    # rarely a place.
    # A word followed by the aspect particle 了 is a verb, whatever else it names (新建了几个, 去港交所上市了: 新建 and 上市
    # are also places).
    cut = pseg.lcut(normalize(text), HMM=False)
    return tuple(dict.fromkeys(w for (w, flag), (after, _) in zip(cut, [*cut[1:], ("", "")])
                               if len(w) >= 2 and (flag == "ns" or _city_by_its_name(w)) and not after.startswith("了")))


# The first character of a word that says which or how many, not a name (各省, 外省, 全市, 本市, 非上市).
_DETERMINER_START = "各外全本我该此每非"


@lru_cache(maxsize=1 << 12)
def _city_by_its_name(word: str) -> bool:
    """A city jieba tags as a common noun when it stands alone (合肥 n, 宝鸡 n, 银川 n, 大连 d, 石家庄 nr): its dictionary
    knows the same name with 市 as a place (合肥市 ns)."""
    import jieba.posseg as pseg

    return (len(word) <= 3 and word[0] not in _DETERMINER_START and re.fullmatch(f"[{_CJK}]+", word) is not None
            and pseg.dt.word_tag_tab.get(word + "市") == "ns")


def is_english(text: str) -> bool:
    """True when a question is mostly written in Latin letters."""
    letters = sum(ch.isascii() and ch.isalpha() for ch in text)
    cjk = len(re.findall(f"[{_CJK}]", text))
    return letters > 3 * cjk and letters >= 4


def latin_words(normalized_text: str) -> list[str]:
    return _LATIN_WORD.findall(normalized_text)
