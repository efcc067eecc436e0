//! One pass over a SAML document with quick-xml's event reader: where the
//! root element starts and ends (so a bare assertion can be embedded byte
//! for byte), the assertion's Issuer, IssueInstant and Recipient, and the
//! attribute values. DOCTYPE declarations and unknown entities are refused,
//! which rules out XML external entity and entity-expansion attacks.
//!
//! Elements are matched by local name, and only the root's namespace is
//! checked: SAML documents use many prefixes (`saml:`, `saml2:`, none) and
//! the signature's own elements never clash with the names read here.

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};

use super::Error;

/// `urn:oasis:names:tc:SAML:2.0:assertion`.
pub(super) const NS_ASSERTION: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
/// `urn:oasis:names:tc:SAML:2.0:protocol`.
pub(super) const NS_PROTOCOL: &str = "urn:oasis:names:tc:SAML:2.0:protocol";

/// The root element of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Root {
    /// A bare `Assertion`.
    Assertion,
    /// A protocol `Response`.
    Response,
}

/// What one pass over the document found.
#[derive(Debug)]
pub(super) struct Scan {
    pub(super) root: Root,
    /// Byte range of the root element, from its `<` to the end of its end tag.
    pub(super) root_span: (usize, usize),
    /// The root's `IssueInstant` attribute.
    pub(super) issue_instant: Option<String>,
    /// The text and `Format` of the root Assertion's own `Issuer`.
    pub(super) issuer: Option<Issuer>,
    /// The first `SubjectConfirmationData/@Recipient`.
    pub(super) recipient: Option<String>,
    /// Every `(Attribute/@Name, AttributeValue text)`, in document order.
    pub(super) attributes: Vec<(String, String)>,
    /// Whether any element is an `Assertion`.
    pub(super) has_assertion: bool,
    /// Whether any element is an `EncryptedAssertion`.
    pub(super) has_encrypted_assertion: bool,
}

/// An `Issuer` element's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Issuer {
    pub(super) value: String,
    pub(super) format: Option<String>,
}

enum Capture {
    Issuer {
        format: Option<String>,
        text: String,
    },
    Value {
        name: String,
        text: String,
    },
}

/// Scan `xml`; errors for anything that is not a well-formed SAML
/// Assertion or Response.
pub(super) fn scan(xml: &str) -> Result<Scan, Error> {
    let mut reader = Reader::from_str(xml);
    let mut depth: usize = 0;
    let mut root: Option<(Root, usize)> = None;
    let mut root_end: Option<usize> = None;
    let mut found = Found::default();
    let mut attribute_name: Option<String> = None;
    let mut capture: Option<(usize, Capture)> = None;

    loop {
        let before = pos(reader.buffer_position());
        let event = reader.read_event().map_err(|source| Error::Xml {
            position: reader.error_position(),
            source,
        })?;
        let after = pos(reader.buffer_position());
        match event {
            Event::DocType(_) => return Err(Error::Doctype),
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                if root_end.is_some() {
                    return Err(Error::TrailingContent);
                }
                let local = local_name(e);
                if root.is_none() {
                    let kind = check_root(e, &local, before)?;
                    found.issue_instant = attribute(e, "IssueInstant", before)?;
                    root = Some((kind, before));
                }
                match local.as_str() {
                    "Assertion" => found.has_assertion = true,
                    "EncryptedAssertion" => found.has_encrypted_assertion = true,
                    "SubjectConfirmationData" if found.recipient.is_none() => {
                        found.recipient = attribute(e, "Recipient", before)?;
                    }
                    "Attribute" => attribute_name = attribute(e, "Name", before)?,
                    "AttributeValue" if capture.is_none() => {
                        if let Some(name) = &attribute_name {
                            capture = Some((
                                depth,
                                Capture::Value {
                                    name: name.clone(),
                                    text: String::new(),
                                },
                            ));
                        }
                    }
                    // Only the root Assertion's own Issuer (depth 1) is copied;
                    // a Response root keeps its Issuer where it is.
                    "Issuer"
                        if depth == 1
                            && capture.is_none()
                            && matches!(root, Some((Root::Assertion, _))) =>
                    {
                        let format = attribute(e, "Format", before)?;
                        capture = Some((
                            depth,
                            Capture::Issuer {
                                format,
                                text: String::new(),
                            },
                        ));
                    }
                    _ => {}
                }
                if empty {
                    close(&mut found, &mut capture, &mut attribute_name, depth, &local);
                    if depth == 0 {
                        root_end = Some(after);
                    }
                } else {
                    depth += 1;
                }
            }
            Event::End(ref e) => {
                depth = depth.saturating_sub(1);
                let local = e.local_name().as_ref().to_string();
                close(&mut found, &mut capture, &mut attribute_name, depth, &local);
                if depth == 0 {
                    root_end = Some(after);
                }
            }
            Event::Text(t) => {
                if depth == 0 {
                    if !t.trim().is_empty() {
                        return Err(outside_root(root.is_some()));
                    }
                } else if let Some((_, c)) = &mut capture {
                    c.text().push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if depth == 0 {
                    return Err(outside_root(root.is_some()));
                }
                if let Some((_, c)) = &mut capture {
                    c.text().push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let text = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => match resolve_predefined_entity(&r) {
                        Some(s) => s.to_string(),
                        None => {
                            return Err(Error::UnknownEntity {
                                name: r.xml10_content().into_owned(),
                            });
                        }
                    },
                    Err(source) => {
                        return Err(Error::Xml {
                            position: reader.buffer_position(),
                            source,
                        });
                    }
                };
                if depth == 0 {
                    return Err(outside_root(root.is_some()));
                }
                if let Some((_, c)) = &mut capture {
                    c.text().push_str(&text);
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }

    match (root, root_end) {
        (Some((kind, start)), Some(end)) => Ok(Scan {
            root: kind,
            root_span: (start, end),
            issue_instant: found.issue_instant,
            issuer: found.issuer,
            recipient: found.recipient,
            attributes: found.attributes,
            has_assertion: found.has_assertion,
            has_encrypted_assertion: found.has_encrypted_assertion,
        }),
        (None, _) => Err(Error::NotXml),
        (Some(_), None) => Err(Error::Truncated),
    }
}

/// Character data outside any element: before the root it means the
/// document is not XML at all, after it that something trails.
fn outside_root(after_root: bool) -> Error {
    if after_root {
        Error::TrailingContent
    } else {
        Error::NotXml
    }
}

#[derive(Default)]
struct Found {
    issue_instant: Option<String>,
    issuer: Option<Issuer>,
    recipient: Option<String>,
    attributes: Vec<(String, String)>,
    has_assertion: bool,
    has_encrypted_assertion: bool,
}

impl Capture {
    fn text(&mut self) -> &mut String {
        match self {
            Capture::Issuer { text, .. } | Capture::Value { text, .. } => text,
        }
    }
}

/// An element at `depth` closed: finish what it was capturing.
fn close(
    found: &mut Found,
    capture: &mut Option<(usize, Capture)>,
    attribute_name: &mut Option<String>,
    depth: usize,
    local: &str,
) {
    if capture.as_ref().is_some_and(|(d, _)| *d == depth) {
        match capture.take() {
            Some((_, Capture::Value { name, text })) => found.attributes.push((name, text)),
            Some((_, Capture::Issuer { format, text })) => {
                found.issuer = Some(Issuer {
                    value: text.trim().to_string(),
                    format,
                });
            }
            None => {}
        }
    }
    if local == "Attribute" {
        *attribute_name = None;
    }
}

/// The root must be an Assertion or Response in its SAML namespace. A root
/// element has no ancestors, so its namespace is declared on itself.
fn check_root(e: &BytesStart<'_>, local: &str, at: usize) -> Result<Root, Error> {
    let name = e.name();
    let qname = name.as_ref().to_string();
    let (kind, want) = match local {
        "Assertion" => (Root::Assertion, NS_ASSERTION),
        "Response" => (Root::Response, NS_PROTOCOL),
        _ => return Err(Error::NotSaml { root: qname }),
    };
    let decl = match name.prefix() {
        Some(p) => format!("xmlns:{}", p.as_ref()),
        None => "xmlns".to_string(),
    };
    match attribute(e, &decl, at)? {
        Some(ns) if ns == want => Ok(kind),
        _ => Err(Error::NotSaml { root: qname }),
    }
}

/// The value of the attribute whose qualified name is `qname`; `at` is the
/// element's offset, for errors.
fn attribute(e: &BytesStart<'_>, qname: &str, at: usize) -> Result<Option<String>, Error> {
    let position = at as u64;
    for attr in e.attributes() {
        let attr = attr.map_err(|source| Error::Xml {
            position,
            source: source.into(),
        })?;
        if attr.key.as_ref() == qname {
            let value = attr
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|source| Error::Xml { position, source })?;
            return Ok(Some(value.into_owned()));
        }
    }
    Ok(None)
}

fn local_name(e: &BytesStart<'_>) -> String {
    e.local_name().as_ref().to_string()
}

/// A reader position as an index; positions never exceed the input length,
/// which is a `usize`.
fn pos(p: u64) -> usize {
    usize::try_from(p).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_finds_root_span_after_declaration_and_comment() {
        let xml = "<?xml version=\"1.0\"?>\n<!-- c -->\n<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" IssueInstant=\"t\"><saml:Issuer>x</saml:Issuer></saml:Assertion>\n";
        let s = scan(xml).unwrap();
        assert_eq!(s.root, Root::Assertion);
        let (a, b) = s.root_span;
        assert_eq!(
            xml.get(a..b).unwrap(),
            xml.trim_end().rsplit_once("-->\n").unwrap().1
        );
        assert_eq!(
            s.issuer,
            Some(Issuer {
                value: "x".into(),
                format: None
            })
        );
        assert_eq!(s.issue_instant.as_deref(), Some("t"));
    }

    #[test]
    fn scan_resolves_predefined_and_character_references() {
        let xml = r#"<Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion"><AttributeStatement><Attribute Name="a&amp;b"><AttributeValue>x&lt;&#65;&#x42;<![CDATA[<c>]]></AttributeValue><AttributeValue/></Attribute></AttributeStatement></Assertion>"#;
        let s = scan(xml).unwrap();
        assert_eq!(
            s.attributes,
            vec![
                ("a&b".to_string(), "x<AB<c>".to_string()),
                ("a&b".to_string(), String::new())
            ]
        );
    }

    #[test]
    fn scan_rejects_wrong_namespace_unknown_entity_and_trailing_text() {
        let err = scan(r#"<saml:Assertion xmlns:saml="urn:example"/>"#).unwrap_err();
        assert!(
            matches!(err, Error::NotSaml { ref root } if root == "saml:Assertion"),
            "{err:?}"
        );
        let err =
            scan(r#"<Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion">&xxe;</Assertion>"#)
                .unwrap_err();
        assert!(
            matches!(err, Error::UnknownEntity { ref name } if name == "xxe"),
            "{err:?}"
        );
        let err =
            scan(r#"<Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion"/>junk"#).unwrap_err();
        assert!(matches!(err, Error::TrailingContent), "{err:?}");
        let err =
            scan(r#"<Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion"><a>"#).unwrap_err();
        assert!(
            matches!(err, Error::Truncated | Error::Xml { .. }),
            "{err:?}"
        );
        assert!(matches!(scan("").unwrap_err(), Error::NotXml));
        let err = scan(r#"<Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion"></Other>"#)
            .unwrap_err();
        assert!(matches!(err, Error::Xml { .. }), "{err:?}");
        let err = scan(r#"<Assertion xmlns="urn:oasis:names:tc:SAML:2.0:assertion" a="1" a="2"/>"#)
            .unwrap_err();
        assert!(matches!(err, Error::Xml { .. }), "{err:?}");
    }
}
