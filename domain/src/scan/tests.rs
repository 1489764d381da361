//! Tests of the scan reader over the shapes of codes met at booths, and properties over any
//! bytes: it never panics, and whatever it fills the capture form accepts and stores unchanged.

use super::*;
use encoding_rs::{BIG5, GBK};
use proptest::prelude::*;

mod printed;

/// Quoted-printable as Android writes it: every byte `=XX`, a soft line break every 20 bytes.
fn qp(bytes: &[u8]) -> String {
    let mut out = String::new();
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % 20 == 0 {
            out.push_str("=\r\n");
        }
        out.push_str(&format!("={b:02X}"));
    }
    out
}

fn crlf(lines: &[&str]) -> Vec<u8> {
    lines.iter().map(|l| format!("{l}\r\n")).collect::<String>().into_bytes()
}

fn some(s: &str) -> Option<String> {
    Some(s.to_owned())
}

// --- vCard --------------------------------------------------------------------------------------

#[test]
fn ios_contacts_vcard_30_with_a_chinese_name() {
    let payload = crlf(&[
        "BEGIN:VCARD",
        "VERSION:3.0",
        "PRODID:-//Apple Inc.//iPhone OS 17.4//EN",
        "N:张;伟;;;",
        "FN:张伟",
        "ORG:成都蜀味预制菜有限公司;市场部;",
        "TITLE:总经理",
        "EMAIL;type=INTERNET;type=WORK;type=pref:ZhangWei@ShuWei.CN",
        "TEL;type=CELL;type=VOICE;type=pref:+86 138-0013-8000",
        "TEL;type=WORK;type=VOICE:028-8888 6666",
        "item1.ADR;type=WORK;type=pref:;;天府大道100号;成都市;四川省;610041;中国",
        "item1.X-ABADR:cn",
        "X-PHONETIC-FIRST-NAME:Wei",
        "X-PHONETIC-LAST-NAME:Zhang",
        "IMPP;X-SERVICE-TYPE=WeChat;type=pref:x-apple:zhangwei_sw",
        "END:VCARD",
    ]);
    let s = parse(&payload);
    assert_eq!(s.kind, ScanKind::VCard);
    assert_eq!(s.contact_name, some("张伟"));
    assert_eq!(s.company_name, some("成都蜀味预制菜有限公司"));
    assert_eq!(s.contact_title, some("总经理"));
    assert_eq!(s.mobile, some("13800138000"));
    assert_eq!(s.email, some("ZhangWei@shuwei.cn"));
    assert_eq!(s.wechat, some("zhangwei_sw"));
    assert_eq!(s.notes, ["电话：028-8888 6666", "部门：市场部", "地址：中国四川省成都市天府大道100号 610041"]);
}

#[test]
fn android_vcard_21_with_quoted_printable_utf8_and_soft_line_breaks() {
    let org = "广州南沙智能装备制造有限公司";
    let note = "展会上聊过，对南沙的土地政策和人才公寓很感兴趣，下周来考察";
    let payload = crlf(&[
        "BEGIN:VCARD",
        "VERSION:2.1",
        &format!("N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{};{};;;", qp("欧阳".as_bytes()), qp("小明".as_bytes())),
        &format!("FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{}", qp("欧阳小明".as_bytes())),
        "TEL;CELL:139-1234-5678",
        "TEL;WORK;FAX:020-12345678",
        &format!("ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{}", qp(org.as_bytes())),
        &format!("NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:{}", qp(note.as_bytes())),
        "END:VCARD",
    ]);
    assert!(String::from_utf8_lossy(&payload).contains("=\r\n="), "the note is folded by soft line breaks");
    let s = parse(&payload);
    assert_eq!(s.contact_name, some("欧阳小明"));
    assert_eq!(s.company_name, some(org));
    assert_eq!(s.mobile, some("13912345678"));
    assert_eq!(s.notes, ["传真：020-12345678", note]);
}

#[test]
fn vcard_21_with_gb2312_quoted_printable_bytes() {
    let gb = |s: &str| GBK.encode(s).0.into_owned();
    let payload = crlf(&[
        "BEGIN:VCARD",
        "VERSION:2.1",
        &format!("N;CHARSET=GB2312;ENCODING=QUOTED-PRINTABLE:{};{}", qp(&gb("李")), qp(&gb("娜"))),
        &format!("ORG;CHARSET=GB2312;ENCODING=QUOTED-PRINTABLE:{}", qp(&gb("武汉光谷生物医药有限公司"))),
        &format!("TITLE;CHARSET=GB2312;ENCODING=QUOTED-PRINTABLE:{}", qp(&gb("投资总监"))),
        "TEL;CELL;VOICE:+8613700001111",
        "END:VCARD",
    ]);
    let s = parse(&payload);
    assert_eq!(s.contact_name, some("李娜"));
    assert_eq!(s.company_name, some("武汉光谷生物医药有限公司"));
    assert_eq!(s.contact_title, some("投资总监"));
    assert_eq!(s.mobile, some("13700001111"));
}

#[test]
fn vcard_21_with_raw_gbk_bytes_with_and_without_a_charset() {
    for header in ["FN;CHARSET=GBK:", "FN:"] {
        let mut payload = b"BEGIN:VCARD\r\nVERSION:2.1\r\n".to_vec();
        payload.extend_from_slice(header.as_bytes());
        payload.extend_from_slice(&GBK.encode("赵敏").0);
        payload.extend_from_slice(b"\r\nTEL;CELL:15800001111\r\nEND:VCARD\r\n");
        let s = parse(&payload);
        assert_eq!(s.contact_name, some("赵敏"), "{header}");
        assert_eq!(s.mobile, some("15800001111"));
    }
}

#[test]
fn vcard_21_in_big5_whose_second_bytes_are_backslashes() {
    // 許 is B3 5C in Big5: its second byte is a backslash, which must not be read as an escape.
    let big5 = |s: &str| BIG5.encode(s).0.into_owned();
    let mut payload = b"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=BIG5:".to_vec();
    payload.extend_from_slice(&big5("許"));
    payload.push(b';');
    payload.extend_from_slice(&big5("功蓋"));
    payload.extend_from_slice(b"\r\nORG;CHARSET=BIG5:");
    payload.extend_from_slice(&big5("臺灣科技股份有限公司"));
    payload.extend_from_slice(b"\r\nEND:VCARD");
    let s = parse(&payload);
    assert_eq!(s.contact_name, some("許功蓋"));
    assert_eq!(s.company_name, some("臺灣科技股份有限公司"));
}

#[test]
fn vcard_40_with_tel_uris() {
    let payload = crlf(&[
        "BEGIN:VCARD",
        "VERSION:4.0",
        "FN:Wang Fang",
        "N:Wang;Fang;;;",
        "TEL;VALUE=uri;TYPE=\"cell,voice\";PREF=1:tel:+86-138-0013-8000",
        "TEL;VALUE=uri;TYPE=work:tel:+86-10-6666-8888;ext=102",
        "EMAIL;TYPE=work:wang.fang@Example.COM",
        "ORG:Example Trading Co.\\, Ltd.",
        "END:VCARD",
    ]);
    let s = parse(&payload);
    assert_eq!(s.contact_name, some("Wang Fang"));
    assert_eq!(s.company_name, some("Example Trading Co., Ltd."));
    assert_eq!(s.mobile, some("13800138000"));
    assert_eq!(s.email, some("wang.fang@example.com"));
    assert_eq!(s.notes, ["电话：+86-10-6666-8888;ext=102"]);
}

#[test]
fn outlook_style_vcard_with_item_groups_and_labels() {
    let payload = crlf(&[
        "BEGIN:VCARD",
        "VERSION:3.0",
        "N:Müller;Hans;;Dr.;",
        "item1.TEL:+49 151 2345 6789",
        "item1.X-ABLabel:_$!<Mobile>!$_",
        "item2.TEL:+49 30 1234567",
        "item2.X-ABLabel:工作传真",
        "item3.EMAIL;type=INTERNET:hans.mueller@example.de",
        "item4.URL:https\\://www.example.de",
        "item4.X-ABLabel:_$!<HomePage>!$_",
        "X-MS-OL-DEFAULT-POSTAL-ADDRESS:2",
        "X-MS-CARDPICTURE;TYPE=JPEG;ENCODING=BASE64:/9j/4AAQSkZJRgABAQEAYABgAAD",
        " /2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0",
        "END:VCARD",
    ]);
    let s = parse(&payload);
    assert_eq!(s.contact_name, some("Dr. Hans Müller"));
    assert_eq!(s.mobile, some("+4915123456789"));
    assert_eq!(s.email, some("hans.mueller@example.de"));
    assert_eq!(s.notes, ["传真：+49 30 1234567", "网址：https://www.example.de"]);
}

#[test]
fn labels_typed_for_grouped_values_name_their_notes() {
    let payload = crlf(&[
        "BEGIN:VCARD",
        "VERSION:3.0",
        "FN:何静",
        "item1.URL:https://www.example.cn",
        "item1.X-ABLabel:公司主页",
        "item2.TEL:0571-8888 1234",
        "item2.X-ABLabel:_$!<Work>!$_",
        "item3.TEL:0571 8888 4321",
        "item3.X-ABLabel:传真",
        "END:VCARD",
    ]);
    let s = parse(&payload);
    assert_eq!(s.notes, ["电话：0571-8888 1234", "传真：0571 8888 4321", "公司主页：https://www.example.cn"]);
}

#[test]
fn western_name_from_n_alone_is_given_name_first() {
    let s = parse(b"BEGIN:VCARD\nVERSION:3.0\nN:Smith;John;;;\nEMAIL:john@example.com\nEND:VCARD\n");
    assert_eq!(s.contact_name, some("John Smith"));
    assert_eq!(s.email, some("john@example.com"));
}

#[test]
fn camcard_style_vcard_with_x_properties() {
    let payload = crlf(&[
        "BEGIN:VCARD",
        "VERSION:3.0",
        "PRODID:-//INTSIG//CamCard 7.60//CN",
        "FN:刘洋",
        "N:刘;洋;;;",
        "ORG:重庆两江新能源汽车科技有限公司;战略投资部",
        "TITLE:副总裁",
        "TEL;TYPE=WORK,VOICE:023-6789 0000",
        "TEL;TYPE=CELL:186 2345 6789",
        "EMAIL;TYPE=WORK:liuyang@ljnev.com",
        "ADR;TYPE=WORK:;;金开大道1号;重庆市;;401120;",
        "URL;TYPE=WORK:www.ljnev.com",
        "X-WECHAT:liuyang_1988",
        "X-QQ:123456789",
        "X-CC-CARD-ID:8f3a9c0e",
        "X-IS-CAMCARD:1",
        "NOTE:2026 西部投洽会交换名片",
        "END:VCARD",
    ]);
    let s = parse(&payload);
    assert_eq!(s.contact_name, some("刘洋"));
    assert_eq!(s.company_name, some("重庆两江新能源汽车科技有限公司"));
    assert_eq!(s.contact_title, some("副总裁"));
    assert_eq!(s.mobile, some("18623456789"));
    assert_eq!(s.wechat, some("liuyang_1988"));
    assert_eq!(s.email, some("liuyang@ljnev.com"));
    assert_eq!(
        s.notes,
        [
            "电话：023-6789 0000",
            "部门：战略投资部",
            "网址：www.ljnev.com",
            "QQ：123456789",
            "2026 西部投洽会交换名片",
            "地址：重庆市金开大道1号 401120"
        ]
    );
}

#[test]
fn lower_case_names_lf_line_ends_a_bom_and_no_end() {
    let s = parse("\u{FEFF}begin:vcard\nversion:3.0\nfn:陈静\ntel;type=cell:13600001111\nx-wechat:chenjing-hz".as_bytes());
    assert_eq!(s.kind, ScanKind::VCard);
    assert_eq!(s.contact_name, some("陈静"));
    assert_eq!(s.mobile, some("13600001111"));
    assert_eq!(s.wechat, some("chenjing-hz"));
}

#[test]
fn folded_lines_are_joined_and_escapes_undone() {
    let payload = crlf(&[
        "BEGIN:VCARD",
        "VERSION:3.0",
        "FN:周杰",
        "NOTE:第一行\\n第二行\\, 含逗号\\; 含分号 C:\\\\data 很长的备注",
        " 续写在下一行",
        "\t再续一行",
        "EMAIL:zhou.jie@exam",
        " ple.com",
        "TEL;TYPE=\"cell\":13500001111",
        "END:VCARD",
    ]);
    let s = parse(&payload);
    assert_eq!(s.notes, ["第一行\n第二行, 含逗号; 含分号 C:\\data 很长的备注续写在下一行再续一行"]);
    assert_eq!(s.email, some("zhou.jie@example.com"));
    assert_eq!(s.mobile, some("13500001111"));
}

#[test]
fn a_mainland_mobile_is_preferred_and_other_numbers_go_to_the_notes() {
    let payload = crlf(&[
        "BEGIN:VCARD",
        "VERSION:3.0",
        "FN:孙丽",
        "TEL;TYPE=CELL:+852 9123 4567",
        "TEL;TYPE=WORK:13800138000",
        "TEL;TYPE=HOME:13900139000",
        "TEL;TYPE=CELL:138 0013 8000",
        "TEL;TYPE=FAX:0755-1234 5678",
        "END:VCARD",
    ]);
    let s = parse(&payload);
    assert_eq!(s.mobile, some("13800138000"));
    assert_eq!(s.notes, ["手机：+852 9123 4567", "手机：13900139000", "传真：0755-1234 5678"]);
}

#[test]
fn values_that_do_not_fit_their_field_go_to_the_notes_whole() {
    let company = "超".repeat(max::COMPANY + 1);
    let name = "N".repeat(max::PERSON + 1);
    let payload = crlf(&[
        "BEGIN:VCARD",
        "VERSION:3.0",
        &format!("FN:{name}"),
        &format!("ORG:{company}"),
        "EMAIL:not-an-email",
        "X-WECHAT:张三的微信",
        "TEL:12345",
        "END:VCARD",
    ]);
    let s = parse(&payload);
    assert_eq!((&s.contact_name, &s.company_name, &s.email, &s.wechat, &s.mobile), (&None, &None, &None, &None, &None));
    assert_eq!(
        s.notes,
        [format!("姓名：{name}"), format!("公司：{company}"), "电话：12345".into(), "邮箱：not-an-email".into(), "微信：张三的微信".into()]
    );
}

#[test]
fn only_the_first_card_is_read_and_photos_are_skipped() {
    let payload = crlf(&[
        "BEGIN:VCARD",
        "VERSION:3.0",
        "FN:吴磊",
        "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQ",
        " EAYABgAAD",
        "END:VCARD",
        "BEGIN:VCARD",
        "VERSION:3.0",
        "FN:郑爽",
        "END:VCARD",
    ]);
    let s = parse(&payload);
    assert_eq!(s.contact_name, some("吴磊"));
    assert!(s.notes.is_empty());
}

#[test]
fn invisible_and_direction_changing_characters_are_removed() {
    let s = parse("BEGIN:VCARD\r\nFN:王\u{202E}五\u{200B}\r\nORG:蜀\u{0}味\r\nEND:VCARD".as_bytes());
    assert_eq!(s.contact_name, some("王五"));
    assert_eq!(s.company_name, some("蜀 味"));
}

#[test]
fn a_wechat_link_in_a_vcard_is_kept_in_the_notes() {
    let s = parse(b"BEGIN:VCARD\nVERSION:3.0\nFN:Li\nURL:https://u.wechat.com/EFxyz123\nIMPP:weixin:li_wechat88\nEND:VCARD");
    assert_eq!(s.wechat, some("li_wechat88"));
    assert_eq!(s.notes, ["微信：https://u.wechat.com/EFxyz123"]);
}

// --- MECARD and BIZCARD -------------------------------------------------------------------------

#[test]
fn mecard_from_a_chinese_generator() {
    let s = parse(
        "MECARD:N:张,伟;TEL:13800138000;EMAIL:zhang@example.cn;ORG:深圳前海科技有限公司;TITLE:董事长;NOTE:对产业园感兴趣\\;想要资料;URL:https\\://example.cn;ADR:深圳市南山区科技园;;"
            .as_bytes(),
    );
    assert_eq!(s.kind, ScanKind::MeCard);
    assert_eq!(s.contact_name, some("张伟"));
    assert_eq!(s.mobile, some("13800138000"));
    assert_eq!(s.email, some("zhang@example.cn"));
    assert_eq!(s.company_name, some("深圳前海科技有限公司"));
    assert_eq!(s.contact_title, some("董事长"));
    assert_eq!(s.notes, ["对产业园感兴趣;想要资料", "网址：https://example.cn", "地址：深圳市南山区科技园"]);
}

#[test]
fn mecard_from_a_japanese_generator() {
    let s = parse("MECARD:N:山田,太郎;SOUND:ヤマダ,タロウ;TEL:09012345678;EMAIL:taro@example.jp;BDAY:19800101;;".as_bytes());
    assert_eq!(s.contact_name, some("山田太郎"));
    assert_eq!(s.mobile, None);
    assert_eq!(s.email, some("taro@example.jp"));
    assert_eq!(s.notes, ["电话：09012345678", "读音：ヤマダ タロウ"]);
}

#[test]
fn mecard_with_a_western_name_and_escaped_characters() {
    let s = parse(b"mecard:N:Owen,Sean;ORG:Acme\\, Inc.;TEL:+86 139 0000 1111;NOTE:a\\:b;;");
    assert_eq!(s.contact_name, some("Sean Owen"));
    assert_eq!(s.company_name, some("Acme, Inc."));
    assert_eq!(s.mobile, some("13900001111"));
    assert_eq!(s.notes, ["a:b"]);
}

#[test]
fn mecard_in_gbk_bytes() {
    let mut payload = b"MECARD:N:".to_vec();
    payload.extend_from_slice(&GBK.encode("黄,蓉;TEL:13711112222;;").0);
    let s = parse(&payload);
    assert_eq!(s.contact_name, some("黄蓉"));
    assert_eq!(s.mobile, some("13711112222"));
}

#[test]
fn bizcard() {
    let s = parse(b"BIZCARD:N:Sean;X:Owen;T:Software Engineer;C:Google;A:76 9th Avenue, New York;B:+12125551212;E:srowen@example.com;;");
    assert_eq!(s.kind, ScanKind::BizCard);
    assert_eq!(s.contact_name, some("Sean Owen"));
    assert_eq!(s.contact_title, some("Software Engineer"));
    assert_eq!(s.company_name, some("Google"));
    assert_eq!(s.email, some("srowen@example.com"));
    assert_eq!(s.notes, ["电话：+12125551212", "地址：76 9th Avenue, New York"]);
}

// --- links, badges, text ------------------------------------------------------------------------

#[test]
fn wechat_contact_links_go_to_the_notes_since_the_field_takes_ids() {
    for link in
        ["https://u.wechat.com/MHBbKb2g8Xk7LZ", "http://weixin.qq.com/r/aDoKEXXEtKPzrWqj9xlC", "https://work.weixin.qq.com/u/vc8a2b"]
    {
        let s = parse(link.as_bytes());
        assert_eq!(s.kind, ScanKind::WeChat, "{link}");
        assert_eq!(s.wechat, None);
        assert_eq!(s.notes, [format!("微信：{link}")]);
    }
}

#[test]
fn other_links_are_urls() {
    for link in ["https://www.example.com/expo?id=1&lang=zh", "https://mp.weixin.qq.com/s/abcdef", "HTTP://EXAMPLE.CN"] {
        let s = parse(link.as_bytes());
        assert_eq!(s.kind, ScanKind::Url, "{link}");
        assert_eq!(s.notes, [format!("网址：{link}")]);
    }
}

#[test]
fn tel_and_mailto_links() {
    let s = parse(b"tel:+86 138 0013 8000");
    assert_eq!((s.kind, s.mobile), (ScanKind::Phone, some("13800138000")));
    let s = parse(b"TEL:010-66668888");
    assert_eq!((s.kind, s.mobile, s.notes), (ScanKind::Phone, None, vec!["电话：010-66668888".to_owned()]));
    let s = parse(b"mailto:li.wei%40example.cn?subject=hello");
    assert_eq!((s.kind, s.email), (ScanKind::Email, some("li.wei@example.cn")));
}

#[test]
fn badge_codes() {
    for code in ["WCIF2026-A-000123", "20261105000123", "CIIE-8F3K2L9Q", "A1B2C3D4", "13800138000"] {
        let s = parse(code.as_bytes());
        assert_eq!((s.kind, s.badge.as_deref()), (ScanKind::Badge, Some(code)), "{code}");
        assert!(s.notes.is_empty());
    }
    for text in ["ABCDEFGHIJ", "WCIF 2026-A", "1234567", "-WCIF2026-A", &("A".repeat(31) + "12")] {
        assert_ne!(parse(text.as_bytes()).kind, ScanKind::Badge, "{text}");
    }
}

#[test]
fn plain_chinese_text_in_utf8_or_gbk_is_a_note() {
    let text = "欢迎参观成都高新区展台\n联系人：王经理";
    for payload in [text.as_bytes().to_vec(), GBK.encode(text).0.into_owned()] {
        let s = parse(&payload);
        assert_eq!((s.kind, s.notes), (ScanKind::Text, vec![text.to_owned()]));
    }
}

#[test]
fn a_text_longer_than_the_notes_is_kept_in_pieces() {
    let text = "长".repeat(max::NOTES + 10);
    let s = parse(text.as_bytes());
    assert_eq!(s.notes.iter().map(|n| n.chars().count()).collect::<Vec<_>>(), [max::NOTES, 10]);
}

#[test]
fn empty_input_and_binary_garbage() {
    assert_eq!(parse(b""), Scanned::default());
    assert_eq!(parse(b" \r\n\t\0"), Scanned::default());
    assert_eq!(parse(b"\xEF\xBB\xBF").kind, ScanKind::Empty);
    let garbage = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0xFF, 0x80, 0x13];
    assert_eq!(parse(&garbage), Scanned { kind: ScanKind::Unreadable, ..Scanned::default() });
}

// --- applying to the form -----------------------------------------------------------------------

#[test]
fn apply_fills_empty_fields_and_keeps_what_was_typed() {
    let s = parse(
        "BEGIN:VCARD\nVERSION:3.0\nN:张;伟\nTEL;TYPE=CELL:13800138000\nEMAIL:zhang@example.cn\nORG:深圳前海科技有限公司\nNOTE:要资料\nEND:VCARD"
            .as_bytes(),
    );
    let mut draft =
        LeadDraft {
            mobile: "139 0000 1111".into(), email: " zhang@EXAMPLE.cn".into(), notes: "展台交流".into(), ..LeadDraft::default()
        };
    let applied = s.apply_to(&mut draft);
    assert_eq!(draft.contact_name, "张伟");
    assert_eq!(draft.company_name, "深圳前海科技有限公司");
    assert_eq!(draft.mobile, "139 0000 1111");
    assert_eq!(draft.email, " zhang@EXAMPLE.cn", "the same address as typed: left alone");
    assert_eq!(draft.notes, "展台交流\n手机：13800138000\n要资料");
    assert_eq!(applied.filled, [LeadField::CompanyName, LeadField::ContactName, LeadField::Notes]);
    assert_eq!(applied.kept, [LeadField::Mobile]);
    assert!(applied.left_out.is_empty());

    // Scanning the same code again changes nothing.
    let before = draft.clone();
    assert_eq!(s.apply_to(&mut draft), Applied { kept: vec![LeadField::Mobile], ..Applied::default() });
    assert_eq!(draft, before);
}

#[test]
fn apply_puts_a_badge_in_the_notes_and_reports_lines_that_do_not_fit() {
    let mut draft = LeadDraft::default();
    parse(b"WCIF2026-A-000123").apply_to(&mut draft);
    assert_eq!(draft.notes, "胸卡：WCIF2026-A-000123");

    let mut full = LeadDraft { notes: "记".repeat(max::NOTES - 5), ..LeadDraft::default() };
    let applied = parse("https://www.example.com/a-long-link".as_bytes()).apply_to(&mut full);
    assert_eq!(full.notes, "记".repeat(max::NOTES - 5));
    assert_eq!(applied.left_out, ["网址：https://www.example.com/a-long-link"]);
    assert!(applied.filled.is_empty());
}

// --- properties ---------------------------------------------------------------------------------

/// Every value `scanned` fills is one the form accepts and stores unchanged, and so is every
/// draft it is applied to.
fn check(scanned: &Scanned) -> Result<(), TestCaseError> {
    let same = |parsed: Result<Option<String>, FieldErrorKind>, value: &Option<String>| match value {
        Some(v) => parsed == Ok(Some(v.clone())),
        None => true,
    };
    let text_of = |v: &Option<String>, max: usize| text::optional(v.as_deref().unwrap_or_default(), max);
    prop_assert!(same(text_of(&scanned.contact_name, max::PERSON), &scanned.contact_name), "{scanned:?}");
    prop_assert!(same(text_of(&scanned.company_name, max::COMPANY), &scanned.company_name), "{scanned:?}");
    prop_assert!(same(text_of(&scanned.contact_title, max::PERSON), &scanned.contact_title), "{scanned:?}");
    prop_assert!(same(parse_mobile(scanned.mobile.as_deref().unwrap_or_default()), &scanned.mobile), "{scanned:?}");
    prop_assert!(same(parse_wechat(scanned.wechat.as_deref().unwrap_or_default()), &scanned.wechat), "{scanned:?}");
    prop_assert!(same(parse_email(scanned.email.as_deref().unwrap_or_default()), &scanned.email), "{scanned:?}");
    for note in &scanned.notes {
        prop_assert_eq!(text::optional(note, max::NOTES), Ok(Some(note.clone())));
    }
    if let Some(badge) = &scanned.badge {
        prop_assert!(is_badge_code(badge));
    }

    for mut draft in
        [LeadDraft::default(), LeadDraft { mobile: "13800138000".into(), notes: "记".repeat(max::NOTES - 3), ..LeadDraft::default() }]
    {
        let applied = scanned.apply_to(&mut draft);
        prop_assert!(text::optional(&draft.company_name, max::COMPANY).is_ok());
        prop_assert!(text::optional(&draft.contact_name, max::PERSON).is_ok());
        prop_assert!(text::optional(&draft.contact_title, max::PERSON).is_ok());
        prop_assert!(parse_mobile(&draft.mobile).is_ok());
        prop_assert!(parse_wechat(&draft.wechat).is_ok());
        prop_assert!(parse_email(&draft.email).is_ok());
        prop_assert!(text::optional(&draft.notes, max::NOTES).is_ok(), "{draft:?}");
        prop_assert!(draft.province.is_empty() || Province::from_code(&draft.province).is_some());
        prop_assert!(text::optional(&draft.city, max::CITY).is_ok());
        for line in &applied.left_out {
            prop_assert!(!draft.notes.contains(line.as_str()));
        }
    }
    Ok(())
}

/// Lines that look like a vCard's: groups, names in either case, parameters of both styles,
/// quoted-printable, escapes, folding, stray characters.
fn vcard_like() -> impl Strategy<Value = String> {
    let line = "(item[0-9]\\.)?(FN|N|n|ORG|TITLE|ROLE|TEL|tel|EMAIL|URL|ADR|LABEL|NOTE|NICKNAME|X-WECHAT|X-QQ|IMPP|X-ABLabel|PHOTO|X-SOCIALPROFILE)\
         (;(TYPE=|type=|CHARSET=|ENCODING=|VALUE=|X-SERVICE-TYPE=)?(cell|CELL|FAX|\"cell,voice\"|QUOTED-PRINTABLE|GB2312|BIG5|UTF-8|b|uri|WeChat|\"a:b\"|\"))*\
         :(tel:|mailto:|weixin:|x-apple:|https://u\\.wechat\\.com/)?(=[0-9A-Fa-f]{2}|\\\\[;,nN:\\\\]|[;,=:\"\\\\ ]|1[3-9][0-9]{9}|[a-z]{1,6}@[a-z]{1,5}\\.cn|\\PC){0,24}=?\
         (\r?\n[ \t=]\\PC{0,10})?";
    proptest::collection::vec(line, 0..10).prop_map(|lines| {
        let mut card = String::from("BEGIN:VCARD\r\nVERSION:3.0\r\n");
        for l in lines {
            card.push_str(&l);
            card.push_str("\r\n");
        }
        card
    })
}

fn mecard_like() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        "(N|TEL|EMAIL|ORG|TITLE|NOTE|URL|ADR|SOUND|X|T|C|B|M|F|E|WECHAT|[A-Z]{0,3}):(\\\\[;:,\\\\]|[;:,\\\\]|1[3-9][0-9]{9}|\\PC){0,20}",
        0..8,
    )
    .prop_flat_map(|items| (Just(items.join(";")), prop_oneof![Just("MECARD:"), Just("BIZCARD:")]))
    .prop_map(|(body, prefix)| format!("{prefix}{body};;"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_bytes_give_values_the_form_accepts(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        check(&parse(&bytes))?;
    }

    #[test]
    fn vcard_like_text_gives_values_the_form_accepts(card in vcard_like(), gbk in any::<bool>()) {
        check(&parse(card.as_bytes()))?;
        if gbk {
            check(&parse(&encoding_rs::GB18030.encode(&card).0))?;
        }
    }

    #[test]
    fn mecard_like_text_gives_values_the_form_accepts(card in mecard_like()) {
        check(&parse(card.as_bytes()))?;
    }

    #[test]
    fn any_text_gives_values_the_form_accepts(text in prop_oneof!["\\PC{0,3000}", "[A-Za-z0-9-]{0,40}", "(https?://)?[a-z.]{0,20}/?\\PC{0,10}"]) {
        check(&parse(text.as_bytes()))?;
    }
}
