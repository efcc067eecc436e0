//! Tests of the SAML layer against the documents in `fixtures/saml/`, each
//! fed through every base64 variant an IdP might use.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use proptest::prelude::*;
use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;

use super::*;

fn fixture(name: &str) -> String {
    let path = format!("{}/fixtures/saml/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `xml` encoded the ways a token exchange may carry it.
fn encodings(xml: &str) -> Vec<Secret<String>> {
    let bytes = xml.as_bytes();
    let mime: String = STANDARD
        .encode(bytes)
        .as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\r\n");
    [
        STANDARD.encode(bytes),
        STANDARD_NO_PAD.encode(bytes),
        URL_SAFE.encode(bytes),
        URL_SAFE_NO_PAD.encode(bytes),
        mime,
    ]
    .into_iter()
    .map(Secret::new)
    .collect()
}

fn token(xml: &str) -> Secret<String> {
    Secret::new(URL_SAFE_NO_PAD.encode(xml))
}

fn parse(name: &str) -> Result<SamlResponse, Error> {
    from_token_exchange(&token(&fixture(name)))
}

/// The Response XML, decoded with the strict padded standard alphabet.
fn response_xml(r: &SamlResponse) -> String {
    String::from_utf8(
        STANDARD
            .decode(r.base64.expose())
            .expect("standard padded base64"),
    )
    .unwrap()
}

fn pair(role: &str, provider: &str) -> RolePair {
    RolePair {
        role_arn: role.into(),
        principal_arn: provider.into(),
    }
}

/// Every element name resolves to a declared namespace; returns the root's.
fn root_namespace_with_all_prefixes_bound(xml: &str) -> String {
    let mut reader = NsReader::from_str(xml);
    let mut root = None;
    loop {
        match reader.read_resolved_event().unwrap() {
            (ns, Event::Start(e) | Event::Empty(e)) => {
                let ResolveResult::Bound(ns) = ns else {
                    panic!("unbound prefix on <{}>", e.name().as_ref());
                };
                root.get_or_insert_with(|| ns.as_ref().to_string());
            }
            (_, Event::Eof) => break,
            _ => {}
        }
    }
    root.unwrap()
}

const DEV: &str = "arn:aws:iam::123456789012:role/Developer";
const KC: &str = "arn:aws:iam::123456789012:saml-provider/keycloak";

#[test]
fn keycloak_assertion_is_wrapped_for_every_base64_variant() {
    let assertion = fixture("keycloak_assertion.xml");
    for tok in encodings(&assertion) {
        let r = from_token_exchange(&tok).unwrap();
        assert_eq!(r.roles, vec![pair(DEV, KC)]);
        assert_eq!(r.session_duration, Some(28800));
        let xml = response_xml(&r);
        assert!(
            xml.starts_with(
                "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"_"
            ),
            "{xml}"
        );
        for part in [
            " Version=\"2.0\"",
            " IssueInstant=\"2026-11-27T20:51:18.123Z\"",
            " Destination=\"https://signin.aws.amazon.com/saml\"",
            "><saml:Issuer xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">https://idp.example.com/realms/main</saml:Issuer>\
             <samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status><saml:Assertion",
        ] {
            assert!(xml.contains(part), "missing {part:?} in {xml}");
        }
        // Byte for byte, including the signature and the xmlns on the Assertion.
        assert!(
            xml.ends_with(&format!("{}</samlp:Response>", assertion.trim_end())),
            "{xml}"
        );
    }
}

#[test]
fn wrapped_response_is_well_formed_with_every_prefix_bound() {
    for name in [
        "keycloak_assertion.xml",
        "assertion_default_ns.xml",
        "assertion_saml2_prefix.xml",
    ] {
        let r = parse(name).unwrap();
        let xml = response_xml(&r);
        assert_eq!(
            root_namespace_with_all_prefixes_bound(&xml),
            NS_PROTOCOL,
            "{name}"
        );
        // The result is itself a Response that is passed through unchanged.
        let again = from_token_exchange(&r.base64).unwrap();
        assert_eq!(again.base64, r.base64, "{name}");
        assert_eq!(again.roles, r.roles, "{name}");
    }
}

#[test]
fn declaration_is_dropped_and_issuer_format_and_escaping_are_kept() {
    let text = fixture("assertion_default_ns.xml");
    let r = from_token_exchange(&token(&text)).unwrap();
    let xml = response_xml(&r);
    let body = text.split_once("?>\n").unwrap().1.trim_end();
    assert!(xml.ends_with(&format!("{body}</samlp:Response>")), "{xml}");
    assert!(!xml.contains("<?xml"), "{xml}");
    assert!(
        xml.contains(
            "<saml:Issuer xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" \
             Format=\"urn:oasis:names:tc:SAML:2.0:nameid-format:entity\">https://idp.example.com/?a=1&amp;b=2</saml:Issuer>"
        ),
        "{xml}"
    );
    assert_eq!(
        r.roles,
        vec![pair(
            "arn:aws:iam::123456789012:role/ReadOnly",
            "arn:aws:iam::123456789012:saml-provider/idp"
        )]
    );
    assert_eq!(r.session_duration, None);
}

#[test]
fn saml2_prefixed_assertion_is_wrapped_with_its_recipient() {
    let r = parse("assertion_saml2_prefix.xml").unwrap();
    let xml = response_xml(&r);
    assert!(
        xml.contains(" Destination=\"https://signin.amazonaws-us-gov.com/saml\""),
        "{xml}"
    );
    assert!(xml.contains(">urn:example:idp</saml:Issuer>"), "{xml}");
    assert_eq!(
        r.roles[0].role_arn,
        "arn:aws-us-gov:iam::123456789012:role/Gov"
    );
}

#[test]
fn existing_response_is_used_as_is() {
    let cases = [
        (
            "response_samlp.xml",
            "arn:aws:iam::123456789012:role/Admin",
            Some(3600),
        ),
        (
            "response_saml2p.xml",
            "arn:aws:iam::123456789012:role/Okta",
            None,
        ),
        (
            "response_unprefixed.xml",
            "arn:aws:iam::123456789012:role/Plain",
            None,
        ),
    ];
    for (name, role, duration) in cases {
        let text = fixture(name);
        for tok in encodings(&text) {
            let r = from_token_exchange(&tok).unwrap();
            assert_eq!(response_xml(&r), text, "{name}");
            assert_eq!(r.roles.len(), 1, "{name}");
            assert_eq!(r.roles[0].role_arn, role, "{name}");
            assert_eq!(r.session_duration, duration, "{name}");
        }
    }
}

#[test]
fn each_wrap_gets_a_fresh_random_id() {
    let id = |r: &SamlResponse| {
        let xml = response_xml(r);
        let rest = xml.split_once(" ID=\"").unwrap().1;
        rest.split_once('"').unwrap().0.to_string()
    };
    let a = id(&parse("keycloak_assertion.xml").unwrap());
    let b = id(&parse("keycloak_assertion.xml").unwrap());
    assert_ne!(a, b);
    for v in [a, b] {
        assert_eq!(v.len(), 33, "{v}");
        assert!(
            v.starts_with('_')
                && v.chars()
                    .skip(1)
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()),
            "{v}"
        );
    }
}

#[test]
fn every_role_value_is_read_in_order_without_duplicates() {
    let r = parse("several_roles.xml").unwrap();
    assert_eq!(
        r.roles,
        vec![
            pair(
                "arn:aws:iam::111111111111:role/Dev",
                "arn:aws:iam::111111111111:saml-provider/kc"
            ),
            pair(
                "arn:aws:iam::222222222222:role/ops/Admin",
                "arn:aws:iam::222222222222:saml-provider/kc"
            ),
            pair(
                "arn:aws:iam::333333333333:role/Audit",
                "arn:aws:iam::333333333333:saml-provider/kc"
            ),
        ]
    );
}

#[test]
fn reversed_pairs_are_put_in_order_and_trimmed() {
    let r = parse("reversed_pairs.xml").unwrap();
    assert_eq!(
        r.roles,
        vec![
            pair(
                "arn:aws:iam::123456789012:role/First",
                "arn:aws:iam::123456789012:saml-provider/kc"
            ),
            pair(
                "arn:aws:iam::123456789012:role/Second",
                "arn:aws:iam::123456789012:saml-provider/kc"
            ),
        ]
    );
    // No Recipient in this assertion: no Destination either.
    assert!(!response_xml(&r).contains("Destination="));
}

#[test]
fn china_and_govcloud_roles_are_accepted() {
    let r = parse("aws_cn_roles.xml").unwrap();
    assert_eq!(
        r.roles,
        vec![
            pair(
                "arn:aws-cn:iam::123456789012:role/China",
                "arn:aws-cn:iam::123456789012:saml-provider/kc"
            ),
            pair(
                "arn:aws-us-gov:iam::123456789012:role/Gov",
                "arn:aws-us-gov:iam::123456789012:saml-provider/kc"
            ),
        ]
    );
}

#[test]
fn malformed_pair_error_names_the_value() {
    let err = parse("malformed_pair.xml").unwrap_err();
    assert_eq!(
        err.to_string(),
        "role attribute value \"arn:aws:iam::123456789012:role/OnlyARole\" is not \"ROLE_ARN,SAML_PROVIDER_ARN\": \
         it must hold exactly two comma-separated ARNs; fix the IdP's role mapper"
    );
}

#[test]
fn role_pair_parse_rejects_bad_pairs_by_name() {
    let role = "arn:aws:iam::123456789012:role/r";
    let prov = "arn:aws:iam::123456789012:saml-provider/p";
    assert_eq!(
        RolePair::parse(&format!(" {prov} , {role} ")).unwrap(),
        pair(role, prov)
    );
    let shape = |v: &str| match RolePair::parse(v) {
        Err(Error::RolePairShape { value, reason }) => {
            assert_eq!(value, v);
            reason
        }
        other => panic!("{v}: {other:?}"),
    };
    assert!(shape(&format!("{role},{role}")).contains("both ARNs are roles"));
    assert!(shape(&format!("{prov},{prov}")).contains("neither ARN is a role"));
    assert!(shape(&format!("{role},{prov},{prov}")).contains("exactly two"));
    assert!(shape("").contains("exactly two"));
    let bad = format!("arn:aws:iam::123:role/r,{prov}");
    let err = RolePair::parse(&bad).unwrap_err();
    assert!(err.to_string().contains(&format!("{bad:?}")), "{err}");
    let source = std::error::Error::source(&err).unwrap().to_string();
    assert!(
        source.contains("\"arn:aws:iam::123:role/r\"") && source.contains("not 12 digits"),
        "{source}"
    );
    let err = RolePair::parse(&format!("{role},arn:aws:iam::123456789012:user/p")).unwrap_err();
    assert!(matches!(err, Error::RolePairArn { .. }), "{err:?}");
}

#[test]
fn no_roles_gives_empty_list_and_choose_role_explains_the_mapper() {
    let r = parse("no_roles.xml").unwrap();
    assert!(r.roles.is_empty());
    let err = choose_role(&r.roles, None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the SAML assertion carries no https://aws.amazon.com/SAML/Attributes/Role attribute; add a role mapper \
         to the IdP's SAML client that emits \"ROLE_ARN,SAML_PROVIDER_ARN\" values"
    );
    assert!(matches!(choose_role(&[], Some(DEV)), Err(Error::NoRoles)));
}

#[test]
fn doctype_is_refused_before_any_entity_is_read() {
    for tok in encodings(&fixture("doctype.xml")) {
        let err = from_token_exchange(&tok).unwrap_err();
        assert!(matches!(err, Error::Doctype), "{err:?}");
        assert!(err.to_string().contains("DOCTYPE"));
    }
}

#[test]
fn json_and_binary_are_not_xml() {
    let err = parse("not_xml.txt").unwrap_err();
    assert!(matches!(err, Error::NotXml), "{err:?}");
    let err =
        from_token_exchange(&Secret::new(STANDARD.encode([0xff, 0xfe, 0x00, 0x3c]))).unwrap_err();
    assert!(matches!(err, Error::NotUtf8 { .. }), "{err:?}");
    let err = from_token_exchange(&token("<html><body>login</body></html>")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the SAML document's root element is <html>, expected an Assertion in urn:oasis:names:tc:SAML:2.0:assertion \
         or a Response in urn:oasis:names:tc:SAML:2.0:protocol"
    );
    let err = from_token_exchange(&token(
        "<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\">",
    ))
    .unwrap_err();
    assert!(
        matches!(err, Error::Truncated | Error::Xml { .. }),
        "{err:?}"
    );
}

#[test]
fn encrypted_only_response_asks_to_turn_off_encryption() {
    let err = parse("encrypted_response.xml").unwrap_err();
    assert!(matches!(err, Error::Encrypted), "{err:?}");
    assert!(err.to_string().contains("turn off assertion encryption"));
}

#[test]
fn assertion_without_issue_instant_cannot_be_wrapped() {
    let xml = fixture("no_roles.xml").replace(" IssueInstant=\"2026-11-27T20:00:00Z\"", "");
    assert!(matches!(
        from_token_exchange(&token(&xml)),
        Err(Error::NoIssueInstant)
    ));
}

#[test]
fn malformed_session_duration_is_named() {
    let xml = fixture("keycloak_assertion.xml").replace(">28800<", ">eight hours<");
    let err = from_token_exchange(&token(&xml)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the SAML attribute https://aws.amazon.com/SAML/Attributes/SessionDuration is \"eight hours\", not a whole number of seconds"
    );
}

#[test]
fn response_debug_hides_the_assertion() {
    let r = parse("keycloak_assertion.xml").unwrap();
    let dbg = format!("{r:?}");
    assert!(!dbg.contains(&r.base64.expose()[..40]), "{dbg}");
    assert!(dbg.contains("Developer"), "roles are not secret: {dbg}");
}

#[test]
fn choose_role_picks_exact_match_or_single_role() {
    let dev = pair(DEV, KC);
    let ops = pair("arn:aws:iam::123456789012:role/Ops", KC);
    let both = [dev.clone(), ops.clone()];
    assert_eq!(
        choose_role(&both, Some(&ops.role_arn)).unwrap(),
        RoleChoice::Chosen(ops.clone())
    );
    assert_eq!(
        choose_role(std::slice::from_ref(&dev), None).unwrap(),
        RoleChoice::Chosen(dev.clone())
    );
    assert_eq!(
        choose_role(std::slice::from_ref(&dev), Some(DEV)).unwrap(),
        RoleChoice::Chosen(dev.clone())
    );
    assert_eq!(
        choose_role(&both, None).unwrap(),
        RoleChoice::Ambiguous(both.to_vec())
    );
    assert_eq!(
        choose_role(&both, Some("  ")).unwrap(),
        RoleChoice::Ambiguous(both.to_vec())
    );
}

#[test]
fn choose_role_never_switches_to_an_unrequested_role() {
    let dev = pair(DEV, KC);
    let err = choose_role(
        std::slice::from_ref(&dev),
        Some("arn:aws:iam::123456789012:role/Ops"),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "role arn:aws:iam::123456789012:role/Ops was requested, but the SAML assertion offers only \
         arn:aws:iam::123456789012:role/Developer; use -r arn:aws:iam::123456789012:role/Developer, \
         or map arn:aws:iam::123456789012:role/Ops to this user in the IdP"
    );
    // Exact match only: case and whitespace differences are other roles.
    assert!(choose_role(std::slice::from_ref(&dev), Some(&DEV.to_uppercase())).is_err());
}

#[test]
fn choose_role_lists_offered_roles_when_request_is_not_among_them() {
    let roles = [
        pair(DEV, KC),
        pair("arn:aws:iam::123456789012:role/Ops", KC),
    ];
    let err = choose_role(&roles, Some("arn:aws:iam::123456789012:role/Nope")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "role arn:aws:iam::123456789012:role/Nope is not among the roles the SAML assertion offers: \
         arn:aws:iam::123456789012:role/Developer, arn:aws:iam::123456789012:role/Ops; choose one with -r ARN"
    );
}

#[test]
fn truncated_assertions_fail_without_panicking() {
    let text = fixture("keycloak_assertion.xml");
    let text = text.trim_end();
    for cut in (0..text.len()).filter(|&i| text.is_char_boundary(i)) {
        let result = from_token_exchange(&token(&text[..cut]));
        assert!(result.is_err(), "cut at {cut} was accepted");
    }
}

proptest! {
    #[test]
    fn arbitrary_tokens_never_panic(s in "\\PC{0,200}") {
        let _ = from_token_exchange(&Secret::new(s));
    }

    #[test]
    fn arbitrary_documents_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = from_token_exchange(&Secret::new(STANDARD.encode(&bytes)));
    }

    #[test]
    fn xml_like_documents_never_panic(s in "(<[a-zA-Z:]{0,8}( [a-z:]{1,6}=\"[^\"]{0,6}\")?/?>|</[a-z:]{0,6}>|&[a-z#0-9]{0,4};?|[^<&]{0,5}){0,30}") {
        let _ = from_token_exchange(&token(&s));
    }
}
