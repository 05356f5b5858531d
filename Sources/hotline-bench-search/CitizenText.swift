/// Generates the words of made-up 12345 tickets: varied, Chinese, repeatable from a seed, and
/// with a known share of each word. Every ticket gets a district, a street, a place and a
/// problem from fixed lists; one ticket in `probeShare` also gets one of the `probes`, words
/// that appear nowhere else, so a search for a probe matches a known count of tickets.
struct CitizenText {
    /// Two-character words planted in a known share of tickets; no other list holds one, and
    /// the benchmark checks that a search finds exactly the tickets it planted them in.
    static let probes = [
        "井盖", "渗漏", "塌陷", "异味", "倒灌", "霉斑", "鼠患", "蚊蝇", "裂缝", "积冰",
        "枯枝", "锈蚀", "滴漏", "堵塞", "脱落", "歪斜", "坍塌", "熏烤", "烟尘", "啸叫",
    ]

    static let districts = [
        "东城区", "西城区", "朝阳区", "海淀区", "丰台区", "石景山区", "通州区", "昌平区",
        "大兴区", "顺义区", "房山区", "门头沟区", "怀柔区", "平谷区", "密云区", "延庆区",
    ]
    static let streetFirst = [
        "建", "和", "平", "安", "东", "西", "南", "北", "新", "长", "光", "华", "中", "文", "明", "民", "学", "府", "阳", "春",
    ]
    static let streetSecond = ["兴", "华", "安", "明", "光", "平", "康", "宁", "福", "顺"]
    static let streetKind = ["路", "街", "大道", "胡同"]
    static let places = [
        "小区", "菜市场", "学校门口", "公交站", "地铁站出口", "医院附近", "公园", "商场", "写字楼", "老旧小区",
        "家属院", "底商", "村委会旁", "工地", "停车场",
    ]
    /// Problems by category, with the unit that handles each category.
    static let problems: [(category: String, unit: String, phrases: [String])] = [
        ("water", "water", ["停水", "水压低", "水质发黄", "水管爆裂", "自来水有杂质", "二次供水不达标"]),
        ("power", "power", ["停电", "电压不稳", "路灯不亮", "电线私拉乱接", "充电桩无法使用"]),
        ("gas", "gas", ["燃气味道大", "燃气表故障", "燃气费用异常"]),
        ("heating", "housing", ["暖气不热", "供暖温度不达标", "暖气漏水", "供暖费收取不合理"]),
        ("property", "housing", ["物业不作为", "电梯故障", "楼道杂物堆放", "物业费上涨", "门禁损坏"]),
        ("noise", "environment", ["噪音扰民", "夜间施工", "广场舞音响太大", "商铺外放音乐"]),
        ("sanitation", "urban", ["垃圾清运不及时", "垃圾桶满溢", "公厕卫生差", "绿化带无人修剪"]),
        ("roads", "transport", ["道路破损", "违章停车", "占道经营", "红绿灯配时不合理", "公交车不按站停"]),
        ("wages", "hr", ["拖欠工资", "未签劳动合同", "加班费不给", "社保未缴纳"]),
        ("insurance", "hr", ["社保转移", "医保报销", "养老金发放", "失业金申领"]),
        ("market", "market", ["商品价格虚高", "食品过期", "预付卡退费难", "短斤少两"]),
        ("health", "health", ["医院挂号难", "疫苗预约", "诊所无证经营"]),
    ]
    static let durations = ["已经三天了", "持续一周", "从昨晚开始", "反复出现", "多次反映未解决", "今天上午发现", "半个多月了"]
    static let requests = [
        "请尽快处理。", "希望有关部门核实。", "请相关单位给予答复。", "要求尽快修复。", "请派人查看。",
        "希望彻底解决。", "请给个说法。",
    ]
    static let details = [
        "家里有老人和孩子，生活很不方便。", "周边居民意见很大。", "打过物业电话没人管。", "影响正常上下班。",
        "已经向社区反映过。", "存在安全隐患。", "晚上根本睡不着。", "附近商户也受影响。",
    ]

    /// One ticket's words.
    struct Words {
        let title: String
        let content: String
        let address: String
        let district: String
        let category: String
        let unit: String
        /// The probe planted in this ticket, if any.
        let probe: String?
    }

    /// One in this many tickets holds a probe (each of the 20 probes then holds about
    /// 1/(20 · probeShare) of all tickets: ≈ 1,000 of 1,000,000 at 50).
    static let probeShare: UInt64 = 50

    /// The words of ticket `index` (the same index gives the same words).
    static func words(_ index: Int) -> Words {
        var random = SplitMix64(seed: UInt64(index) &* 0x9E37_79B9_7F4A_7C15 &+ 1)
        func pick<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }
        let district = pick(districts)
        let street = pick(streetFirst) + pick(streetSecond) + pick(streetKind)
        let place = pick(places)
        let problem = pick(problems)
        let phrase = pick(problem.phrases)
        let number = 1 + Int(random.next() % 300)
        let probe = random.next() % probeShare == 0 ? pick(probes) : nil
        var content = "\(district)\(street)\(number)号\(place)\(phrase)，\(pick(durations))。"
        for _ in 0..<(1 + random.next() % 3) { content += pick(details) }
        if let probe { content += "现场发现\(probe)情况。" }
        content += pick(requests)
        return Words(
            title: phrase,
            content: content,
            address: "\(district)\(street)\(number)号",
            district: district,
            category: problem.category,
            unit: problem.unit,
            probe: probe
        )
    }
}

/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64), so that a
/// benchmark's data is the same on every run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
