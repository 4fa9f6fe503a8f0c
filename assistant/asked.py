"""What kind of answer a question asks for, read off its wording, and whether a quote holds an answer of that kind.

Extractive QA before language models typed questions by their answer (a figure of some unit, a date, a person, a
list); the chosen sentence must hold an answer of that type, or the reply is not an answer. The cues are Chinese and
English question words and unit words: they are about how people ask, not about any report.
Not for choosing sentences (answer.py) or for finding figures (figures.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from .document import cn_number
from .figures import Figure, find_figures
from .text import is_english, normalize, place_names, synonym_keys

# Families of units that answer the same question: a question asking 多少人 is answered by 200名, one asking 面积 by
# 65万平方米 or 1000亩. The key is what the question names; the values are figure units (the end of a figure's text).
UNIT_FAMILIES: dict[str, tuple[str, ...]] = {
    "家": ("家", "户", "家次"),
    "人": ("人", "名", "位", "人次"),
    "名": ("名", "人", "位"),
    "个": ("个", "项", "家", "所", "座", "条", "批", "名", "人", "位"),  # 多少个娃娃 counts people too
    "项": ("项", "个", "件"),
    "所": ("所", "个"),
    "次": ("次",),
    "亩": ("亩", "平方米", "平方公里", "公顷"),
    "面积": ("平方米", "平方公里", "亩", "公顷"),
    "天": ("天", "日"),
    "年": ("年",),
    "倍": ("倍",),
    "吨": ("吨",),
    "千瓦": ("千瓦", "瓦"),
    # trains run: counted by the train (列) or the trip (趟, 班, 班次), any of them for any other
    **dict.fromkeys(("列", "趟", "班", "班次"), ("列", "趟", "班", "班次")),
}
# Measure words that count things; 斤 or 辆 asked for and absent from a sentence means the sentence does not answer.
_COUNT_UNITS = ("家次|家|个|项|名|人次|人|位|例|所|笔|亩|次|天|平方米|平方公里|公顷|万吨|吨|公斤|千克|斤|千瓦|条|座|件|批|倍|"
                "辆|台|套|张|部|篇|场|届|架|艘|剂|针|户|栋|间|张床|床|公里|千米|立方米|户|列|趟|班次|班")
# 几个点 and 几个百分点 ask for percentage points, not a count of 个.
ASKED_UNIT = re.compile(rf"(?:多少|(?<![哪第这那近前去])几)(?:万亿|万|亿|千|百)?({_COUNT_UNITS}|元|年)(?!(?:百分)?点)")
_UNIT_WORDS = frozenset(_COUNT_UNITS.split("|")) | {"元", "年"}
# A question about several years as a whole (这几年, 十五五那几年, 过去五年, 五年来, 年均; not PM2.5年均浓度, a year's mean): a
# frame, not a duration it asks for;
# retrieval prefers a report's multi-year review for it.
SPAN_CUES = re.compile(r"(?:过去|近|这|那|最近|前)(?:几|五|十|两|三|些)年|近年|(?:几|五|十|两|三)年(?:来|间|下来|里)|这些年|年均(?!浓度)|"
                       r"年平均|历年|(?:past|last) (?:few|five|ten|several) years|annual average|average annual|"
                       r"on average each year", re.IGNORECASE)
AREA_CUES = re.compile(r"面积|多大的?(地|厂房|园区|空间|场地)|占地|平方公里|平方米|how (big|large)\b(?!.*\b(?:economy|gdp)\b)|\barea\b|square")
FOREIGN_CURRENCY = re.compile(r"美元|欧元|港元|英镑|日元")
MONEY_UNIT = re.compile(r"(?:多少|(?<!哪)几)(?:万亿|万|亿|千|百)?(?:元|钱|块)|多少万亿|多少亿|多少万元|多少钱|how much money|\byuan\b|billion|million")
PERCENT_CUES = re.compile(
    r"百分之|百分比|比例|比重|占比|占.{0,8}(?:多少|几成)|增长了?多少|增加了?多少(?![家个项名人])|下降了?多少|提高了?多少|"
    r"降低了?多少|增速|增幅|涨了?多少|涨幅|降幅|几个百分点|多少个百分点|几个点|多少个点|率.{0,4}?(?:是|为|有|达到|控制在)?(?:多少|几|什么水平)|"
    r"what share|percentage|proportion|\bratio\b|\brate\b|growth|grow|increase|decrease|\brise\b|\bfall\b|by how much"
)
AMOUNT_CUES = re.compile(
    r"(?:总投资|投资额|投资规模|金额|资金|经费|产值|营收|收入|利润|税收|预算|投入|规模|总额|总量)(?:是|有|为|达到|达|一共|共|总共|合计|大概|约|大约|具体|到底|究竟){0,3}"
    r"(?:多少|几)|多少(?:资金|经费|投资)|how much (?:money|investment|revenue|output|funding|spending|capital)|"
    r"\bwhat (?:was|is|were|are) (?:the )?(?:[\w'’]+[ -]){0,6}(?:output|revenue|investment|income|budget|spending|value|capital|gdp|economy)\b|"
    r"\bhow (?:big|large)\b.*\b(?:economy|gdp)\b|\btotal (?:gdp|output|revenue|investment)\b"
)
# A question that ends on 数量 / 人数 (运动员数量, 死亡人数) asks a figure as 多少 does.
ANY_FIGURE_CUES = re.compile(r"(?:数量|人数|数目|总数)[?？]?$|多少|(?<![哪第这那])几(?![乎等级])|多大|多高|多长|多久|什么水平|多高的?水平|什么程度|"
                             r"how many|how much|what (?:was|is|were) the (?:total|number|amount)|what level|"
                             r"\bwhat (?:was|is|were|are) (?:the )?(?:[\w'’]+[ -]){0,6}(?:target|ratio|size|number|amount)\b")
# 这几年 / 那几年 point at years (这/那 + 几 is a demonstrative, as in 那几件大事): no duration, no number is asked.
DURATION_CUES = re.compile(r"多久|多长时间|(?<![这那近前过])几年|多少年|几个月|多少天|how long")
# ...and a question that ends on 时间 (宣誓仪式的时间, 上映时间？) or asks 什么时间 / 几号; not 多长时间 (a duration).
DATE_CUES = re.compile(r"什么时候|何时|哪年|哪一年|哪天|哪一天|几月|几号|日期|什么时间|(?<![长少])时间(?:是|为)?[?？]?$|"
                       r"\bwhen\b|what date|which year")
# A person's name is asked for by 哪位/姓名, or by 谁 about a post (主任是谁); "费用是谁出的" asks for a payer, which
# may be 国家 or 企业, not a name.
_POSTS = "主任|书记|局长|厅长|部长|市长|省长|区长|县长|镇长|总理|主席|委员|负责人|领导|院长|校长|董事长|总经理|经理|代表|作者|发言人|署名人"
REASON_CUES = re.compile(r"为啥|为什么|为何|什么原因|原因是|出于什么|怎么考虑|\bwhy\b", re.IGNORECASE)
# A sentence that gives a reason: 主要考虑…, 有利于…, 因为…, 为了…
REASON_WORDS = re.compile(r"考虑|有利于|因为|由于|为了|旨在|以便|目的是|是为|着眼|需要")
# 谁 asks a name too where it stands as the question's subject or its end (总导演是谁, 谁获得了金牌, 谁是第一棒火炬手),
# not before a verb of paying or doing (费用是谁出的, 由谁负责) nor in 都有谁 (几家企业IPO？都有谁): there a body answers.
PERSON_CUES = re.compile(rf"是谁(?=[?？。!！呢啊]*$)|^谁是|谁(?:获得|拿到?了?|夺得|赢得|主演|执导)|哪位|哪(?:几|[两二三四五六七八九十])位(?![次数])|姓名|(?:{_POSTS}|人|者)的?(?:名字|叫什么)|(?:{_POSTS}).{{0,4}}(?:是|为)?谁|谁.{{0,3}}(?:{_POSTS})|"
                         rf"\bwho (?:is|was|are|were) (?:the )?(?:[a-z]+ ){{0,3}}(?:director|head|mayor|premier|chairman|secretary|leader|governor|president|minister)", re.IGNORECASE)
PLACE_CUES = re.compile(r"哪里|(?<![存所现实])在哪(?![些几项类方])|哪儿|什么地方|何地|何处|哪个(?:城市|国家|省份?|地方|地区|区|县|市)|\bwhere\b|which (?:city|country|province)",
                        re.IGNORECASE)
# "Which part of the report says X" (报告哪一部分讲了育儿补贴, 在哪一节提到, which section mentions): the answer is the
# passage with its whole heading path. Not a list of parts (分哪几部分) and not a place (在什么地方召开).
# 哪一块 / 哪块 stands alone or before a word of saying (这属于报告哪一块, 哪块讲的), not before a noun (哪块地); 讲啥的部分
# and 什么章节 ask the same with 什么/啥, and 在第几部分说的 with 第几 (not 分为什么部分, 有什么部分: the parts themselves).
SECTION_CUES = re.compile(r"(?:[放写列摆]在(?:报告|文件)?(?:的|里|中)?)?(?:哪|第几)(?:一|个)?(?:部分|章节?|节|段落?|篇|板块)|哪(?:一|个)?块(?:工作|内容)?(?=$|[^\u4e00-\u9fff]|[里中讲说提写呢啊的])|"
                          r"(?<![为成括含有])(?:什么|啥)的?(?:部分|章节?|板块)|(?:报告|文件|文档)(?:的|中|里)?(?:什么|哪一?个?)(?:地方|位置)|"
                          # ...or which block of the work it belongs to (属于今年哪项重点工作)
                          r"属于(?:今年|去年|明年|报告)?的?哪(?:一|个)?(?:项|方面)(?:重点)?(?:工作|任务)?|"
                          # ...or where in it (在报告哪里讲的)
                          r"(?:报告|文件|文档)(?:的|中|里)?哪里(?=[讲说提写谈])|"
                          r"\b(?:which|what) (?:part|section|chapter)s?\b|where in the (?:report|document)", re.IGNORECASE)
# The report's own numbering (第五部分, 第三块, 第二章): a part (一、) or a section of a part (（五）) named by its number,
# as the reports number their headings. Not 第一产业 or 第三方 (no word for a part of the report follows).
NUMBERED_PART = re.compile(r"第([一二两三四五六七八九十]{1,3}|\d{1,2})(?:个)?(?:大)?(?:部分|块|板块|章|节|篇)")
ORDINAL_CUES = re.compile(r"第几|几等|排名|名次|哪一届|第多少|which (?:place|rank)")
# A list of items: 哪些/哪几 + a word for parts of a work plan, or "分成/分为 几…", or a count word (两方面). Not
# "哪些领域的孵化器": there the noun after 的 is what is asked for.
_PROBLEM_NOUNS = "问题|不足|短板|困难|挑战"
PROBLEM_WORDS = re.compile(_PROBLEM_NOUNS)
# How a government report opens its list of problems without naming them (我们也清醒认识到：A；B；…): such a lead-in
# names the block a question about 问题 / 不足 / 困难 asks for.
PROBLEMS_ANNOUNCED = re.compile(r"清醒(?:地)?(?:认识|看)到|(?:也|还|同时)(?:要|应|必须)?(?:清醒)?(?:看到|认识到)")
_STRUCTURE_NOUNS = ("方面|成就|成绩|块|项(?!目)|部分|件(?:大)?事|大事|事情|事(?![业务故件实])|类(?!型)|点|条|个方向|大类|板块|任务|举措|措施|工作|重点|安排|部署|内容|环节|领域|"
                    f"路径|思路|抓手|方向|行动|工程|招|手段|办法|{_PROBLEM_NOUNS}")
STRUCTURE_NOUN = re.compile(f"(?:{_STRUCTURE_NOUNS})")
# The words a list question uses for "the parts of the work" (哪几方面工作, 工作任务有哪些), or of what it achieved
# (去年的工作成绩是分哪几个方面总结的): they name no block, so a list's heading is matched without them. Problems (问题,
# 短板) are a block of their own and stay.
GENERIC_LIST_WORDS = re.compile(r"方面|块|项|部分|件事|大事|事情|大类|板块|任务|举措|措施|工作|重点|安排|部署|内容|环节|主要|具体|"
                                r"成绩|成就|成效|总结|"
                                r"哪些|哪几|什么|怎么|如何|计划|打算|全部|所有|列出|列举|全列|做好|抓好|干好|搞好|办好|"
                                r"[两二三四五六七八九十几]{1,2}(?:个|大|项|类|条|件)")
# ...and a phrase made of nothing else (重点任务, 主要工作) names none either.
GENERIC_LIST_PHRASE = re.compile(f"(?:{GENERIC_LIST_WORDS.pattern})+")
# The body that gives a report (省政府, 国务院, 管委会, 我们): "省政府主要抓了哪几方面" names no block of the report.
ISSUER_WORDS = re.compile(r"(?:[省市区县州盟旗]|自治区|人民)?政府|国务院|管委会|工委|党工委|我们|咱们|本届政府")
# A term made of a count and a name (五个更加注重, 六保, 十方面民生实事, 三大攻坚战): what it lists is asked for.
NUMBERED_LIST = re.compile(r"(?<![第\d])([两二三四五六七八九十])(?:个|大|项|方面|类)?[\u4e00-\u9fff]{1,8}?[”\"」』]?"
                           r"(?:具体|分别|主要|都)?(?:是|指|包括|包含|有)(?:哪些|哪几|什么|啥|哪[两二三四五六七八九十])")
LIST_CUES = re.compile(
    rf"(?:哪些|[哪那]几|什么|哪(?:\d{{1,2}}|[两二三四五六七八九十]))(?:个|项|件|大|些)?(?:{_STRUCTURE_NOUNS})(?!的(?!{_STRUCTURE_NOUNS}))|哪几样|分(?:成|为)?(?:了)?(?:哪|几)(?:个|项|大|些)?(?:{_STRUCTURE_NOUNS}|头|点)|"
    rf"分(?:成|为)(?:了)?(?:哪|几)|(?:主要|重点|具体)(?:抓|做|干|推进|部署)(?:了)?(?:哪|什么)|"
    # (几条 alone asks how many, 千亿级产业链目标是几条; the items when it asks them said, 列的几条都说说)
    rf"(?<![第])[两二三四五六七八九十几]+(?:个|大|项)?(?:方面|块|项工作|件事|大类|板块|部分|个方向|头)|(?<![第])[两二三四五六七八九十]+条|"
    rf"几条(?=都|分别|具体|是什么|是啥|是哪|说|列|重点|主要|{_STRUCTURE_NOUNS})|[哪那]几条|(?:{_STRUCTURE_NOUNS})[^，,。？?]{{0,4}}几条|怎么(?:做|干|搞|弄|抓|安排|部署|推进)|如何(?:做|推进|开展|部署)|"
    # the noun first: 工作任务有哪些, 主要问题都有哪些, 目标包括什么
    rf"(?:{_STRUCTURE_NOUNS}|目标|指标)(?:都|主要|具体|分别)?(?:有|包括|包含|是)(?:哪些|哪几|什么)|"
    # ...or after it: 要实现哪些主要目标, 定了哪几项预期指标 (not 目标是多少, one figure)
    r"(?:哪些|哪几(?:个|项|大|条)?)(?:主要|重点|具体)?(?:预期|发展)?(?:目标|指标)(?!的)|"
    # a numbered term asked about: “五个更加注重”具体是哪些, 六保指什么, 十方面民生实事包括哪些
    rf"{NUMBERED_LIST.pattern}|"
    # "which several / which six" of a term the report names in quotes, or standing for it (提了哪几个“坚守”, 六大
    # 提升行动具体是哪六个): its items are asked for. Not 哪几个项目, where a sentence names the projects.
    # (a particle may end it: 为民实事有哪十件啊)
    r"哪(?:几|\d{1,2}|[两二三四五六七八九十])(?:个|条|种|类|组|项|件|篇|大)(?=[“\"「『]|[啊呀呢吗嘛哈]?[?？。!！]?$)|哪(?:几|[两二三四五六七八九十])对|"
    # ...or "there are which N <things>" (有哪十个突出亮点): so many items are asked for. Not 哪两个县撤县设市了, where
    # a sentence names them.
    r"(?:有|是|包括)哪(?:\d{1,2}|[两二三四五六七八九十])(?:个|条|种|类|组|项|件|大)[\u4e00-\u9fff]{1,6}[?？。!！]?$|"
    # what was done or is to be done, as several things (去年做了哪些, 都干了些什么)
    r"(?:做|干|抓|办)了?(?:哪些|些什么)|"
    # ...or what a part of the report says, as several things (金砖的内容在哪一部分？讲了哪些？)
    r"(?:讲|说|谈|提|包括|包含|涉及)(?:了|到了?)?(?:哪些|些什么)(?=[?？。!！]?$)|"
    # ...or what a part the question names says (营商环境那部分都写了啥, 民生这块讲了什么)
    # ...or how a block of work is put (生态环保方面的工作部署是怎么说的)
    rf"(?:{_STRUCTURE_NOUNS})(?:是|都|又)?(?:怎么|如何)(?:说|讲|写|表述)|"
    r"(?:部分|板块|这块|那块|章节?)[，,]?(?:都|主要|具体|又)?(?:讲|说|写|谈|提|包括|包含|涉及)(?:了|到了?)?(?:哪些|些什么|什么|啥)|"
    r"what (?:are|were) the (?:main |key |major )?(?:tasks|measures|areas|parts|priorities|steps|aspects|targets|goals)|"
    r"what (?:measures|steps|arrangements|actions)|in what (?:ways|areas)"
)
COUNT_CUE = re.compile(r"(?<![第\d.])([两二三四五六七八九十]|[2-9](?![\d.]))(?:个|大|项)?(?:方面|块|项|件事|大类|板块|部分|个方向|条|点|头)")
# A figure per month or per person (每月多少钱, 人均收入, 每人补多少): a total, a yearly figure or one of a whole group
# does not answer it. Each frame the question names, and how a figure's clause says it.
PER_FRAMES = (
    (re.compile(r"每(?:人|个人|位)?(?:每)?个?月|月均|按月"), re.compile(r"每(?:人|户)?(?:每)?个?月|月均|按月|/月|月人均")),
    (re.compile(r"人均|每(?:个)?人|每位"), re.compile(r"人均|每人|每个人|每位|/人")),
)
# An increment (新增多少家): a stock (总数达29家, 超1200家) does not answer it; the figure's sentence must say it is new.
INCREMENT_ASKED = re.compile(r"新增")
INCREMENT_SAID = re.compile(r"新增|净增|新认定|新引进|新设|新建|新培育|新开工|新落地|新签约|增加")
# A level (最低工资标准是多少钱): a change of it (每月提高183元) does not answer it. A question that says none of these
# asks for the level; a figure right after one of the verbs (not 提高到, which gives the level) is a change.
CHANGE_ASKED = re.compile(r"增|涨|降|减|提高|提升|上调|下调|(?<!差不)多了|(?<!多)少了|变化|幅度|同比|比上年|较上年|比去年")
CHANGE_BEFORE = re.compile(r"(?:增长|增加|提高|提升|上涨|上调|下降|下调|降低|减少)了?$")
# A share (占全国的比重是多少, 占比, 几成): a change (增长近15%) is not one. A figure is a change when one of these verbs
# stands right before it, with at most a word of approximation between (增长近15%, 提高约3个百分点).
SHARE_ASKED = re.compile(r"占(?P<whole>[^，,。？?]{0,12}?)的?(?:比重|比例|份额|百分之几|几成)|占比|几成")
# How a clause says its figure is a share (工业投资占固定资产投资比重…35.5%, 占比, 比重达): not the change of a whole.
SHARE_SAID = re.compile(r"占[^，,；;。]{0,16}?(?:比重|比例|份额)|占比|比重")
# The wholes a share is commonly of: a share of one (占全疆装机64%) is not a share of another (占全国的比重).
WHOLES = {"全国": "全国", "全省": "全省", "全市": "全市", "全区": "全区", "全疆": "全区", "全球": "全球", "全世界": "全球",
          "世界": "全球"}
WHOLE = re.compile("|".join(sorted(WHOLES, key=len, reverse=True)))
CHANGED_BEFORE = re.compile(r"(?:增长|增加|提高|提升|上涨|上调|上升|回升|攀升|扩大|下降|下调|降低|减少|回落|下滑|缩小)了?"
                            r"(?:近|约|超过?|达到?|逾|将近)?$")
# A question of "how much/many" that names no rate, share, change or target (常住人口有多少): a percentage is not the
# level of what it asks about (常住人口城镇化率58.08% is not a population). General wording of statistics.
RATE_OR_TARGET_ASKED = re.compile(r"率|比|占|成|指数|水平|目标|预期|力争|幅|速|百分|%|排|位|再|长|提到|达到")
# A question typed as a search, with no question word, that ends on a word of measure (2021年宝马全球销量, 2022年英特尔
# 全年营收, 规上工业产值, 新增确诊病例数): it asks that figure, as 多少 would.
MEASURE_END = re.compile(r"(?:量|额|数|率|值|营收|收入|票房|规模|GDP|总值|产值)[?？]?$", re.IGNORECASE)
OWN_QUESTION_WORD = re.compile(r"什么|哪|多少|几|怎|如何|是否|吗|谁|\b(what|which|how|who|when)\b")


@dataclass(frozen=True)
class Asked:
    """The answer a question wants: `unit` (a key of UNIT_FAMILIES, "元" or ""), `kind` ("percent", "amount",
    "count", "area", "date", "duration", "person", "place", "reason", "ordinal", "section" (which part of the report says
    it), "any" or ""), and for list questions the number of items
    it names (两方面 → 2)."""

    unit: str = ""
    kind: str = ""
    wants_list: bool = False
    count: int | None = None
    # what a count question counts: 多少家企业 → (企业,), 几所大学 → (大学,); for a place question, the places it names
    counted: tuple[str, ...] = ()
    post: str = ""  # the post a person question names, with its short qualifier: 工委书记, 国务院总理, 校长
    per: tuple[int, ...] = ()  # the PER_FRAMES (by position) the asked figure must be stated in: 每月 → (0,)
    increment: bool = False  # 新增多少: the figure must be said to be new
    magnitude: str = ""  # 多少万人, 多少亿元: the figure must be written in that order of magnitude or a larger one
    share: bool = False  # 占…比重/占比/几成: the figure must not be a change
    change: bool = False  # 增长了多少 with no word of a share: the figure must not be a share (占…比重从17.9%提升到35.5%)
    share_of: str = ""  # the whole a share is of (占全国的比重 → 全国, one of WHOLES): no other may be the figure's
    level: bool = False  # an amount or count asked with no word of change: the figure must not be a change
    # a bare 多少 that names no rate, share, change or target asks a level: a percentage that is not a change is some
    # rate's level (常住人口城镇化率58.08% is not a population), and a change is not a level, unless
    bare: bool = False
    # the question asks of a year whose figures are targets (the report's own year or later, set by the answerer, who
    # knows the report's date): a plan sets changes (实际利用外资增长8%以上), and that is what it says of that year
    target: bool = False
    from_to: bool = False  # 从多少涨到了多少: the figure before and after, as a sentence of 从…到… gives them

    @property
    def wants_figure(self) -> bool:
        return self.kind in ("percent", "amount", "count", "area", "duration", "ordinal", "any")

    def describe(self) -> str:
        """The asked kind in a few words, for a note that says what the report does not give."""
        if self.kind == "area":
            return "面积"
        if self.unit:
            return self.unit
        return {"percent": "百分比", "amount": "金额", "date": "时间", "place": "地点", "duration": "时长", "person": "人名"}.get(self.kind, "")


_NOUNISH = frozenset(["n", "nr", "ns", "nt", "nz", "nrt", "nrfg", "vn", "j", "l", "b"])


def _post(normalized: str) -> str:
    """The post a person question asks about, with the word before it when that word qualifies the post (工委|书记,
    国务院|总理) rather than naming a place (厦门市|市长) or joining with 的: 习近平总书记 is not the 工委书记 asked."""
    import jieba.posseg as pseg

    organ = re.search(rf"(?:[省市区县州党团纪]委|党工委|工委|常委)(?:{_POSTS})", normalized)
    if organ:
        return organ.group()  # 省委书记: a committee's post (not the 总书记 a sentence names)
    words = [tuple(pair) for pair in pseg.lcut(normalized)]
    for i, (word, _) in enumerate(words):
        if re.search(rf"(?:{_POSTS})$", word):
            if i and words[i - 1][1] in ("n", "nt", "j") and len(words[i - 1][0]) <= 3:
                return words[i - 1][0] + word
            return word
    return ""


def _counted(normalized: str, unit_end: int) -> tuple[str, ...]:
    """The nouns right after the asked unit (多少家|企业被协调…, 几所|大学): what is counted."""
    import jieba.posseg as pseg

    words = []
    for word, flag in pseg.lcut(normalized[unit_end : unit_end + 12]):
        if flag not in _NOUNISH or not re.fullmatch(r"[\u4e00-\u9fff]+", word):
            break
        words.append(word)
    return tuple(w for w in words if len(w) >= 2)


def asked_unit(normalized: str) -> re.Match | None:
    """The first 多少/几 + measure word whose measure word is a word of its own: 多少家|企业 counts 家, but
    多少个体户 asks about 个体户 (jieba reads 个体户 as one word)."""
    import jieba

    for match in ASKED_UNIT.finditer(normalized):
        following = jieba.lcut(normalized[match.start(1) : match.start(1) + 6])
        if following and (following[0] == match.group(1) or following[0] in _UNIT_WORDS):
            return match
    return None


# An order of magnitude asked (常住人口有多少万人, 营收多少亿): a figure written without it or a larger one (每万人拥有…19.2人,
# 5000万元 for 多少亿) is of another thing or another scale. The value: the words a figure of that scale holds.
# A question of where a figure started and ended (GDP从多少涨到了多少) and the sentences that say both
# (从11.37万亿元提高到14.58万亿元, 由729万人增加到732万人).
FROM_TO_ASKED = re.compile(r"[从由](?:多少|几).{0,10}?(?:到|至)了?(?:多少|几)")
FROM_TO_SAID = re.compile(r"[从由][^，。；,;]{0,24}?\d[^，。；,;]{0,24}?(?:到|至)[^，。；,;]{0,12}?\d")
ASKED_MAGNITUDE = re.compile(r"(?:多少|(?<![哪第])几)(万亿|亿|万)(?!分)")
MAGNITUDE_WORDS = {"万": ("万", "亿"), "亿": ("亿",), "万亿": ("亿",)}


# 多少大学生, 多少企业: a count asked with no measure word names what it counts right after 多少.
BARE_COUNT = re.compile(r"(?:多少|(?<![哪第这近前去])几)(?=[\u4e00-\u9fff])")


@lru_cache(maxsize=4096)
def read_question(question: str, context: str = "") -> Asked:
    """What a question asks for. A follow-up without a question word of its own (那2022年呢?) asks what the earlier
    question asked."""
    # 啥 is everyday 什么 (叫啥, 为啥, 啥时候, 都有啥安排)
    normalized = normalize(question).replace("啥", "什么")
    if context and not OWN_QUESTION_WORD.search(normalized) and not PERCENT_CUES.search(normalized):
        normalized = normalize(f"{context} {question}").replace("啥", "什么")
    normalized = SPAN_CUES.sub("近年", normalized)
    unit_match = asked_unit(normalized)
    asked = _read(normalized, unit_match)
    per = tuple(n for n, (asks, _) in enumerate(PER_FRAMES) if asks.search(normalized))
    if per and asked.wants_figure:
        asked = replace(asked, per=per)
    if asked.wants_figure and INCREMENT_ASKED.search(normalized):
        asked = replace(asked, increment=True)
    if asked.wants_figure and FROM_TO_ASKED.search(normalized):
        asked = replace(asked, from_to=True)
    magnitude = ASKED_MAGNITUDE.search(normalized)
    if magnitude and asked.kind in ("amount", "count", "any"):
        asked = replace(asked, magnitude=magnitude.group(1))
    share = SHARE_ASKED.search(normalized)
    if asked.kind in ("percent", "any") and share and not CHANGE_ASKED.search(normalized):
        whole = WHOLE.search(share.group("whole") or "")
        asked = replace(asked, share=True, share_of=WHOLES[whole.group()] if whole else "")
    if asked.kind == "percent" and not share and CHANGE_ASKED.search(normalized) and not SHARE_SAID.search(normalized):
        asked = replace(asked, change=True)
    if asked.kind in ("amount", "count") and not CHANGE_ASKED.search(normalized):
        asked = replace(asked, level=True)
    # (Chinese questions only: English ones ask a share in too many ways, "how much of … can be deducted".) A
    # follow-up's measure is in the question before it (原来是多少？ after 加计扣除比例…).
    if (asked.kind == "any" and not is_english(question) and not CHANGE_ASKED.search(normalized)
            and not RATE_OR_TARGET_ASKED.search(f"{normalized} {normalize(context)}")):
        asked = replace(asked, bare=True)
    if asked.kind == "person":
        return Asked(asked.unit, asked.kind, asked.wants_list, asked.count, post=_post(normalized))
    if asked.kind == "place":
        return Asked(asked.unit, asked.kind, asked.wants_list, asked.count, counted=place_names(normalized))
    if asked.kind == "count" and unit_match:
        counted = _counted(normalized, unit_match.end())
        if asked.wants_list and counted and all(STRUCTURE_NOUN.fullmatch(c) for c in counted):
            # 那几件大事分别是啥, 哪几项工作: the parts of the work are asked for, not how many there are
            return Asked("", "", True, asked.count)
        return replace(asked, counted=counted)
    if asked.kind == "any":
        bare = BARE_COUNT.search(normalized)
        counted = _counted(normalized, bare.end()) if bare else ()
        if counted:
            return replace(asked, counted=counted)
    return asked


def _read(normalized: str, unit_match: re.Match | None) -> Asked:
    wants_list = bool(LIST_CUES.search(normalized))
    count_match = COUNT_CUE.search(normalized)
    count_match = count_match or NUMBERED_LIST.search(normalized)
    count = cn_number(count_match.group(1)) if count_match else None
    if SECTION_CUES.search(normalized):
        # Which part says it, and what it says item by item (在哪一部分？讲了哪些？): the part's list is the answer.
        return Asked("", "section", wants_list, None)
    if PERSON_CUES.search(normalized):
        return Asked("", "person", wants_list, count)
    if REASON_CUES.search(normalized):
        return Asked("", "reason", wants_list, count)
    if DATE_CUES.search(normalized) and not ANY_FIGURE_CUES.search(normalized):
        return Asked("", "date", wants_list, count)
    if PLACE_CUES.search(normalized) and not ANY_FIGURE_CUES.search(normalized):
        return Asked("", "place", wants_list, count)
    unit = unit_match.group(1) if unit_match else ""
    if unit == "元" or MONEY_UNIT.search(normalized):
        # 多少亿美元: a figure in another currency (亿元) is not it
        currency = FOREIGN_CURRENCY.search(normalized)
        return Asked(currency.group() if currency else "元", "amount", wants_list, count)
    if unit in ("平方米", "平方公里", "公顷") or (not unit and AREA_CUES.search(normalized)):
        return Asked("面积", "area", wants_list, count)
    if unit == "年" or (not unit and DURATION_CUES.search(normalized)):
        return Asked("", "duration", wants_list, count)
    if ORDINAL_CUES.search(normalized):
        return Asked("", "ordinal", wants_list, count)
    if PERCENT_CUES.search(normalized) and unit not in UNIT_FAMILIES:
        return Asked("", "percent", wants_list, count)
    if unit:
        return Asked(unit, "count", wants_list, count)
    if AMOUNT_CUES.search(normalized):
        return Asked("元", "amount", wants_list, count)
    if (ANY_FIGURE_CUES.search(normalized) or MEASURE_END.search(normalized) and not OWN_QUESTION_WORD.search(normalized)) and not wants_list:
        return Asked("", "any", wants_list, count)
    return Asked("", "", wants_list, count)


_SEVERAL = re.compile(r"[?？].+[?？]|(?:和|与|及|以及|、).{1,20}(?:各|分别)|、.{1,20}都(?:说|讲|列|是|有|多少)|(?:各|分别)(?:是|为|有|安排|增长|达到)?(?:多少|几)|"
                      r"\b(?:and|respectively|each)\b.*\b(?:how|what)\b|\b(?:how|what)\b.*\band\b.*\b(?:how|what)\b",
                      re.IGNORECASE)


# "Which N <things>" with the things named (打造哪五个环境, 哪三个中心): a sentence that lists N of them, each ending on
# that word (政策环境、市场环境、…), answers.
# Without the things named (分了13个领域，是哪13个？), a sentence that lists that many things (at least three) answers.
# The measure word may be left out (是哪五化: 市场化、产业化、…), or be 件 (十件民生实事都是哪十件).
# The things may be a figure each item ends on (新一轮“3个100万”是哪三个100万: 县城新增人口100万、…).
COUNTED_THINGS = re.compile(r"哪([两二三四五六七八九十]|\d{1,2})(?:个|项|种|大|类|条|张|件)?([\u4e00-\u9fff]{1,2}|\d+(?:\.\d+)?[万亿千百]*)?")
MIN_UNNAMED_COUNT = 3
# The term that counts them (五大战略是哪五个, 三大攻坚战是哪三个): its last word names each thing.
COUNTING_TERM = re.compile(r"(?<![第\d])([两二三四五六七八九十])(?:个|大|项|类)([\u4e00-\u9fff]{2,6}?)[”\"」』]?(?:具体|分别|主要|都)?(?:是|指|包括|包含|有)")


# ...or quoted anywhere in the question (“九个坚持”原则都是哪九个)
QUOTED_COUNTING_TERM = re.compile(r"[“\"]([两二三四五六七八九十]|\d{1,2})(?:个|大|项|类)([\u4e00-\u9fff]{2,6})[”\"]")


def counted_things(question: str) -> tuple[int, str] | None:
    """(5, 环境) for 要打造哪五个环境, (5, 战略) for 五大战略是哪五个, (13, "") for 是哪13个, or None."""
    normalized = normalize(question)
    found = COUNTED_THINGS.search(normalized)
    if not found:
        return None
    count = cn_number(found.group(1))
    thing = found.group(2) or ""
    term = (COUNTING_TERM.search(normalized) or QUOTED_COUNTING_TERM.search(normalized)) if not thing else None
    if term and cn_number(term.group(1)) == count:
        thing = term.group(2)[-2:]
    return (count, thing) if count and (thing or count >= MIN_UNNAMED_COUNT) else None


# What a list question asks the items of (战略性新兴产业都包括哪些, 十大未来产业分别是啥): the noun phrase before its
# question word, with the count it may say. Reports list such things inline and name their kind after 等
# (聚焦A、B、C等…战略性新兴产业; A、B、…等十大未来产业).
_ASKS_ITEMS = re.compile(r"([\u4e00-\u9fff\d]{2,16}?)[”\"」』]?(?:具体|分别|主要|都|又|一共)?(?:包括|包含|指|是|有)(?:哪些|哪几|什么|啥|哪[两二三四五六七八九十])")
_ASKS_WHICH_KIND = re.compile(r"哪些(?:个|项|类|种|大)?((?:(?![的要里中在是了把将和与及])[\u4e00-\u9fff]){2,10}?)"
                              r"(?=[?？。!！，,]|$|呢|啊|吗|分别|都|具体)")
_KIND_BREAK = re.compile(r"[的要里中在是了把将和与及]")
_KIND_COUNT = re.compile(r"^[那这]?([两二三四五六七八九十]|\d{1,2})(?:个|大|项|类|种|条)")


def enumerated_kind(question: str) -> tuple[int | None, str] | None:
    """(10, 未来产业) for 十大未来产业分别是啥, (None, 战略性新兴产业) for 今年要抢占的战略性新兴产业都包括哪些, or None when
    the kind is one of the words for the parts of the work (重点工作有哪些: the plan's sections, not an inline list)."""
    normalized = re.sub(r"\d{4}年", " ", normalize(question))
    found = _ASKS_ITEMS.search(normalized)
    if found:
        kind = _KIND_BREAK.split(found.group(1))[-1]
    else:
        # ...or the kind after 哪些 (要培育哪些未来产业，都列出来)
        found = _ASKS_WHICH_KIND.search(normalized)
        if not found:
            return None
        kind = found.group(1)
        if len(kind) < 3:
            return None  # 哪些项目, 哪些企业: a word this general is no kind an inline list names
    counted = _KIND_COUNT.match(kind)
    count = cn_number(counted.group(1)) if counted else None
    kind = kind[counted.end():] if counted else kind
    if len(kind) < 2 or GENERIC_LIST_PHRASE.fullmatch(kind) or STRUCTURE_NOUN.fullmatch(kind):
        return None
    return count, kind


# A list question that asks how a thing it names is divided, by a word for parts (22项指标分成了哪几个方面): the
# sentence that says the thing and lists its parts inline answers.
ASKS_DIVISION = re.compile(r"分(?:成|为)了?哪(?:几|些)(?:个|大)?(方面|类|领域|部分|板块)")


# "Which several X" with no number (要建哪几个枢纽, 几个枢纽？分别是啥): the things asked are named each by an item of
# a list, every item naming X (建设…物流通道枢纽。建设…消费商贸枢纽。…).
# The thing may be quoted, a piece each item opens or ends on (那几个“动”分别是啥: 优势联动、龙头带动、…; 哪几个“要加强”),
# or a form each item fills in (哪几个“始终把……作为”: 始终把忠诚作为为政之魂、…).
SEVERAL_THINGS = re.compile(r"哪(?:几|些)(?:个|项|种|类|条|大)?([\u4e00-\u9fff]{2})(?=[?？。!！，,]|$|分别|都|具体)|"
                            r"几(?:个|项|种|类|条|大)([\u4e00-\u9fff]{2})[?？，,]?(?:分别|具体|都)(?:是|有|包括|指)|"
                            r"几(?:个|项|种|类|条|大)?[“\"]([\u4e00-\u9fff]{1,4}(?:(?:…+|\.{3,})[\u4e00-\u9fff]{1,4})?)[”\"]|"
                            # ...or quoted first (要“始终锚定”的是哪几个方面: 始终锚定机制活，…、始终锚定产业优，…)
                            r"[“\"]([\u4e00-\u9fff]{2,6})[”\"]的?是?哪(?:几|些)")


def several_things(question: str) -> str:
    """枢纽 for 要建哪几个枢纽 or 几个枢纽？分别是啥, else ""."""
    found = SEVERAL_THINGS.search(normalize(question).replace("啥", "什么"))
    return (found.group(1) or found.group(2) or f"“{found.group(3) or found.group(4)}”") if found else ""


def numbered_part(question: str) -> int | None:
    """The number of the part or section a question names by its number (第五部分 → 5), or None."""
    found = NUMBERED_PART.search(normalize(question))
    if not found:
        return None
    return cn_number(found.group(1))


def asks_several(question: str) -> bool:
    """A question of several parts: two question marks, or A和B各/分别多少."""
    return bool(_SEVERAL.search(normalize(question)))


def figure_fits(asked: Asked, figure: Figure) -> bool:
    """Does this figure answer what was asked (a 家 count for 多少家, a percentage for 增长多少, any figure for 多少)?"""
    text = figure.text
    if asked.kind == "date":
        return figure.kind == "date"
    if figure.kind == "date":
        return False
    if asked.kind == "area":
        return text.endswith(UNIT_FAMILIES["面积"])
    if asked.kind == "amount":
        return figure.kind == "amount" and (asked.unit in ("元", "") or text.endswith(asked.unit))
    if asked.kind == "percent":
        return figure.kind == "percent" or text.endswith(("倍", "位数"))
    if asked.kind == "duration":
        # an age is the time lived (how long people live: 人均预期寿命80岁)
        return text.endswith(("年", "个月", "月", "天", "日", "小时", "周", "岁"))
    if asked.kind == "ordinal":
        return figure.kind == "ordinal" or text.endswith(("名", "位"))
    if asked.kind == "count":
        # A bare number (5575万农村贫困人口, 1000多万高中毕业生) counts whatever follows it.
        return text.endswith(UNIT_FAMILIES.get(asked.unit, (asked.unit,))) or bool(re.search(r"[\d万亿千百多余]$", text))
    return asked.kind == "any"


def clause_of(text: str, figure: Figure, ends: str = "") -> str:
    """The figure's clause; with `ends` (、), cut after the figure at those marks too: what a count can count is its
    clause up to it and the words right after it (集群增至14个、实现设区市全覆盖 counts 集群, not 设区市)."""
    start = max((m.end() for m in re.finditer(r"[,，;；。:：]", text[: figure.start])), default=0)
    end = re.search(rf"[{ends},，;；。:：]|$", text[figure.end :])
    return text[start : figure.end + (end.start() if end else 0)]


def names_any(words: tuple[str, ...], text: str) -> bool:
    """Does the text say one of the words (or a synonym of it: 高企 for 高新技术企业), or a compound of two words with
    a modifier set inside it (农村常住居民 for 农村居民)?"""
    normalized = normalize(text)
    keys = set(synonym_keys(normalized))
    return any(w.removeprefix("phr:") in normalized if not w.startswith("syn:") else w in keys for w in words) or any(
        set(synonym_keys(normalize(w))) & keys for w in words if not w.startswith(("syn:", "phr:"))) or any(
        (parted := _parted(w)) is not None and any(_modifies(m.group(1)) for m in parted.finditer(normalized))
        for w in words if not w.startswith("syn:"))


@lru_cache(maxsize=4096)
def _parted(word: str) -> re.Pattern | None:
    """农村…居民 for 农村居民: a compound of two dictionary words of two or more characters each, which a report may
    write with a modifier of a word between them (农村常住居民, 城镇、农村常住居民); None for any other word."""
    import jieba

    word = word.removeprefix("phr:")
    if not re.fullmatch(r"[\u4e00-\u9fff]{4,8}", word):
        return None
    for cut in range(2, len(word) - 1):
        first, second = word[:cut], word[cut:]
        if jieba.dt.FREQ.get(first) and jieba.dt.FREQ.get(second):
            return re.compile(rf"{first}([^\W\d和与及或]{{1,2}}){second}")
    return None


@lru_cache(maxsize=4096)
def _modifies(inserted: str) -> bool:
    """Is what stands inside a compound a modifier of its second word (常住 of 农村常住居民), not a noun that heads a
    measure of its own (单位 of 工业单位增加值能耗, a measure of energy per unit)?"""
    import jieba.posseg as pseg

    return not any(flag.startswith("n") for _, flag in pseg.lcut(inserted))


def fitting_figures(asked: Asked, text: str, anchors: tuple[str, ...] = ()) -> list[Figure]:
    """Figures of the asked kind, about what was asked: a count question that names what it counts (几所大学) wants
    it named in the figure's clause (2个…中心 does not count universities), and any figure question wants one of its
    main words (anchors) in the figure's clause or label (65万平方米的主厂房 is not the area of 同翔高新城)."""
    figures = [f for f in find_figures(text) if figure_fits(asked, f)]
    if asked.kind == "count":
        # A bare number counts the noun that follows it (5575万农村贫困人口); one that ends its clause (收入比降至2.2)
        # is a ratio or an index, not a count of anything.
        # ...unless the unit asked stands right before it (医疗旅游人次86.5万: a count of 人次 written unit first).
        figures = [f for f in figures if not re.search(r"[\d万亿千百多余]$", f.text)
                   or (f.end < len(text) and "\u4e00" <= text[f.end] <= "\u9fff")
                   or (asked.unit and text[: f.start].endswith(asked.unit))]
    if asked.counted:
        # What is counted is the last noun (多少个国家级|高新区 counts 高新区: 国家级高企 are not them), or all of them
        # as one word (高新技术|企业 as 高企).
        counted = (asked.counted[-1], "".join(asked.counted))
        figures = [f for f in figures if names_any(counted, clause_of(text, f, "、"))]
    for n in asked.per:
        figures = [f for f in figures if PER_FRAMES[n][1].search(clause_of(text, f))]
    if asked.from_to:
        figures = [f for f in figures if FROM_TO_SAID.search(clause_of(text, f))]
    if asked.increment:
        figures = [f for f in figures if INCREMENT_SAID.search(f"{text[: f.start]}{clause_of(text, f)}")]
    if asked.magnitude:
        figures = [f for f in figures if any(word in f.text for word in MAGNITUDE_WORDS[asked.magnitude])]
    if asked.level:
        figures = [f for f in figures if not CHANGE_BEFORE.search(text[: f.start])]
    if asked.share:
        figures = [f for f in figures if not CHANGED_BEFORE.search(text[: f.start])]
    if asked.change:
        figures = [f for f in figures if not SHARE_SAID.search(clause_of(text, f))]
    if asked.share_of:
        # only when the figure's clause names another whole: a clause that names none may be of the one asked
        figures = [f for f in figures
                   if all(WHOLES[w] == asked.share_of for w in WHOLE.findall(clause_of(text, f)))]
    if asked.bare:
        # a change only of a planned year; otherwise a figure that is neither a change nor a percentage
        figures = [f for f in figures if (asked.target if CHANGE_BEFORE.search(text[: f.start]) else f.kind != "percent")]
    if anchors:
        # The figure's own clause and the sentence before it: 经济恢复好于预期，全年国内生产总值增长2.3% is about 经济.
        # Back to the clause of the figure before it, not further: a clause with a figure of its own is about its own
        # measure (工业投资占固定资产投资比重从17.9%提升到35.5%，…，工业对经济增长贡献率从17.1%… : 17.1% is no
        # investment figure), while 进出口总额5000亿元，增长10% goes on with the measure of the clause before.
        written = find_figures(text)
        # ...or the sentence's opening clause when it holds no figure: the subject the clauses after it go on about
        # (博鳌乐城国际医疗旅游先行区成为…新高地，落地540款特许药械、…，2025年医疗旅游人次86.5万).
        opening = re.split(r"[，,；;：:。]", text, maxsplit=1)[0]
        topic = opening if len(opening) < len(text) and not any(f.start < len(opening) for f in written) else ""
        figures = [f for f in figures
                   if names_any(anchors, f"{topic} {text[_stretch_start(text, f, written) : f.start]}{clause_of(text, f)} {f.measure}")]
    return figures


def _stretch_start(text: str, figure: Figure, written: list[Figure]) -> int:
    """Where the text that can say what a figure measures begins: the clause of the figure before it (or the
    sentence's start)."""
    before = [g for g in written if g.end <= figure.start]
    if not before:
        return 0
    if not re.search(r"[,，;；。:：]", text[before[-1].end : figure.start]):
        return _stretch_start(text, before[-1], written)  # one clause, one stretch (总投资超10亿元项目50个以上)
    return max((m.end() for m in re.finditer(r"[,，;；。:：]", text[: before[-1].start])), default=0)


def holds_answer(asked: Asked, text: str, anchors: tuple[str, ...] = ()) -> bool | None:
    """True when the text holds an answer of the asked type, False when it holds none, None when the question asks
    for no particular type (then any sentence that matches it can answer)."""
    if asked.wants_figure or asked.kind == "date":
        return bool(fitting_figures(asked, text, anchors))
    if asked.kind == "person":
        if asked.post:
            # The name stands next to the post asked (国务院总理　李克强, 主任张三): another post's name does not answer.
            return any(has_person(text[max(0, m.start() - 6) : m.end() + 6]) for m in re.finditer(re.escape(asked.post), text))
        return has_person(text)
    if asked.kind == "reason":
        return bool(REASON_WORDS.search(text))
    if asked.kind == "place":
        # A place the question did not name itself: 中国 does not answer "中国的首都是哪里".
        return any(place not in asked.counted for place in place_names(text))
    return None


def has_person(text: str) -> bool:
    """A personal name (jieba's part-of-speech tag nr) of two or more characters. Names do not end in the suffix of a
    place or a body (jieba tags 高新区 nr, after the surname 高)."""
    import jieba.posseg as pseg

    return any(flag == "nr" and len(word) >= 2 and not word.endswith(_NOT_NAME_ENDS) for word, flag in pseg.cut(text))


_NOT_NAME_ENDS = ("区", "市", "县", "省", "镇", "村", "园", "局", "委", "院", "所", "厅", "部", "处", "中心", "公司", "集团",
                  "大学", "学堂", "学院", "基地", "港", "湾", "城", "路", "街")
