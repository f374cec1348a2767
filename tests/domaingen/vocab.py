"""Word lists for the domain generator, written from the domain notes (not from any extractor).

Counties are real (province, prefecture, county) triples so that a gazetteer can place them; the
towns and villages below them are composed from common place-name parts, as real ones are.
"""

from __future__ import annotations

# (province, prefecture, county, approx. latitude, approx. longitude, landline area code)
COUNTIES: tuple[tuple[str, str, str, float, float, str], ...] = (
    ("河北省", "衡水市", "安平县", 38.23, 115.52, "0318"),
    ("河北省", "保定市", "涞源县", 39.36, 114.69, "0312"),
    ("山西省", "忻州市", "五台县", 38.73, 113.25, "0350"),
    ("山西省", "大同市", "阳高县", 40.36, 113.75, "0352"),
    ("湖南省", "常德市", "石门县", 29.58, 111.38, "0736"),
    ("湖南省", "怀化市", "沅陵县", 28.45, 110.39, "0745"),
    ("湖北省", "宜昌市", "长阳土家族自治县", 30.47, 111.20, "0717"),
    ("湖北省", "十堰市", "竹山县", 32.22, 110.23, "0719"),
    ("四川省", "绵阳市", "平武县", 32.41, 104.53, "0816"),
    ("甘肃省", "酒泉市", "金塔县", 39.98, 98.90, "0937"),
    ("甘肃省", "张掖市", "高台县", 39.38, 99.82, "0936"),
    ("青海省", "海西蒙古族藏族自治州", "乌兰县", 36.93, 98.48, "0977"),
    ("河南省", "洛阳市", "栾川县", 33.78, 111.62, "0379"),
    ("山东省", "威海市", "荣成市", 37.17, 122.49, "0631"),
    ("浙江省", "舟山市", "岱山县", 30.24, 122.20, "0580"),
    ("福建省", "宁德市", "霞浦县", 26.89, 120.00, "0593"),
    ("广东省", "湛江市", "徐闻县", 20.33, 110.18, "0759"),
    ("云南省", "大理白族自治州", "宾川县", 25.83, 100.58, "0872"),
    ("贵州省", "安顺市", "关岭布依族苗族自治县", 25.94, 105.62, "0851"),
    ("江西省", "赣州市", "安远县", 25.14, 115.39, "0797"),
    ("安徽省", "六安市", "霍山县", 31.39, 116.33, "0564"),
    ("吉林省", "白山市", "长白朝鲜族自治县", 41.42, 128.20, "0439"),
    ("黑龙江省", "黑河市", "逊克县", 49.56, 128.48, "0456"),
    ("辽宁省", "丹东市", "宽甸满族自治县", 40.73, 124.78, "0415"),
    ("宁夏回族自治区", "中卫市", "海原县", 36.57, 105.65, "0955"),
    ("内蒙古自治区", "阿拉善盟", "额济纳旗", 41.95, 101.07, "0483"),
)

SURNAMES = (
    "马李王张刘陈杨赵黄周吴徐孙胡朱高林何郭罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜"
    "戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
PLACE_HEADS = ("家营", "家湾", "家坪", "家庄", "家沟", "家岭", "家寨", "家河", "家堡", "家洼", "家店", "家桥")
PLACE_WORDS = (
    "石桥", "柳树", "青龙", "白杨", "黄土", "红星", "东风", "太平", "长岭", "双河", "三岔", "高峰", "清泉", "龙门",
    "凤凰", "梨树", "松林", "金沙", "银杏", "花园", "永安", "兴隆", "桃源", "新华", "团结", "和平", "大坪", "小河",
)
TOWN_SUFFIX = ("镇", "乡", "镇", "镇", "乡", "街道")
VILLAGE_SUFFIX = ("村", "村", "村", "社区")
ROADS = ("建设路", "人民路", "解放路", "迎宾大道", "滨河路", "新华街", "工业大道", "振兴路", "文化路", "长江路")

GIVEN_NAMES = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红玉兰海波鹏辉宇浩然欣怡晨阳子轩梓涵俊峰文博"
# Common full names that occur as contacts in countless unrelated notices.
COMMON_CONTACTS = ("张伟", "王芳", "李娜", "刘洋", "王静", "李强", "张敏", "王磊")

# Two-character words for project code names (北辰计划, 鲲鹏工程 ...).
CODENAME_WORDS = (
    "北辰", "鲲鹏", "天枢", "玄武", "青鸾", "赤霄", "长缨", "烽燧", "星河", "雪鹰", "磐石", "昆仑", "天狼", "海燕",
    "飞虹", "凌云", "劲松", "砺剑", "镇远", "定海", "破晓", "惊雷", "银河", "追风", "神弓", "苍龙", "朱雀", "白虎",
    "太行", "祁连", "天山", "雁门", "玉门", "嘉峪", "潜龙", "金盾", "利剑", "长城", "蓝天", "碧海", "晨曦", "远望",
    "天眼", "鸿雁", "飞鱼", "猎鹰", "黑鹰", "夜枭", "翠微", "龙吟",
)
CODENAME_SUFFIX = ("计划", "工程", "项目")
EN_CODENAMES = (
    "Kestrel", "Harrier", "Sentinel", "Trident", "Basalt", "Granite", "Cobalt", "Osprey", "Falcon", "Condor",
    "Meridian", "Polaris", "Halyard", "Bastion", "Rampart", "Anvil", "Lantern", "Vigil", "Tern", "Albatross",
    "Cormorant", "Gannet", "Petrel", "Skua", "Marlin", "Wahoo", "Barracuda", "Stingray", "Talon", "Quiver",
)
MODEL_PREFIXES = ("JX", "KZ", "HQ", "TL", "YJ", "FB", "SD", "LH")

# Sensitive purposes as they are written in notices (the policy lists the stems).
SENSITIVE_PURPOSES_ZH = (
    "雷达天线罩", "雷达站", "远程预警雷达阵地", "导弹维修厂房", "导弹库", "弹药库", "弹药储存洞库", "地下指挥所",
    "指挥所防护工程", "卫星测控站", "卫星测控天线基座", "机库", "加固机库", "油料洞库",
)
SENSITIVE_PURPOSES_EN = (
    "over-the-horizon radar", "radar facility", "missile maintenance facility", "munitions storage igloos",
    "ammunition supply point", "aircraft hangar", "hardened hangars", "weapons storage area", "command post",
    "missile alert facility", "satellite tracking station",
)
POLICY_PURPOSES = (
    "雷达", "导弹", "弹药", "指挥所", "卫星测控", "机库", "洞库", "radar", "missile", "ammunition",
    "munitions", "hangar", "weapons storage", "command post", "satellite tracking",
)

# Harmless purposes: many unrelated projects, some with template names shared by hundreds.
HARMLESS_PURPOSES_ZH = (
    "农田水利设施建设项目", "高标准农田建设项目", "乡村道路硬化工程", "农村饮水安全巩固提升工程",
    "中心小学教学楼改扩建工程",
    "卫生院门诊楼维修工程", "污水处理厂提标改造工程", "河道综合治理工程", "老旧小区改造项目", "文化广场建设项目",
    "光伏发电项目", "变电站10kV配套工程", "便民服务中心装修工程", "路灯照明提升工程", "垃圾转运站建设项目",
    "幼儿园新建工程", "人行天桥建设工程", "农贸市场改造工程", "林区防火通道建设项目", "水库除险加固工程",
)
HARMLESS_PURPOSES_EN = (
    "child development center", "dormitory renovation", "dining facility", "fitness center", "runway lighting repair",
    "road resurfacing", "elementary school", "flood recovery rebuild", "water treatment upgrade", "visitor center",
    "family housing repairs", "chapel renovation",
)

# English places: bases, islands, towns and countries.
EN_PLACES = (
    ("Wake Island", "Wake Island"),
    ("Tinian", "Tinian, Commonwealth of the Northern Mariana Islands"),
    ("Andersen Air Force Base", "Andersen Air Force Base, Guam"),
    ("Kwajalein Atoll", "Kwajalein Atoll, Republic of the Marshall Islands"),
    ("Palau", "Angaur, Palau"),
    ("Diego Garcia", "Diego Garcia, British Indian Ocean Territory"),
    ("Misawa Air Base", "Misawa Air Base, Japan"),
    ("Camp Humphreys", "Camp Humphreys, South Korea"),
    ("Ramstein Air Base", "Ramstein Air Base, Germany"),
    ("RAF Lakenheath", "RAF Lakenheath, England"),
    ("Naval Station Rota", "Naval Station Rota, Spain"),
    ("Eielson Air Force Base", "Eielson Air Force Base, Alaska"),
    ("F.E. Warren Air Force Base", "F.E. Warren Air Force Base, Wyoming"),
    ("Malmstrom Air Force Base", "Malmstrom Air Force Base, Montana"),
    ("Minot Air Force Base", "Minot Air Force Base, North Dakota"),
    ("Tyndall Air Force Base", "Tyndall Air Force Base, Florida"),
    ("Fort Greely", "Fort Greely, Alaska"),
    ("Darwin", "Darwin, Australia"),
    ("Shemya Island", "Shemya Island, Alaska"),
    ("Yap", "Yap, Federated States of Micronesia"),
)
EN_FIRMS = (
    "Black Construction Corp.", "Harbor Pacific Builders LLC", "Granite Ridge Contractors Inc.",
    "Northstar Federal Services LLC", "Summit Defense Constructors JV", "Blue Water Engineering Co.",
    "Ironclad Civil Works Inc.", "Frontier Mechanical LLC", "Coastal Bay Builders Inc.", "Red Mesa Constructors LLC",
)
EN_CITIES = (
    "Honolulu, Hawaii", "Harmon, Guam", "Anchorage, Alaska", "Cheyenne, Wyoming", "Omaha, Nebraska",
    "Norfolk, Virginia", "San Diego, California", "Mobile, Alabama", "Fort Worth, Texas", "Tacoma, Washington",
)
EN_PEOPLE = ("Nicole Kimoto", "James Carter", "Maria Lopez", "David Kim", "Sarah Mitchell", "Robert Hayes")

BIDDERS_ZH = (
    "中建一局集团建设发展有限公司", "中国化学工程第十四建设有限公司", "江汉油田泓盛油化工程潜江有限责任公司",
    "湖南建工集团有限公司", "山西建投第五建筑工程有限公司", "河北建设集团股份有限公司", "四川华西集团有限公司",
    "甘肃第一建设集团有限责任公司", "云南建投第二建设有限公司", "浙江舟山海洋工程有限公司", "福建路港集团有限公司",
    "广东水电二局股份有限公司", "中铁十二局集团有限公司", "中交一公局集团有限公司", "葛洲坝集团第五工程有限公司",
)
AGENCY_WORDS = ("诚信", "公诚", "中信", "鼎盛", "华建", "正衡", "明达", "安正", "宏远", "国信")

STANDARDS = (
    "GB 50016-2014", "GB/T 50378-2019", "JGJ 59-2011", "ISO 9001:2015", "DL/T 5161", "GB 50300-2013",
    "JGJ 46-2005", "ISO 14001:2015", "GB/T 19001-2016", "GB 50204-2015",
)
