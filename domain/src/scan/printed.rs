//! Reading the printed text of a business card, as an OCR reader gives it (one [`TextLine`] per
//! line, with where it sits and how tall its letters are), into values for the capture form.
//!
//! The values found go through the same placement as a scanned vCard's ([`Card::finish`]): every
//! value filled is one the form stores unchanged, and what has no field of its own (a landline, a
//! fax, the website, the address, the department, a second company name in English) becomes a
//! labelled line of notes. On top of that, an unsure reading stays empty rather than wrong:
//!
//! - a line the reader was unsure of (confidence under [`SURE`]) gives no name, company or title;
//! - the name is a line of two to four Chinese characters starting with a known surname, or, on a
//!   card in Latin letters, two or three capitalised words; the tallest such line, and none when
//!   two of them are as tall;
//! - the company is a line ending with a legal form (有限公司, 集团, 公司, Co., Ltd., Inc., …);
//!   the title a short line holding a known title (总经理, 总监, Director, …);
//! - contacts are read by their labels (手机, 电话, Tel, 传真, Fax, 微信, …) and by their shape (a
//!   mainland mobile number, an email address, a web address);
//! - the province and the city come from the address (or any line naming them), by name.

use serde::{Deserialize, Serialize};

use super::{label, Card, Phone, PhoneKind, ScanKind, Scanned};
use crate::origin::Province;
use crate::text::fold_width;

/// The confidence under which a line gives no name, company or title (contacts are checked by
/// their shape and stay).
pub const SURE: f32 = 0.6;

/// One line of a card's text as the OCR reader read it: its text, its box in the photo's pixels
/// (`height` is about the letters' size), and how sure the reader was (0 to 1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TextLine {
    pub text: String,
    #[serde(default)]
    pub left: f32,
    #[serde(default)]
    pub top: f32,
    #[serde(default)]
    pub width: f32,
    #[serde(default)]
    pub height: f32,
    #[serde(default = "fully_sure")]
    pub confidence: f32,
}

fn fully_sure() -> f32 {
    1.0
}

impl TextLine {
    /// A line of `text`, `height` pixels tall, read with full confidence (for tests and tools).
    pub fn new(text: &str, top: f32, height: f32) -> Self {
        TextLine { text: text.to_owned(), left: 0.0, top, width: 0.0, height, confidence: 1.0 }
    }
}

/// What a line's label says it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Label {
    Mobile,
    Phone,
    Fax,
    Email,
    Wechat,
    Web,
    Address,
    Qq,
}

/// Labels as cards print them, longest first where one starts another; matched without regard to
/// case, and only when followed by a separator or the value itself.
const LABELS: &[(&str, Label)] = &[
    ("移动电话", Label::Mobile),
    ("手机号码", Label::Mobile),
    ("手机", Label::Mobile),
    ("mobile phone", Label::Mobile),
    ("mobile", Label::Mobile),
    ("mob", Label::Mobile),
    ("cell", Label::Mobile),
    ("办公电话", Label::Phone),
    ("联系电话", Label::Phone),
    ("固定电话", Label::Phone),
    ("座机", Label::Phone),
    ("电话", Label::Phone),
    ("总机", Label::Phone),
    ("telephone", Label::Phone),
    ("phone", Label::Phone),
    ("tel", Label::Phone),
    ("传真", Label::Fax),
    ("fax", Label::Fax),
    ("电子邮箱", Label::Email),
    ("电子邮件", Label::Email),
    ("邮箱", Label::Email),
    ("e-mail", Label::Email),
    ("email", Label::Email),
    ("mail", Label::Email),
    ("微信号", Label::Wechat),
    ("微信", Label::Wechat),
    ("wechat", Label::Wechat),
    ("weixin", Label::Wechat),
    ("wx", Label::Wechat),
    ("网址", Label::Web),
    ("网站", Label::Web),
    ("主页", Label::Web),
    ("website", Label::Web),
    ("web", Label::Web),
    ("url", Label::Web),
    ("公司地址", Label::Address),
    ("地址", Label::Address),
    ("地 址", Label::Address),
    ("address", Label::Address),
    ("add", Label::Address),
    ("addr", Label::Address),
    ("qq", Label::Qq),
];

/// One-letter labels (`M: 138…`, `T 028-…`, `E: a@b.cn`): only with a separator after them and
/// the value they announce (a number, an email address), so that `A. Smith` stays a name.
const LETTER_LABELS: &[(char, Label)] =
    &[('m', Label::Mobile), ('t', Label::Phone), ('p', Label::Phone), ('f', Label::Fax), ('e', Label::Email)];

/// Chinese legal forms and kinds of organisation a company line ends with, with how surely each
/// names the company (an investor's company over a department or a centre).
const COMPANY_ENDINGS: &[(&str, u8)] = &[
    ("股份有限公司", 4),
    ("有限责任公司", 4),
    ("有限公司", 4),
    ("集团公司", 4),
    ("株式会社", 4),
    ("分公司", 3),
    ("公司", 3),
    ("集团", 3),
    ("事务所", 3),
    ("研究院", 3),
    ("研究所", 3),
    ("设计院", 3),
    ("银行", 3),
    ("商会", 2),
    ("协会", 2),
    ("联合会", 2),
    ("基金会", 2),
    ("大学", 2),
    ("学院", 2),
    ("医院", 2),
    ("管委会", 2),
    ("委员会", 2),
    ("人民政府", 2),
    ("促进局", 2),
    ("招商局", 2),
    ("工作室", 2),
    ("合作社", 2),
    ("办事处", 2),
    ("厂", 1),
];

/// English legal forms a company line ends with (lower case, without the final full stop).
const COMPANY_ENDINGS_EN: &[&str] = &[
    "co., ltd",
    "co.,ltd",
    "co. ltd",
    "co ltd",
    "company limited",
    "pte. ltd",
    "pte ltd",
    "ltd",
    "limited",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "group",
    "holdings",
    "llc",
    "gmbh",
    "plc",
    "ag",
    "s.a",
    "b.v",
    "k.k",
];

/// What a department line ends with.
const DEPARTMENT_ENDINGS: &[&str] = &["事业部", "办公室", "部", "处", "科", "中心"];

/// Titles as cards print them (a line holding one, and short, is a title).
const TITLES: &[&str] = &[
    "董事长",
    "副董事长",
    "董事",
    "总经理",
    "副总经理",
    "总裁",
    "副总裁",
    "执行总裁",
    "首席执行官",
    "首席技术官",
    "首席财务官",
    "首席代表",
    "总监",
    "副总监",
    "经理",
    "副经理",
    "主任",
    "副主任",
    "部长",
    "副部长",
    "处长",
    "副处长",
    "科长",
    "副科长",
    "局长",
    "副局长",
    "主管",
    "专员",
    "顾问",
    "工程师",
    "总工",
    "秘书长",
    "会长",
    "理事长",
    "院长",
    "所长",
    "教授",
    "研究员",
    "合伙人",
    "创始人",
    "主席",
    "书记",
    "代表",
    "行长",
    "厂长",
    "校长",
    "律师",
    "会计师",
    "设计师",
    "助理",
    "负责人",
    "店长",
    "董秘",
    "监事",
    "社长",
    "区长",
    "县长",
    "市长",
    "委员",
    "干事",
    "总助",
    "销售",
    "客户经理",
    "商务",
];

/// English titles, matched as whole words without regard to case.
const TITLES_EN: &[&str] = &[
    "ceo",
    "cto",
    "cfo",
    "coo",
    "cmo",
    "cio",
    "vp",
    "president",
    "chairman",
    "chairwoman",
    "director",
    "manager",
    "engineer",
    "consultant",
    "partner",
    "founder",
    "co-founder",
    "head",
    "officer",
    "secretary",
    "representative",
    "executive",
    "analyst",
    "specialist",
    "assistant",
    "supervisor",
    "principal",
    "professor",
    "counsel",
    "attorney",
    "lawyer",
    "accountant",
    "designer",
    "coordinator",
    "advisor",
    "adviser",
    "associate",
    "sales",
    "general",
];

/// Two-character surnames (复姓).
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "令狐", "端木", "轩辕", "独孤",
    "南宫", "西门", "呼延", "澹台", "公冶", "申屠", "太史", "闻人", "万俟", "钟离", "宗政", "濮阳", "淳于", "单于", "赫连", "拓跋", "第五",
];

/// The common one-character surnames.
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜\
崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞\
颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解\
牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞\
敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰\
支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利\
於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由";

/// Provinces by the names addresses give them (the full name first where a short one starts it).
const PROVINCE_NAMES: &[(&str, Province)] = &[
    ("北京", Province::Beijing),
    ("天津", Province::Tianjin),
    ("河北", Province::Hebei),
    ("山西", Province::Shanxi),
    ("内蒙古", Province::InnerMongolia),
    ("辽宁", Province::Liaoning),
    ("吉林", Province::Jilin),
    ("黑龙江", Province::Heilongjiang),
    ("上海", Province::Shanghai),
    ("江苏", Province::Jiangsu),
    ("浙江", Province::Zhejiang),
    ("安徽", Province::Anhui),
    ("福建", Province::Fujian),
    ("江西", Province::Jiangxi),
    ("山东", Province::Shandong),
    ("河南", Province::Henan),
    ("湖北", Province::Hubei),
    ("湖南", Province::Hunan),
    ("广东", Province::Guangdong),
    ("广西", Province::Guangxi),
    ("海南", Province::Hainan),
    ("重庆", Province::Chongqing),
    ("四川", Province::Sichuan),
    ("贵州", Province::Guizhou),
    ("云南", Province::Yunnan),
    ("西藏", Province::Tibet),
    ("陕西", Province::Shaanxi),
    ("甘肃", Province::Gansu),
    ("青海", Province::Qinghai),
    ("宁夏", Province::Ningxia),
    ("新疆", Province::Xinjiang),
    ("台湾", Province::Taiwan),
    ("香港", Province::HongKong),
    ("澳门", Province::Macau),
];

/// The four municipalities and the two special administrative regions: their own city.
const CITY_PROVINCES: &[Province] =
    &[Province::Beijing, Province::Tianjin, Province::Shanghai, Province::Chongqing, Province::HongKong, Province::Macau];

/// Cities an address may name without its province: the provincial capitals and the largest
/// others.
const CITIES: &[(&str, Province)] = &[
    ("石家庄", Province::Hebei),
    ("唐山", Province::Hebei),
    ("太原", Province::Shanxi),
    ("呼和浩特", Province::InnerMongolia),
    ("包头", Province::InnerMongolia),
    ("沈阳", Province::Liaoning),
    ("大连", Province::Liaoning),
    ("长春", Province::Jilin),
    ("哈尔滨", Province::Heilongjiang),
    ("南京", Province::Jiangsu),
    ("苏州", Province::Jiangsu),
    ("无锡", Province::Jiangsu),
    ("常州", Province::Jiangsu),
    ("杭州", Province::Zhejiang),
    ("宁波", Province::Zhejiang),
    ("温州", Province::Zhejiang),
    ("合肥", Province::Anhui),
    ("福州", Province::Fujian),
    ("厦门", Province::Fujian),
    ("泉州", Province::Fujian),
    ("南昌", Province::Jiangxi),
    ("济南", Province::Shandong),
    ("青岛", Province::Shandong),
    ("烟台", Province::Shandong),
    ("郑州", Province::Henan),
    ("洛阳", Province::Henan),
    ("武汉", Province::Hubei),
    ("宜昌", Province::Hubei),
    ("长沙", Province::Hunan),
    ("广州", Province::Guangdong),
    ("深圳", Province::Guangdong),
    ("东莞", Province::Guangdong),
    ("佛山", Province::Guangdong),
    ("珠海", Province::Guangdong),
    ("南宁", Province::Guangxi),
    ("海口", Province::Hainan),
    ("三亚", Province::Hainan),
    ("成都", Province::Sichuan),
    ("绵阳", Province::Sichuan),
    ("德阳", Province::Sichuan),
    ("宜宾", Province::Sichuan),
    ("泸州", Province::Sichuan),
    ("资阳", Province::Sichuan),
    ("眉山", Province::Sichuan),
    ("乐山", Province::Sichuan),
    ("南充", Province::Sichuan),
    ("贵阳", Province::Guizhou),
    ("遵义", Province::Guizhou),
    ("昆明", Province::Yunnan),
    ("拉萨", Province::Tibet),
    ("西安", Province::Shaanxi),
    ("兰州", Province::Gansu),
    ("西宁", Province::Qinghai),
    ("银川", Province::Ningxia),
    ("乌鲁木齐", Province::Xinjiang),
    ("台北", Province::Taiwan),
];

/// What a line of the card was read as.
#[derive(Clone, Debug, Default)]
struct Read {
    /// The text left once labelled values, contacts and web addresses are taken out.
    rest: String,
    address: Option<String>,
}

/// Reads a card's lines into values for the form. Never panics.
pub fn read_printed(lines: &[TextLine]) -> Scanned {
    let mut card = Card::default();
    let mut addresses: Vec<String> = Vec::new();
    let mut free: Vec<(String, f32)> = Vec::new();
    for line in lines {
        let text = collapse_spaces(&fold_width(&line.text));
        // A confidence that is no number (NaN) gives nothing.
        if text.is_empty() || line.confidence.is_nan() {
            continue;
        }
        let mut rest = String::new();
        for segment in segments(&text) {
            let read = read_line(segment, &mut card);
            if let Some(address) = read.address {
                addresses.push(address);
            }
            if !read.rest.is_empty() {
                if !rest.is_empty() {
                    rest.push(' ');
                }
                rest.push_str(&read.rest);
            }
        }
        let rest = rest.trim_matches(|c: char| c.is_whitespace() || matches!(c, '|' | '/' | ',' | ';' | ':' | '·'));
        if !rest.is_empty() && line.confidence >= SURE {
            let height = if line.height.is_finite() && line.height > 0.0 { line.height } else { 0.0 };
            free.push((rest.to_owned(), height));
        }
    }

    // An unlabelled line that reads as an address.
    free.retain(|(text, _)| {
        if looks_like_address(text) {
            addresses.push(text.clone());
            false
        } else {
            true
        }
    });

    place_organisation_and_people(&free, &mut card);
    for address in &addresses {
        card.notes.push(format!("{}{address}", label::ADDRESS));
    }
    let mut scanned = card.finish(ScanKind::Printed);
    let (province, city) = addresses.iter().find_map(|text| place_of(text)).unwrap_or((None, None));
    scanned.province = province;
    scanned.city = city;
    scanned
}

/// Takes a line's labelled value or its contacts into `card`; returns what is left of it.
fn read_line(text: &str, card: &mut Card) -> Read {
    if let Some((label, value)) = split_label(text) {
        let value = value.trim();
        match label {
            Label::Address => return Read { rest: String::new(), address: Some(value.to_owned()).filter(|v| !v.is_empty()) },
            Label::Wechat => {
                let id = value.split_whitespace().next().unwrap_or_default();
                if !id.is_empty() {
                    card.wechats.push(id.to_owned());
                }
                let rest = value[id.len()..].to_owned();
                return read_contacts(&rest, card, None);
            }
            Label::Qq => {
                card.notes.push(format!("QQ：{value}"));
                return Read::default();
            }
            Label::Web => {
                card.notes.push(format!("{}{value}", label::WEB));
                return Read::default();
            }
            other => return read_contacts(value, card, Some(other)),
        }
    }
    read_contacts(text, card, None)
}

/// `text` after `name`, compared without regard to ASCII case.
fn strip_label<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = text;
    for wanted in name.chars() {
        let mut chars = rest.chars();
        if chars.next()?.to_ascii_lowercase() != wanted {
            return None;
        }
        rest = chars.as_str();
    }
    Some(rest)
}

/// The label a line starts with, and the value after it.
fn split_label(text: &str) -> Option<(Label, &str)> {
    for (name, label) in LABELS {
        if let Some(value) = strip_label(text, name) {
            let separated =
                value.starts_with([':', '：', '.', ' ', '/']) || value.starts_with(|c: char| c.is_ascii_digit() || c == '+' || c == '(');
            let cjk_label = !name.is_ascii();
            if separated || (cjk_label && !value.is_empty()) {
                return Some((*label, value.trim_start_matches([':', '：', '.', ' ', '/'])));
            }
        }
    }
    let mut chars = text.chars();
    let first = chars.next()?.to_ascii_lowercase();
    let second = chars.next()?;
    let (_, label) = LETTER_LABELS.iter().find(|(c, _)| *c == first)?;
    let value = chars.as_str().trim_start();
    let announced = match label {
        Label::Email => value.contains('@'),
        _ => value.starts_with(|c: char| c.is_ascii_digit() || c == '+' || c == '('),
    };
    (matches!(second, ':' | '：' | '.' | ' ') && announced).then_some((*label, value))
}

/// A line cut where a label starts inside it (`电话：028-8888 6666 传真：028-8888 6667`), so that
/// each value is read under its own label.
fn segments(text: &str) -> Vec<&str> {
    let mut cuts = vec![0];
    for (at, _) in text.char_indices().skip(1) {
        let before = text[..at].chars().next_back();
        let rest = &text[at..];
        let starts_label = LABELS.iter().any(|(name, _)| {
            let cjk = !name.is_ascii();
            strip_label(rest, name).is_some_and(|after| {
                if cjk {
                    after.starts_with([':', '：'])
                } else {
                    before == Some(' ') && after.starts_with([':', '：'])
                }
            })
        });
        if starts_label {
            cuts.push(at);
        }
    }
    cuts.push(text.len());
    cuts.windows(2).map(|w| text[w[0]..w[1]].trim()).filter(|s| !s.is_empty()).collect()
}

/// Takes the email addresses, web addresses and telephone numbers out of `text` (numbers of the
/// kind `label` says, else of the kind their shape says); returns what is left.
fn read_contacts(text: &str, card: &mut Card, label: Option<Label>) -> Read {
    let mut rest = String::new();
    for word in text.split(' ') {
        if let Some(email) = email_in(word) {
            card.emails.push(email);
        } else if is_web_address(word) {
            card.notes.push(format!("{}{word}", label::WEB));
        } else {
            if !rest.is_empty() {
                rest.push(' ');
            }
            rest.push_str(word);
        }
    }
    let (numbers, rest) = take_numbers(&rest);
    for number in numbers {
        let kind = match label {
            Some(Label::Fax) => PhoneKind::Fax,
            Some(Label::Mobile) => PhoneKind::Cell,
            _ => PhoneKind::Other,
        };
        // A landline labelled as such stays out of the mobile field: `place_phones` takes any
        // mainland mobile not marked as a fax, so a labelled telephone that is a mobile still
        // counts as one (cards print mobiles under 电话 too).
        card.phones.push(Phone { number, kind });
    }
    Read { rest, address: None }
}

/// The email address in `word`, if it holds one (`a.b@c.cn`, also with `mailto:` or trailing
/// punctuation).
fn email_in(word: &str) -> Option<String> {
    let word = word.trim_matches(|c: char| matches!(c, ',' | ';' | '(' | ')' | '<' | '>' | '"' | '\''));
    let word = word.strip_prefix("mailto:").unwrap_or(word);
    let (local, domain) = word.split_once('@')?;
    let domain = domain.trim_end_matches('.');
    let ok_local = !local.is_empty() && local.chars().all(|c| c.is_ascii_alphanumeric() || "._%+-".contains(c));
    let ok_domain = domain.contains('.')
        && !domain.starts_with('.')
        && domain.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && domain.rsplit('.').next().is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
    (ok_local && ok_domain).then(|| format!("{}@{domain}", digits_read_as_letters(local)))
}

/// `local` with the letters a reader takes for digits (`l` and `I` for 1, `O` and `o` for 0)
/// read as digits where only a digit fits: after a digit, and before another digit or the end
/// (`chen7l` is `chen71`, `wang1O5` is `wang105`); a word's letters (`li7long`) stay.
fn digits_read_as_letters(local: &str) -> String {
    let digit = |c: char| match c {
        'l' | 'I' => Some('1'),
        'O' | 'o' => Some('0'),
        _ => None,
    };
    // Read left to right in place: the characters before `i` are already read (`7ll` is `711`),
    // those after it not yet.
    let mut chars: Vec<char> = local.chars().collect();
    for i in 1..chars.len() {
        let Some(d) = digit(chars[i]) else { continue };
        // The next character that is not another such letter: a digit, the end or a separator.
        let next = chars[i + 1..].iter().find(|&&c| digit(c).is_none());
        if chars[i - 1].is_ascii_digit() && next.is_none_or(|c| c.is_ascii_digit() || "._%+-".contains(*c)) {
            chars[i] = d;
        }
    }
    chars.into_iter().collect()
}

/// Whether `word` is a web address: a link, `www.…`, or a bare domain name with a common ending.
fn is_web_address(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.") {
        return lower.len() > 8;
    }
    let endings = [".com", ".cn", ".net", ".org", ".com.cn", ".gov.cn", ".edu.cn", ".cc", ".io"];
    !lower.contains('@')
        && lower.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '/'))
        && endings.iter().any(|e| lower.trim_end_matches('/').ends_with(e))
        && lower.split('.').next().is_some_and(|first| first.len() >= 2)
}

/// The telephone numbers in `text` (7 to 15 digits, with `+`, spaces, dashes, brackets and dots
/// between; an extension after 转 or `ext` goes with its number), and the text left.
fn take_numbers(text: &str) -> (Vec<String>, String) {
    let chars: Vec<char> = text.chars().collect();
    let mut numbers = Vec::new();
    let mut rest = String::new();
    let mut i = 0;
    while i < chars.len() {
        let starts =
            chars[i].is_ascii_digit() || ((chars[i] == '+' || chars[i] == '(') && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit()));
        if !starts {
            rest.push(chars[i]);
            i += 1;
            continue;
        }
        let mut j = i;
        let mut digits = 0;
        while j < chars.len() {
            let c = chars[j];
            if c.is_ascii_digit() {
                digits += 1;
            } else if !matches!(c, '+' | '-' | ' ' | '(' | ')' | '.') || (c == '+' && j != i) {
                break;
            }
            j += 1;
        }
        let run: String = chars[i..j].iter().collect();
        if digits > 15 {
            // Numbers side by side (`138 0013 8000 028-8888 6666`): cut where one is complete.
            for number in split_run(&run) {
                if (7..=15).contains(&number.chars().filter(char::is_ascii_digit).count()) {
                    numbers.push(number);
                } else {
                    rest.push_str(&number);
                    rest.push(' ');
                }
            }
            i = j;
            continue;
        }
        let mut number: String = run.trim_end_matches([' ', '-', '.', '(']).to_owned();
        if (7..=15).contains(&digits) {
            // An extension: 转 8001, ext. 8001, -8001 after a landline.
            let tail: String = chars[j..].iter().collect();
            let tail_trim = tail.trim_start();
            for marker in ["转", "ext.", "ext", "x"] {
                if let Some(after) = tail_trim.strip_prefix(marker) {
                    let ext: String = after.trim_start().chars().take_while(char::is_ascii_digit).collect();
                    if !ext.is_empty() && ext.len() <= 6 {
                        let consumed = tail.len() - after.trim_start()[ext.len()..].len();
                        number = format!("{number} 转 {ext}");
                        j += tail[..consumed].chars().count();
                        break;
                    }
                }
            }
            numbers.push(number);
        } else {
            rest.push_str(&chars[i..j].iter().collect::<String>());
        }
        i = j;
    }
    (numbers, collapse_spaces(&rest))
}

/// A run of digit groups cut into numbers: a group starts a new number once the one before is
/// complete (a mainland mobile's 11 digits, a landline's area code and number, 11 or 12 digits;
/// 13 for a mobile written with 86), or would pass 15 digits.
fn split_run(run: &str) -> Vec<String> {
    let complete = |digits: &str| match digits.as_bytes().first() {
        Some(b'1') => digits.len() >= 11,
        Some(b'0') => digits.len() >= 11,
        Some(b'8') if digits.starts_with("86") => digits.len() >= 13,
        _ => digits.len() >= 12,
    };
    let mut numbers = Vec::new();
    let mut current = String::new();
    let mut digits = String::new();
    for group in run.split(' ').filter(|g| !g.is_empty()) {
        let group_digits: String = group.chars().filter(char::is_ascii_digit).collect();
        if !digits.is_empty() && (complete(&digits) || digits.len() + group_digits.len() > 15) {
            numbers.push(std::mem::take(&mut current));
            digits.clear();
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(group);
        digits.push_str(&group_digits);
    }
    if !current.is_empty() {
        numbers.push(current);
    }
    numbers
}

/// Whether an unlabelled line reads as an address: a place named, and a street, a number or a
/// building in it.
fn looks_like_address(text: &str) -> bool {
    let marks = ["路", "街", "大道", "号", "大厦", "广场", "园区", "楼", "室", "巷", "弄", "镇", "乡", "村"];
    let places = ["省", "市", "区", "县", "自治州"];
    text.chars().count() >= 8
        && marks.iter().any(|m| text.contains(m))
        && (places.iter().any(|p| text.contains(p)) || place_of(text).is_some())
        && ends_with_company(text).is_none_or(|score| score < 3)
}

/// What follows a province's name when an address writes it out.
const PROVINCE_SUFFIXES: &[&str] = &["省", "市", "自治区", "壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区"];

/// The province and the city an address names: the first province name that starts it or is
/// written out (`四川省`, `重庆市`; so that the 山东 inside 眉山东坡区 is none), with the city
/// after it (`四川省成都市…`); or, with none, a known city.
fn place_of(text: &str) -> Option<(Option<Province>, Option<String>)> {
    let mut best: Option<(usize, Province, usize)> = None;
    for (name, province) in PROVINCE_NAMES {
        for (at, _) in text.match_indices(name) {
            let after = &text[at + name.len()..];
            let written_out = at == 0 || PROVINCE_SUFFIXES.iter().any(|suffix| after.starts_with(suffix));
            if written_out && best.is_none_or(|(b, _, _)| at < b) {
                best = Some((at, *province, name.len()));
            }
        }
    }
    if let Some((at, province, len)) = best {
        if CITY_PROVINCES.contains(&province) {
            return Some((Some(province), None));
        }
        let after = &text[at + len..];
        let after =
            ["壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "省"].iter().find_map(|s| after.strip_prefix(s)).unwrap_or(after);
        let city: String = after.chars().take_while(|c| *c != '市' && *c != '州' && is_han(*c)).take(5).collect();
        let ends = after[city.len()..].chars().next();
        let city = match ends {
            Some('市') if (2..=4).contains(&city.chars().count()) => Some(city),
            Some('州') if (1..=3).contains(&city.chars().count()) => Some(format!("{city}州")),
            _ => CITIES.iter().find(|(name, p)| *p == province && after.starts_with(name)).map(|(name, _)| (*name).to_owned()),
        };
        return Some((Some(province), city));
    }
    let mut found: Option<(usize, &str, Province)> = None;
    for (name, province) in CITIES {
        if let Some(at) = text.find(name) {
            if found.is_none_or(|(b, _, _)| at < b) {
                found = Some((at, name, *province));
            }
        }
    }
    found.map(|(_, name, province)| (Some(province), Some(name.to_owned())))
}

/// How surely `text` names a company by its ending (see [`COMPANY_ENDINGS`]), if it does.
fn ends_with_company(text: &str) -> Option<u8> {
    let trimmed = text.trim_end_matches(|c: char| c == '.' || c.is_whitespace() || c == ')' || c == '）');
    if let Some((_, score)) = COMPANY_ENDINGS.iter().find(|(ending, _)| trimmed.ends_with(ending)) {
        // The ending alone is not a company (a line reading just "公司" or "集团").
        return (trimmed.chars().count() > 2 + ending_len(trimmed)).then_some(*score);
    }
    let lower = trimmed.to_ascii_lowercase();
    let english = COMPANY_ENDINGS_EN.iter().any(|ending| {
        lower.ends_with(ending) && {
            let before = &lower[..lower.len() - ending.len()];
            before.ends_with([' ', ',', '.']) && before.trim().chars().any(|c| c.is_ascii_alphabetic())
        }
    });
    english.then_some(3)
}

fn ending_len(text: &str) -> usize {
    COMPANY_ENDINGS.iter().find(|(ending, _)| text.ends_with(ending)).map_or(0, |(ending, _)| ending.chars().count())
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// The title `text` holds, if it is short and holds one of [`TITLES`] or [`TITLES_EN`].
fn is_title(text: &str) -> bool {
    let han = text.chars().filter(|c| is_han(*c)).count();
    if han > 0 {
        return han <= 16 && text.chars().count() <= 40 && TITLES.iter().any(|t| text.contains(t));
    }
    let words: Vec<String> =
        text.split([' ', ',', '&', '/']).filter(|w| !w.is_empty()).map(|w| w.trim_matches('.').to_ascii_lowercase()).collect();
    (1..=6).contains(&words.len()) && words.iter().any(|w| TITLES_EN.contains(&w.as_str()))
}

/// A Chinese name: two to four Chinese characters (spaces between them, as cards space short
/// names, dropped) starting with a known surname.
fn chinese_name(text: &str) -> Option<String> {
    let name: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let count = name.chars().count();
    if !(2..=4).contains(&count) || !name.chars().all(is_han) {
        return None;
    }
    let compound = COMPOUND_SURNAMES.iter().any(|s| name.starts_with(s)) && count >= 3;
    let single = name.chars().next().is_some_and(|c| SURNAMES.contains(c)) && count <= 3;
    (compound || single).then_some(name)
}

/// A name in Latin letters: two or three capitalised words (`Li Wei`, `Anna K. Schmidt`).
fn latin_name(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
    let capitalised = |w: &&str| {
        let mut chars = w.chars();
        chars.next().is_some_and(|c| c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_alphabetic() || c == '.' || c == '-' || c == '\'')
    };
    ((2..=3).contains(&words.len()) && words.iter().all(capitalised) && text.len() <= 40).then(|| words.join(" "))
}

/// A line in Latin letters the reader gave without its spaces (`JamesMartin`,
/// `InvestmentDirector`, as it does with tightly set type) spaced again before each capital that
/// follows a small letter; a line with a space in it, or with Chinese, as it is.
fn respaced(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(|c| c.is_whitespace() || is_han(c)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 4);
    let mut previous = ' ';
    for c in text.chars() {
        if c.is_ascii_uppercase() && previous.is_ascii_lowercase() {
            out.push(' ');
        }
        out.push(c);
        previous = c;
    }
    std::borrow::Cow::Owned(out)
}

/// Picks the company, the department, the title and the name among the lines left free.
fn place_organisation_and_people(free: &[(String, f32)], card: &mut Card) {
    // The company: the surest ending; of those, the tallest line; Chinese before English. A second
    // company line (the English name on a bilingual card) goes to the notes.
    let mut companies: Vec<(u8, bool, f32, &str)> = free
        .iter()
        .filter_map(|(text, height)| ends_with_company(text).map(|score| (score, text.chars().any(is_han), *height, text.as_str())))
        .collect();
    companies.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(b.2.total_cmp(&a.2)));
    let company_lines: Vec<&str> = companies.iter().map(|c| c.3).collect();
    for (_, _, _, text) in &companies {
        card.companies.push((*text).to_owned());
    }

    let mut names: Vec<(String, f32)> = Vec::new();
    let mut latin_names: Vec<(String, f32)> = Vec::new();
    for (text, height) in free {
        if company_lines.contains(&text.as_str()) {
            continue;
        }
        let spaced = respaced(text);
        let text: &str = &spaced;
        if is_title(text) {
            // "张伟 总经理": a name before the title, on the same line.
            let (head, tail) = text.split_once(' ').unwrap_or(("", text));
            if let Some(name) = chinese_name(head).filter(|_| is_title(tail)) {
                names.push((name, *height));
                card.titles.push(tail.to_owned());
            } else {
                card.titles.push(text.to_owned());
            }
            continue;
        }
        // A brand printed large is often the company's first characters ("华为"): not a name.
        let in_company = |name: &str| company_lines.iter().any(|company| company.contains(name));
        if let Some(name) = chinese_name(text) {
            if !in_company(&name) {
                names.push((name, *height));
            }
            continue;
        }
        if let Some(name) = latin_name(text) {
            if !in_company(&name) {
                latin_names.push((name, *height));
            }
            continue;
        }
        let han = text.chars().filter(|c| is_han(*c)).count();
        if han > 0 && text.chars().count() <= 12 && DEPARTMENT_ENDINGS.iter().any(|e| text.ends_with(e)) {
            card.notes.push(format!("{}{text}", label::DEPARTMENT));
        }
    }
    // The tallest name; none when another different one is as tall (within a tenth).
    let pick = |mut found: Vec<(String, f32)>| -> Option<String> {
        found.sort_by(|a, b| b.1.total_cmp(&a.1));
        let (first, height) = found.first()?.clone();
        let rival = found.iter().skip(1).any(|(other, h)| *other != first && *h >= height * 0.9);
        (!rival).then_some(first)
    };
    // A Latin name only on a card in Latin letters: on a Chinese card it is the pinyin of a Chinese
    // name the reader could not read (left empty rather than given in pinyin).
    let chinese_card = free.iter().any(|(text, _)| text.chars().any(is_han));
    let latin = if names.is_empty() && !chinese_card { pick(latin_names.clone()) } else { None };
    if let Some(name) = pick(names.clone()).or(latin) {
        card.names.push(name);
    }
    // A Latin name beside a Chinese one is the same person's: kept in the notes.
    if !names.is_empty() {
        for (latin, _) in latin_names {
            card.notes.push(format!("{}{latin}", label::NAME));
        }
    }
}

/// Spaces collapsed to one, the ends trimmed.
fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
