"""English news vocabulary that CC-CEDICT lacks or ranks behind older senses, as tables:
read by `rag.retrieve.cedict` into the inverted dictionary, before its own senses."""

from __future__ import annotations

# Terms of Chinese policy and technology news in general that CC-CEDICT lacks or ranks
# behind older senses ("smart" is 精明 there, never 智慧): they rank before the dictionary's
# candidates: the general vocabulary of event and policy news. Entries that named one
# event or award of the seed articles ("hi-tech fair" -> 高交会, "leading" -> 领军,
# "new smart city", "solution provider") went: the multilingual model's cross-lingual
# match is what finds such names.
GLOSSARY: dict[str, tuple[str, ...]] = {
    "smart": ("智慧", "智能"),
    "smart city": ("智慧城市",),
    "smart manufacturing": ("智能制造",),
    "sister city": ("友好城市", "友城", "姐妹城市"),
    "venue": ("会场", "场馆"),
    "main venue": ("主会场",),
    "branch venue": ("分会场",),
    "sub-venue": ("分会场",),
    "sub-forum": ("分论坛",),
    "trade fair": ("交易会", "博览会", "展会"),
    "deal": ("签约", "协议", "交易"),
    "award": ("奖", "奖项", "大奖"),
    # News wins awards, titles and contracts (获得, 荣获, 摘得); CC-CEDICT's first senses
    # are a match's (赢得, 打赢) or a conquest's (拿下).
    "win": ("获得", "荣获", "赢得", "夺得", "摘得", "获胜"),
    "summit": ("峰会",),
    # News says 奥运 (奥运会, 巴黎奥运会) where CC-CEDICT has only the full 奥林匹克.
    "olympic": ("奥运", "奥林匹克"),
    "olympics": ("奥运会", "奥运"),
    "paralympic": ("残奥", "残奥会"),
    "expo": ("博览会", "博会"),
    "hi-tech": ("高新技术", "高科技", "高新"),
    "high-tech": ("高新技术", "高科技", "高新"),
    "district": ("区", "地区", "区域"),
    "digital transformation": ("数字化转型",),
    "digital government": ("数字政府",),
    "digitalization": ("数字化",),
    "new infrastructure": ("新基建",),
    "industrial internet": ("工业互联网",),
    "data center": ("数据中心",),
    "rural revitalization": ("乡村振兴",),
    "new energy vehicle": ("新能源汽车",),
    "government services": ("政务服务",),
    "pilot": ("试点",),
    "party secretary": ("书记", "市委书记", "党委书记"),
    "vice mayor": ("副市长",),
    # Policy and trade news: what is new is 新型 (新型智慧城市) or 新; construction is
    # building up (建设), before CC-CEDICT's building site (施工); deals are signed (签署,
    # not 标志 "a sign"); goods are exported (出口 before 输出); sanctions are 制裁 (CC-CEDICT
    # glosses none); heat in the weather news is 高温.
    "new": ("新型", "新", "新任"),
    "construction": ("建设", "施工", "建筑"),
    "sign": ("签署", "签约", "签订", "标志"),
    "export": ("出口", "输出"),
    "sanction": ("制裁",),
    "heat": ("高温", "热浪", "热量"),
    "heatwave": ("高温", "热浪"),
    "heat wave": ("高温", "热浪"),
    # A Chinese province's governor is its 省长 (CC-CEDICT: 州长, a US state's; 总督); a
    # Japanese prefecture's or a Korean province's is its 知事.
    "governor": ("省长", "州长", "知事", "总督"),
    "vice governor": ("副省长",),
    "deputy governor": ("副省长",),
    "deputy mayor": ("副市长",),
    "billion": ("亿",),
    "yuan": ("元",),
    # The English of China's official statistics and policy news.
    "year on year": ("同比",),
    "month on month": ("环比",),
    "above designated size": ("规模以上",),
    "first half": ("上半年",),
    "interest rate": ("利率",),
    "benchmark interest rate": ("基准利率",),
    # Health news: CC-CEDICT glosses "human" only by 人性 and 人肉, and "transmit" by
    # signals (传输), not by how a disease spreads.
    "human": ("人类", "人"),
    "transmit": ("传播", "传染", "传递"),
    # Disaster and crime news: deaths and injuries as reports count them (死亡, 遇难, 受伤),
    # not CC-CEDICT's first senses (打死 "to kill by beating", 伤害).
    "die": ("死亡", "遇难", "去世", "丧生"),
    "kill": ("死亡", "遇难", "丧生", "杀死"),
    "injure": ("受伤", "伤害"),
    "injured": ("受伤", "伤者"),
    "fire": ("火灾", "消防", "大火"),  # fires, and the fire and rescue services
    "affect": ("影响", "波及"),
    "charge": ("指控", "起诉", "收费"),
    # Economic news: figures fall and grow (下降, 增长), before autumn (秋季) and drops of
    # water (水滴); profits are 利润, the total 利润总额.
    "fall": ("下降", "下跌", "回落"),
    "drop": ("下降", "下跌", "减少"),
    "growth": ("增长", "增速"),
    "growth rate": ("增速", "增长率"),
    "profit": ("利润", "盈利", "收益"),
    "total profit": ("利润总额", "总利润"),
    "share price": ("股价",),
    "stock price": ("股价",),
    "stock": ("股票", "股市", "股份"),
    "trade": ("贸易", "交易"),
    "ton": ("吨",),
    "quarter": ("季度",),
    # Rates as one word, as Chinese writes them (CC-CEDICT splits "fee" and "rate": 速度).
    "fee rate": ("费率",),
    "exchange rate": ("汇率",),
    "unemployment rate": ("失业率",),
    "tax rate": ("税率",),
    "trilateral": ("三方", "三边"),  # CC-CEDICT has no sense for it
    "bilateral": ("双边",),  # CC-CEDICT: "bilateral talks" is 两岸对话, cross-strait talks
    "bilateral talks": ("双边会谈", "会谈"),
    "talks": ("会谈", "谈判", "会晤"),
    "critical": (
        "关键",
        "严重",
        "危急",
    ),  # of a year, not CC-CEDICT's first sense (刻, a quarter hour)
    "open": ("开幕", "开放", "开业"),  # events open (开幕), parks and shops too
    "take place": ("举行", "举办", "发生"),  # events take place (举行); CC-CEDICT: 发生
    "select": ("入选", "选择", "选定"),  # cases and people are selected (入选)
    # Events are hosted (主办, 举办; CC-CEDICT: 主人, a host), undertaken (承办, the
    # organiser that runs it, before 承担) and chaired (主持, not 椅子).
    "undertake": ("承办", "承担", "从事"),
    "host": ("主办", "举办", "主人"),
    "chair": ("主持", "主席", "椅子"),
    "preside": ("主持",),
    "organise": ("主办", "组织", "举办"),
    "organize": ("主办", "组织", "举办"),
    "county": ("县", "县域"),
    # People in the news: Chinese officials, representatives and companies (中国, 中方),
    # not the school subject 语文; in what post (职务).
    "chinese": ("中国", "中方", "中文", "华人"),
    "official": ("官员", "官方", "正式"),
    "premier": ("总理",),
    "position": ("职务", "职位", "地位", "位置"),
    "exhibition": ("展览", "展会", "展览会"),
    # Hotels fill rooms (入住率; CC-CEDICT's 定座率 is seats), races are run in halves
    # (半程马拉松), villages are administered (行政村), and cars are autos.
    "occupancy rate": ("入住率", "定座率"),
    "occupancy": ("入住率", "入住"),
    "half marathon": ("半程马拉松", "半马"),
    "marathon": ("马拉松",),
    "administrative village": ("行政村",),
    "village": ("村", "村庄", "农村", "村里"),
    "auto": ("汽车",),
    # Diplomacy, courts and banks as Chinese news names them: the Foreign Ministry is 外交部
    # (CC-CEDICT: 外务省, Japan's), its briefings 记者会; a city's court is its 中级人民法院;
    # a sewage outlet is 排污口, a certificate of deposit 存单 (大额存单: large-denomination).
    "foreign ministry": ("外交部",),
    "foreign minister": ("外长", "外交部长"),
    "briefing": ("记者会", "发布会", "简报"),
    "press conference": ("记者会", "发布会", "新闻发布会"),
    "people's court": ("人民法院", "法院"),
    "intermediate people's court": ("中级人民法院", "中院"),
    "higher people's court": ("高级人民法院", "高院"),
    "supreme people's court": ("最高人民法院", "最高法"),
    "procuratorate": ("检察院",),
    "sewage outlet": ("排污口", "排水口"),
    "certificate of deposit": ("存单",),
    "large-denomination": ("大额",),
    # Government news: provinces are counted as 省份 or 省市 (省区市 with the regions), the
    # market regulator is 市场监管 (市场监督管理局), a bureau 局; losses are recovered (挽回).
    "province": ("省份", "省市", "省区市", "省"),
    "market regulation": ("市场监管", "市场监督管理"),
    "market supervision": ("市场监管", "市场监督管理"),
    "regulation": ("监管", "规定", "法规"),
    "bureau": ("局", "管理局"),
    "economic loss": ("经济损失",),
    "recover": ("挽回", "恢复", "收复"),
    # Social media counts followers (粉丝); rules phase in over a transition period (过渡期).
    "follower": ("粉丝", "关注者", "追随者"),
    "transition period": ("过渡期",),
    # Delegations and teams are led (率队, 率领, 带队), before CC-CEDICT's 领导 (to govern).
    "lead": ("率队", "率领", "带队", "带领", "领导", "引领"),
    # Travel news: cruise ships (邮轮; CC-CEDICT's 游船 is a pleasure boat) dock (停靠) at
    # ports; permits are applied for (申请, before CC-CEDICT's 应用 "to put to use").
    "cruise ship": ("邮轮", "游轮"),
    # Things are used (使用, 用于), not second-hand (CC-CEDICT's first "used": 中古).
    "used": ("使用", "用于", "二手"),
    # Transport news counts passengers (旅客 as well as 乘客) and crew (乘务员, 船员, 机组);
    # a factory's director is its 厂长.
    "passenger": ("乘客", "旅客"),
    "crew": ("乘务员", "船员", "机组", "人员"),
    "director": ("主任", "厂长", "董事", "经理", "导演"),
    # Relief funds are allocated (下达, 拨付) as 资金 or 经费.
    "funding": ("资金", "经费", "拨款"),
    "relief": ("救灾", "救济", "赈灾"),
    "allocate": ("下达", "拨付", "分配"),
    # Military news: CC-CEDICT glosses "naval" by nothing of its own.
    "naval": ("海军",),
    "dock": ("停靠", "码头", "对接"),
    "apply": ("申请", "应用"),
}


# Abbreviations that news writes in Chinese. They replace CC-CEDICT's senses of the same
# letters, which are slang ("UK": 腐国) or the English word ("who": 何人).
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "uk": ("英国",),
    "us": ("美国",),
    "usa": ("美国",),
    "eu": ("欧盟",),
    "un": ("联合国",),
    "nato": ("北约",),
    "who": ("世卫组织", "世界卫生组织"),
    "imf": ("国际货币基金组织",),
    "wto": ("世贸组织", "世界贸易组织"),
    "asean": ("东盟",),
    "brics": ("金砖国家",),
    "g7": ("七国集团",),
    "g20": ("二十国集团",),
    "gdp": ("国内生产总值", "GDP"),
    "cpi": ("居民消费价格", "CPI"),
    "ppi": ("工业生产者出厂价格", "PPI"),
    "pmi": ("采购经理指数", "PMI"),
    "csrc": ("证监会",),
    "pboc": ("人民银行", "央行"),
    "sco": ("上合组织", "上海合作组织"),
    "opec": ("欧佩克",),
    "ai": ("人工智能",),
}


# Chinese companies by the English names news uses where they are not the pinyin of the
# Chinese one (pinyin names, Huawei or Xiaomi, are matched to the corpus's own words).
COMPANIES: dict[str, tuple[str, ...]] = {
    "evergrande": ("恒大",),
    "country garden": ("碧桂园",),
    "vanke": ("万科",),
    "sunac": ("融创",),
    "alibaba": ("阿里巴巴", "阿里"),
    "ant group": ("蚂蚁集团",),
    "bytedance": ("字节跳动",),
    "netease": ("网易",),
    "jd": ("京东",),
    "sohu": ("搜狐",),
    "sina": ("新浪",),
    "ctrip": ("携程",),
    "lenovo": ("联想",),
    "zte": ("中兴",),
    "catl": ("宁德时代",),
    "smic": ("中芯国际",),
    "geely": ("吉利",),
    "great wall motor": ("长城汽车",),
    "saic": ("上汽",),
    "nio": ("蔚来",),
    "xpeng": ("小鹏",),
    "li auto": ("理想汽车",),
    "shein": ("希音", "SHEIN"),
    "hisense": ("海信",),
    "haier": ("海尔",),
    "midea": ("美的",),
    "gree": ("格力",),
    "fosun": ("复星",),
    "cosco": ("中远",),
    "petrochina": ("中国石油", "中石油"),
    "cnooc": ("中海油",),
    "icbc": ("工商银行", "工行"),
    "china mobile": ("中国移动",),
    "china unicom": ("中国联通",),
    "china telecom": ("中国电信",),
    "air china": ("国航", "中国国航"),
    "china eastern": ("东航", "东方航空"),
    "china southern": ("南航", "南方航空"),
    "cathay pacific": ("国泰航空",),
}
