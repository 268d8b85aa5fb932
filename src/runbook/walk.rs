//! Typed access to a spanned TOML table that reports, rather than stops at, every problem:
//! unknown keys (with a did-you-mean), missing required keys, and values of the wrong type.
//! Each accessor returns `None` after recording a diagnostic, so the caller carries on.

use super::diag::Diagnostic;
use super::fields::{self, Field, Ty};
use super::suggest;
use crate::domain::Dur;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

pub type Sv<'i> = Spanned<DeValue<'i>>;
/// A value with the byte range it came from.
pub type Sp<T> = (T, Range<usize>);

/// Collects diagnostics while walking one file.
#[derive(Default)]
pub struct Walk {
    pub diags: Vec<Diagnostic>,
}

/// The known entries of one table, after unknown keys were reported.
pub struct Entries<'a, 'i> {
    items: Vec<(&'a Spanned<DeString<'i>>, &'a Sv<'i>)>,
    /// The table's own span (its header for `[[steps]]`), where "missing field" points.
    pub span: Range<usize>,
    /// Message prefix naming the table, e.g. `step "declare": `.
    pub ctx: String,
}

impl<'a, 'i> Entries<'a, 'i> {
    pub fn get(&self, name: &str) -> Option<&'a Sv<'i>> {
        self.items
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == name)
            .map(|(_, v)| *v)
    }

    pub fn key_span(&self, name: &str) -> Option<Range<usize>> {
        self.items
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == name)
            .map(|(k, _)| k.span())
    }

    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn keys(&self) -> impl Iterator<Item = (&'a str, Range<usize>)> + '_ {
        self.items
            .iter()
            .map(|(k, _)| (k.get_ref().as_ref(), k.span()))
    }
}

/// How a type is named in messages.
pub fn describe(ty: Ty) -> String {
    match ty {
        Ty::Str => "a string".into(),
        Ty::Int => "an integer".into(),
        Ty::Bool => "true or false".into(),
        Ty::Id => "a string of lowercase letters, digits and '-'".into(),
        Ty::Duration => "a duration string such as \"5m\"".into(),
        Ty::Enum(names) => format!("one of {}", names.join(", ")),
        Ty::StrList => "an array of strings".into(),
        Ty::LinkList => "an array of { title, url } tables".into(),
        Ty::ChoiceList => "an array of { label, next } tables".into(),
        Ty::VarTable => "a table of [vars.NAME] tables".into(),
        Ty::StepList => "an array of [[steps]] tables".into(),
        Ty::EnvTable => "a table of NAME = \"value\" strings, like [env]".into(),
        Ty::SevTable => "a table of label values to sev1..sev4, like [alert_severity]".into(),
    }
}

fn found(v: &DeValue<'_>) -> String {
    match v {
        DeValue::String(s) => format!("string \"{}\"", super::sanitize::visible(s)),
        DeValue::Integer(i) => format!("integer {}", i.as_str()),
        DeValue::Float(x) => format!("float {}", x.as_str()),
        DeValue::Boolean(b) => format!("boolean {b}"),
        other => other.type_str().to_string(),
    }
}

impl Walk {
    pub fn error(&mut self, span: Range<usize>, msg: impl Into<String>) -> &mut Diagnostic {
        self.diags.push(Diagnostic::error(span, msg));
        self.last()
    }

    pub fn warning(&mut self, span: Range<usize>, msg: impl Into<String>) -> &mut Diagnostic {
        self.diags.push(Diagnostic::warning(span, msg));
        self.last()
    }

    fn last(&mut self) -> &mut Diagnostic {
        let i = self.diags.len() - 1;
        &mut self.diags[i]
    }

    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }

    /// The entries of a runbook's root table. A missing top-level field has no place of its
    /// own, so "missing" points at the document's first key.
    pub fn root<'a, 'i>(&mut self, doc: &'a DeTable<'i>) -> Entries<'a, 'i> {
        let first_key = doc.iter().next().map_or(0..0, |(k, _)| k.span());
        self.entries(doc, first_key, fields::TOP, String::new(), "a runbook")
    }

    /// Reports keys not in `known`, then returns the table's entries.
    pub fn entries<'a, 'i>(
        &mut self,
        table: &'a DeTable<'i>,
        span: Range<usize>,
        known: &[Field],
        ctx: String,
        what: &str,
    ) -> Entries<'a, 'i> {
        let names = fields::names(known);
        let mut items = Vec::new();
        for (k, v) in table.iter() {
            let key = k.get_ref().as_ref();
            if fields::find(known, key).is_some() {
                items.push((k, v));
            } else {
                let hint = suggest::hint(key, names.iter().copied());
                self.error(k.span(), format!("{ctx}unknown field `{key}`{hint}"))
                    .help = Some(format!("the fields of {what} are: {}", names.join(", ")));
            }
        }
        Entries { items, span, ctx }
    }

    fn wrong_type(&mut self, e: &Entries<'_, '_>, name: &str, v: &Sv<'_>, ty: Ty) {
        let msg = format!(
            "{}`{name}` must be {}, found {}",
            e.ctx,
            describe(ty),
            found(v.get_ref())
        );
        self.error(v.span(), msg);
    }

    /// Reports a missing required field.
    pub fn missing(&mut self, e: &Entries<'_, '_>, name: &str, example: &str) {
        let msg = format!("{}missing required field `{name}`", e.ctx);
        self.error(e.span.clone(), msg).help = Some(format!("add `{name} = {example}`"));
    }

    pub fn str(&mut self, e: &Entries<'_, '_>, name: &str) -> Option<Sp<String>> {
        let v = e.get(name)?;
        match v.get_ref() {
            DeValue::String(s) => Some((s.to_string(), v.span())),
            _ => {
                self.wrong_type(e, name, v, Ty::Str);
                None
            }
        }
    }

    pub fn req_str(&mut self, e: &Entries<'_, '_>, name: &str) -> Option<Sp<String>> {
        if !e.has(name) {
            self.missing(e, name, "\"...\"");
        }
        self.str(e, name)
    }

    pub fn bool(&mut self, e: &Entries<'_, '_>, name: &str) -> Option<Sp<bool>> {
        let v = e.get(name)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some((*b, v.span())),
            _ => {
                self.wrong_type(e, name, v, Ty::Bool);
                None
            }
        }
    }

    pub fn int(&mut self, e: &Entries<'_, '_>, name: &str) -> Option<Sp<i64>> {
        let v = e.get(name)?;
        let parsed = match v.get_ref() {
            DeValue::Integer(i) => {
                i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok()
            }
            _ => None,
        };
        if parsed.is_none() {
            self.wrong_type(e, name, v, Ty::Int);
        }
        parsed.map(|n| (n, v.span()))
    }

    /// A string that must match the id pattern `[a-z0-9][a-z0-9-]*`.
    pub fn id(&mut self, e: &Entries<'_, '_>, name: &str, required: bool) -> Option<Sp<String>> {
        let (s, span) = if required {
            self.req_str(e, name)?
        } else {
            self.str(e, name)?
        };
        if let Err(why) = check_id(&s) {
            self.error(span, format!("{}`{name}` {why}", e.ctx));
            return None;
        }
        Some((s, span))
    }

    pub fn duration(&mut self, e: &Entries<'_, '_>, name: &str) -> Option<Sp<Dur>> {
        let v = e.get(name)?;
        let DeValue::String(s) = v.get_ref() else {
            self.wrong_type(e, name, v, Ty::Duration);
            return None;
        };
        match Dur::parse(s) {
            Ok(d) => Some((d, v.span())),
            Err(why) => {
                self.error(v.span(), format!("{}`{name}`: {why}", e.ctx));
                None
            }
        }
    }

    /// A string from a closed set, parsed with `T::from_str` (whose error lists the set).
    pub fn parsed<T: std::str::FromStr<Err = String>>(
        &mut self,
        e: &Entries<'_, '_>,
        name: &str,
    ) -> Option<Sp<T>> {
        let (s, span) = self.str(e, name)?;
        match s.parse() {
            Ok(t) => Some((t, span)),
            Err(why) => {
                self.error(span, format!("{}{why}", e.ctx));
                None
            }
        }
    }

    pub fn str_list(&mut self, e: &Entries<'_, '_>, name: &str) -> Vec<Sp<String>> {
        let Some(v) = e.get(name) else {
            return Vec::new();
        };
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(e, name, v, Ty::StrList);
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match item.get_ref() {
                DeValue::String(s) => out.push((s.to_string(), item.span())),
                other => {
                    let msg = format!(
                        "{}`{name}` item {} must be a string, found {}",
                        e.ctx,
                        i + 1,
                        found(other)
                    );
                    self.error(item.span(), msg);
                }
            }
        }
        out
    }

    /// The tables in an array-of-tables field, each with its span and 1-based position.
    pub fn table_list<'a, 'i>(
        &mut self,
        e: &Entries<'a, 'i>,
        name: &str,
        ty: Ty,
    ) -> Vec<(usize, &'a DeTable<'i>, Range<usize>)> {
        let Some(v) = e.get(name) else {
            return Vec::new();
        };
        let DeValue::Array(items) = v.get_ref() else {
            self.wrong_type(e, name, v, ty);
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match item.get_ref() {
                DeValue::Table(t) => out.push((i + 1, t, item.span())),
                other => {
                    let msg = format!(
                        "{}`{name}` item {} must be a table, found {}",
                        e.ctx,
                        i + 1,
                        found(other)
                    );
                    self.error(item.span(), msg).help =
                        Some(format!("each item is {}", describe(ty)));
                }
            }
        }
        out
    }
}

/// Why `s` is not a valid id, if it is not.
pub fn check_id(s: &str) -> Result<(), String> {
    let ok_chars = s
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if s.is_empty() {
        return Err("must not be empty".into());
    }
    if s.len() > 64 {
        return Err(format!(
            "\"{}...\" is longer than 64 characters",
            &s[..s.floor_char_boundary(32)]
        ));
    }
    if !ok_chars || s.starts_with('-') {
        let slug: String = s
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect::<String>()
            .trim_matches('-')
            .to_string();
        return Err(format!(
            "\"{}\" must use only lowercase letters, digits and '-', starting with a letter or digit (like \"{slug}\")",
            super::sanitize::visible(s)
        ));
    }
    Ok(())
}
