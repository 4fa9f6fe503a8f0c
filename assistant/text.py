"""Text normalisation and tokenisation for matching Chinese government reports.

Everything here is for *matching* only: what is shown to a user always comes from the source text unchanged.
It covers full-width/half-width and traditional/simplified folding, jieba tokens with figures kept whole,
abbreviation synonyms (高企 = 高新技术企业) and an English→Chinese glossary of report vocabulary.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import unicodedata
from functools import lru_cache

import jieba
import zhconv

jieba.setLogLevel(logging.WARNING)

# Groups of terms that mean the same thing in these reports. The first term is the canonical key; any member found in
# a text adds the key as an extra token, on both sides of the match, so an abbreviation in the question finds the full
# term in the report and the other way round.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("高新技术企业", "高企", "高新企业"),
    ("规模以上", "规上"),
    ("实际利用外资", "利用外资", "外资", "外商投资", "外商直接投资", "fdi"),
    ("固定资产投资", "固投", "固定资产"),
    ("营业收入", "营收"),
    ("软件和信息服务业", "软件与信息服务业", "软件和信息技术服务业", "软件业", "软件产业"),
    ("地区生产总值", "gdp", "国内生产总值", "生产总值"),
    ("一般公共预算收入", "财政收入", "公共预算收入"),
    ("新冠肺炎疫情", "疫情", "新冠", "新冠肺炎", "covid"),
    ("招商引资", "招商"),
    ("首次公开募股", "ipo", "上市"),
    ("大众创业万众创新", "双创"),
    ("研发", "研究开发", "研发机构"),
    ("增长", "增速", "增幅", "同比增长", "上升"),
    ("下降", "减少", "降低"),
    ("孵化器", "孵化载体", "众创空间"),
    ("专精特新", "小巨人"),
    ("进出口", "外贸", "对外贸易"),
    ("人工智能", "ai"),
    ("集成电路", "芯片", "半导体"),
    ("新能源汽车", "电动汽车"),
    ("知识产权", "专利"),
    ("就业", "岗位"),
    ("疫情防控", "防疫", "抗疫"),
    ("安全生产", "生产安全"),
    ("金砖", "金砖国家", "brics"),
    ("党建", "党的建设", "党史学习", "从严治党", "党组织", "党员", "政治建设", "政治方向", "廉政"),
    ("干部队伍", "干部", "用人导向", "选人用人", "队伍建设"),
    ("人才", "人才引进", "引才", "高层次人才"),
    ("营商环境", "企业服务", "政务服务"),
)

# English vocabulary of these reports, mapped to the Chinese words the report uses. Only used to build the lexical
# (BM25) side of an English question; the multilingual embedding handles the rest.
ENGLISH_GLOSSARY: dict[str, str] = {
    "fixed-asset investment": "固定资产投资",
    "fixed asset investment": "固定资产投资",
    "fixed assets": "固定资产投资",
    "investment": "投资",
    "industrial output": "工业总产值",
    "gross industrial output": "工业总产值",
    "output value": "产值",
    "output": "产值",
    "value added": "增加值",
    "value-added": "增加值",
    "above designated size": "规上",
    "designated size": "规上",
    "high-tech industries": "高技术产业",
    "high-tech industry": "高技术产业",
    "high-tech enterprises": "高新技术企业",
    "high-tech enterprise": "高新技术企业",
    "high-tech": "高技术",
    "hi-tech": "高技术",
    "share": "占比",
    "proportion": "占比",
    "percentage": "占比",
    "accounted for": "占比",
    "growth": "增长",
    "grew": "增长",
    "increase": "增长",
    "increased": "增长",
    "growth rate": "增长",
    "year on year": "同比",
    "year-on-year": "同比",
    "target": "目标",
    "goal": "目标",
    "plan": "计划",
    "revenue": "营收",
    "income": "收入",
    "budget": "预算",
    "public budget": "一般公共预算收入",
    "fiscal revenue": "一般公共预算收入",
    "software": "软件",
    "information services": "信息服务业",
    "foreign investment": "实际利用外资",
    "foreign capital": "实际利用外资",
    "utilized foreign": "实际利用外资",
    "fdi": "实际利用外资",
    "enterprises": "企业",
    "enterprise": "企业",
    "companies": "企业",
    "company": "企业",
    "firms": "企业",
    "new enterprises": "新增企业 净增企业",
    "added": "新增",
    "new": "新增",
    "landed": "落地",
    "introduced": "引进",
    "attracted": "引进",
    "investment projects": "招商项目",
    "signed": "签订",
    "financing": "融资",
    "financial": "金融",
    "finance": "金融",
    "loans": "放款",
    "platform": "平台",
    "platforms": "平台",
    "service": "服务",
    "services": "服务",
    "agreements": "协议",
    "digital economy": "数字经济",
    "profit": "利润",
    "profits": "利润",
    "torch university": "火炬大学堂",
    "torch innovation voucher": "火炬创新券",
    "innovation voucher": "创新券",
    "strategic partners": "战略伙伴",
    "strategic partnership": "战略伙伴",
    "partners": "合作伙伴",
    "partner": "合作伙伴",
    "flagship": "旗舰",
    "training": "培训",
    "training programs": "培训项目",
    "faculty": "师资库",
    "teachers": "师资库",
    "covid-19": "疫情",
    "covid": "疫情",
    "pandemic": "疫情",
    "epidemic": "疫情",
    "confirmed cases": "确诊病例",
    "confirmed": "确诊",
    "cases": "病例",
    "close contacts": "密接者",
    "resume production": "复工复产",
    "resumption": "复工复产",
    "work resumption": "复工复产",
    "passes": "通行证",
    "safety": "安全",
    "production safety": "安全生产",
    "accidents": "事故",
    "incubators": "孵化器",
    "incubator": "孵化器",
    "maker spaces": "众创空间",
    "makerspaces": "众创空间",
    "research institutions": "研发机构",
    "r&d": "研发",
    "research and development": "研发",
    "technology centers": "技术中心",
    "patent": "专利",
    "patents": "专利",
    "intellectual property": "知识产权",
    "talent": "人才",
    "talents": "人才",
    "universities": "大学",
    "university": "大学",
    "investment attraction": "招商",
    "investment promotion": "招商",
    "projects": "项目",
    "project": "项目",
    "total investment": "总投资",
    "funds": "基金",
    "fund": "基金",
    "land": "用地",
    "acres": "亩",
    "mu": "亩",
    "square meters": "平方米",
    "plant": "厂房",
    "factory": "厂房",
    "workshop": "厂房",
    "key projects": "重点项目",
    "provincial": "省",
    "municipal": "市",
    "national": "国家级",
    "flat panel display": "平板显示",
    "flat-panel display": "平板显示",
    "display": "显示",
    "computer": "计算机",
    "communication equipment": "通讯设备",
    "semiconductor": "半导体",
    "integrated circuits": "集成电路",
    "integrated circuit": "集成电路",
    "new energy": "新能源",
    "artificial intelligence": "人工智能",
    "biomedicine": "生物医药",
    "supply chain": "供应链",
    "industrial chain": "产业链",
    "industry chain": "产业链",
    "intelligent manufacturing": "智能制造",
    "smart manufacturing": "智能制造",
    "smart park": "智慧园区",
    "green": "绿色",
    "low-carbon": "低碳",
    "brics": "金砖",
    "taiwan": "台湾",
    "russia": "俄罗斯",
    "brazil": "巴西",
    "listed": "上市",
    "ipo": "上市",
    "unicorn": "独角兽",
    "gazelle": "瞪羚",
    "little giant": "小巨人",
    "little giants": "小巨人",
    "specialized": "专精特新",
    "party building": "党建",
    "cadres": "干部",
    "officials": "干部",
    "business environment": "营商环境",
    "software park": "软件园",
    "headquarters": "总部",
    "award": "奖",
    "prize": "奖",
    "science and technology progress": "科学技术进步奖",
    "gdp": "地区生产总值",
    "population": "人口",
    "employment": "就业",
    "jobs": "就业",
    "exports": "出口",
    "export": "出口",
    "imports": "进口",
    "tax": "税收",
    "taxes": "税收",
    "demonstration": "示范",
    "zone": "高新区",
    "park": "园区",
    "2021": "2021年",
    "2022": "2022年",
    "2020": "2020年",
    "last year": "去年",
    "this year": "今年",
}

_GLOSSARY_WORDS = frozenset(w for phrase in ENGLISH_GLOSSARY for w in phrase.split())

# Words that only say what kind of answer is wanted, not what it is about. They carry no topic, so they neither help
# retrieval nor count as "a topic the report does not mention".
QUESTION_WORDS: frozenset[str] = frozenset(
    ["多少", "几", "几个", "几家", "几项", "几名", "几所", "哪些", "哪个", "哪家", "哪几", "哪几家", "哪几所", "什么", "怎么", "怎样", "如何", "是否", "有没有", "有无", "是", "的", "了", "吗", "呢", "吧", "啊", "呀", "哦", "有", "在", "和", "与", "及", "或", "把", "被", "给", "对", "从", "向", "为", "为了", "就", "都", "也", "还", "又", "再", "那", "那么", "这", "这个", "这方面", "这些", "那些", "其", "其中", "它", "他们", "请问", "请", "问", "一下", "告诉", "我", "我们", "你", "你们", "想", "知道", "一共", "总共", "共", "分别", "各", "各有", "具体", "大概", "大约", "左右", "情况", "方面", "主要", "哪", "谁", "多大", "多高", "多长", "多久", "几等", "几等奖", "占", "了多少", "达到", "达", "到", "去", "拿", "帮", "给了", "做", "做了", "搞", "定", "定了", "打算", "要", "能", "会", "可以", "上", "中", "下", "里", "内", "个", "家", "年", "月", "是多少", "有多少", "为多少", "了吗", "呢?", "啥", "么", "该", "此", "之", "所", "得", "地", "着", "过", "以", "于", "而", "并", "等", "等等", "工作", "开展", "进行", "推动", "推进", "加强", "实现", "完成", "一些", "报告", "文件", "文档", "提到", "提及", "说", "讲", "写", "显示", "表明", "面积", "比例", "比重", "数量", "金额", "规模", "数目", "数据", "水平", "百分之", "百分比", "同比", "高新区", "称号", "荣誉", "头衔", "奖项", "名单", "现在", "目前", "当前", "期间", "时候", "时期", "一共", "总计", "合计", "其他", "别的", "相关", "有关", "方面的", "全年", "今年", "去年", "明年", "前年", "上年", "本年"]
)

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff"
TOKENIZER_VERSION = 2  # bump when tokenisation changes in a way the synonym table below does not show
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
    return text.lower()


def add_terms(terms) -> None:
    """Teach the tokenizer domain terms (quoted names, headings, programmes) so they are cut whole."""
    with _jieba_lock:
        for term in terms:
            term = normalize(term).strip()
            if 2 <= len(term) <= 16 and term not in _registered_terms:
                jieba.add_word(term, freq=20000)
                _registered_terms.add(term)


add_terms(term for group in SYNONYM_GROUPS for term in group if re.search(f"[{_CJK}]", term))
add_terms(word for word in QUESTION_WORDS if len(word) >= 3)


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
    """Canonical keys of every synonym group that has a member in the text (once per group)."""
    return tuple("syn:" + group[0] for group in SYNONYM_GROUPS if any(member in normalized_text for member in group))


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
_NOUNISH = frozenset(["n", "nr", "ns", "nt", "nz", "nrt", "nrfg", "eng", "b", "j", "l", "vn", "an", "i"])


@lru_cache(maxsize=4096)
def topic_nouns(text: str) -> tuple[str, ...]:
    """Dictionary nouns of a question (and Latin words): the words whose absence from a report means it cannot
    answer. Words jieba only guessed (not in its dictionary) are left out: they are often mis-cuts like 代线."""
    import jieba.posseg as pseg

    nouns = []
    for word, flag in pseg.lcut(normalize(text)):
        word = word.strip()
        if len(word) < 2 or word in QUESTION_WORDS or flag not in _NOUNISH:
            continue
        if flag == "eng" or jieba.dt.FREQ.get(word):
            nouns.append(word)
    return tuple(nouns)


def is_english(text: str) -> bool:
    """True when a question is mostly written in Latin letters."""
    letters = sum(ch.isascii() and ch.isalpha() for ch in text)
    cjk = len(re.findall(f"[{_CJK}]", text))
    return letters > 3 * cjk and letters >= 4


def glossary_terms(text: str) -> list[str]:
    """Chinese report terms for the English phrases found in a question, longest phrases first."""
    words = re.sub(r"[^a-z0-9&\-]+", " ", normalize(text)).split()
    # Plurals find their singular entry (targets → target) when only the singular is listed.
    words = [w[:-1] if w.endswith("s") and len(w) > 3 and w not in ENGLISH_GLOSSARY and w[:-1] in _GLOSSARY_WORDS
             else w for w in words]
    lowered = " " + " ".join(words) + " "
    found: list[str] = []
    for phrase in sorted(ENGLISH_GLOSSARY, key=len, reverse=True):
        needle = f" {phrase} "
        if needle in lowered:
            found.append(ENGLISH_GLOSSARY[phrase])
            lowered = lowered.replace(needle, " | ")
    # Chinese words written inside an English question (e.g. "Torch University (火炬大学堂)") count as they are.
    found.extend(re.findall(f"[{_CJK}]+", text))
    return found


def latin_words(normalized_text: str) -> list[str]:
    return _LATIN_WORD.findall(normalized_text)
