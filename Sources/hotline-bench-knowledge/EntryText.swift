/// Generates made-up knowledge-base entries the way a 12345 centre's base reads: a topic
/// (social insurance, water, the holiday schedule …), a place or a group it applies to, a
/// question, and an answer of a few hundred characters built from the topic's phrases.
/// Repeatable from the entry's number, and with a known share of each planted word.
struct EntryText {
    /// Two-character words planted in one entry in `probeShare` each, in the body; no other
    /// list holds them, so a search for one matches a known count.
    static let probes = ["鸳鸯", "琥珀", "翡翠", "珊瑚", "琵琶", "骆驼", "蝴蝶", "蜻蜓", "麒麟", "凤凰"]
    static let probeShare = 1000

    /// Topics: category, the words of titles, and phrases the answers are made of.
    static let topics: [(category: String, subjects: [String], phrases: [String])] = [
        (
            "social-insurance", ["社保卡补办", "养老保险缴费", "医保报销", "失业金申领", "灵活就业参保", "异地就医备案"],
            [
                "携带本人身份证原件", "到社保服务大厅或合作银行网点办理", "可通过官方App线上申请", "缴费满十五年", "按月领取",
                "备案后直接结算", "以人社部门核定为准", "办理时限为十五个工作日",
            ]
        ),
        (
            "water-supply", ["计划停水", "水费缴纳", "水压低", "水质问题", "水表校验", "二次供水"],
            [
                "由水务集团提前二十四小时发布通知", "恢复供水后放水几分钟", "户号印在水费单上", "高层由物业泵房加压",
                "抢修一般十二小时内完成", "可申请上门取样检测",
            ]
        ),
        (
            "power", ["计划停电", "电费查询", "电压不稳", "故障报修", "电表校验"],
            [
                "可在网上国网App查询", "拨打95598报修", "抢修人员四十五分钟内到达", "缴清欠费后二十四小时内复电",
                "确属供电原因的可申请赔偿",
            ]
        ),
        (
            "gas", ["燃气开户", "燃气安检", "燃气泄漏", "燃气表故障"],
            ["立即关闭燃气总阀并开窗通风", "不要开关电器和使用明火", "燃气公司每年免费入户安检", "携带房产证明到营业厅办理"]
        ),
        (
            "housing", ["物业服务", "维修基金", "不动产登记", "公租房申请", "老旧小区改造"],
            [
                "向住建部门投诉", "使用维修资金需经业主表决", "在政务服务网预约办理", "符合条件的家庭可申请",
                "五个工作日内发证",
            ]
        ),
        (
            "roads", ["道路坑洼", "井盖缺失", "路灯不亮", "占道经营", "共享单车乱停"],
            ["请说明路名和具体位置", "转城管部门处置", "先设置围挡警示", "三个工作日内修复", "纳入维修计划"]
        ),
        (
            "holiday", ["春节放假", "国庆放假", "调休上班", "节假日办理时限"],
            ["按国务院办公厅通知执行", "热线节假日照常受理", "办理时限自节后第一个工作日起算", "紧急诉求不受节假日影响"]
        ),
        (
            "market", ["消费纠纷", "食品安全", "价格欺诈", "预付卡退费"],
            ["保留消费凭证", "可通过12315平台投诉", "市场监管部门依法调解", "属实的依法查处并反馈"]
        ),
        (
            "labour", ["拖欠工资", "劳动合同", "工伤认定", "职业培训补贴"],
            ["向劳动保障监察机构投诉", "提供劳动合同和工资记录", "受理后依法限期处理", "在规定期限内申请"]
        ),
        (
            "education", ["入学报名", "学位申请", "校外培训", "学生资助"],
            ["按户籍和居住地划片", "在教育局网站报名", "材料审核后公示结果", "家庭经济困难学生可申请"]
        ),
    ]
    /// Who or where an entry applies to.
    static let scopes = [
        "岳阳楼区", "云溪区", "君山区", "经开区", "南湖新区", "屈原管理区", "汨罗市", "临湘市", "华容县", "湘阴县",
        "平江县", "退休人员", "外地来岳人员", "新就业大学生", "个体工商户", "残疾人", "老年人", "低保家庭",
        "农民工", "企业职工",
    ]
    static let questions = ["怎么办理", "需要什么材料", "多久能办好", "在哪里办", "有什么条件", "如何查询", "费用多少"]

    /// The fields of entry number `index`.
    static func entry(_ index: Int) -> (title: String, body: String, category: String, keywords: [String]) {
        var random = SplitMix64(seed: UInt64(index) &* 0x9E37_79B9)
        func pick<T>(_ values: [T]) -> T { values[Int(random.next() % UInt64(values.count))] }
        let topic = pick(topics)
        let subject = pick(topic.subjects)
        let scope = pick(scopes)
        let question = pick(questions)
        let title = "\(scope)\(subject)\(question)（第\(index)号）"
        var sentences: [String] = []
        for _ in 0..<(4 + Int(random.next() % 5)) { sentences.append(pick(topic.phrases)) }
        if index % probeShare == 7 {
            sentences.insert("如遇\(probes[(index / probeShare) % probes.count])等特殊情况请来电", at: 1)
        }
        let body = "关于\(scope)\(subject)：" + sentences.joined(separator: "，") + "。具体以主管部门最新公告为准。"
        return (title, body, topic.category, [subject, scope])
    }

    /// The probe entry number `index` holds, if any.
    static func probe(_ index: Int) -> String? {
        index % probeShare == 7 ? probes[(index / probeShare) % probes.count] : nil
    }
}

/// A small, fast, seeded generator (SplitMix64): the same entries on every run.
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
