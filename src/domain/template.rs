//! Filling `{{name}}` placeholders with an incident's variable values. Pure.

/// Replaces each `{{name}}` (whitespace inside the braces allowed) with its value; unknown
/// names are left as written so nothing is silently lost.
pub fn fill(text: &str, values: &[(String, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open + 2..].find("}}") else {
            break;
        };
        let name = rest[open + 2..open + 2 + close].trim();
        out.push_str(&rest[..open]);
        match values.iter().find(|(k, _)| k == name) {
            Some((_, v)) => out.push_str(v),
            None => out.push_str(&rest[open..open + 2 + close + 2]),
        }
        rest = &rest[open + 2 + close + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_known_and_keeps_unknown() {
        let v = vec![("cluster".to_string(), "sd-prod".to_string())];
        assert_eq!(
            fill("etcd {{cluster}} / {{ cluster }} {{other}} {{", &v),
            "etcd sd-prod / sd-prod {{other}} {{"
        );
    }
}
