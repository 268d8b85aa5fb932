//! Where each `{{name}}` sits in a command template's shell text, and how its value is quoted
//! there so that it stays inside one word and nothing in it expands. Pure.
//!
//! A small lexer of POSIX `sh`: backslash escapes outside single quotes, `'...'`, `"..."`,
//! comments, and the constructs it tracks but does not reason about fully: `$( )` (and
//! `$(( ))`), backticks, `${ }` and heredoc bodies. A placeholder in one of those is still
//! quoted by the innermost quoting the lexer knows (unquoted by default), and is marked
//! `unsure` so that `validate` can warn about it. This module never runs a shell.

/// The quoting around a placeholder in the template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quoting {
    /// Outside quotes: the value becomes `'value'`, each `'` in it written `'\''`.
    Bare,
    /// Inside the template's `'...'`: each `'` of the value becomes `'\''`.
    Single,
    /// Inside the template's `"..."`: `$`, `` ` ``, `"` and `\` are backslash-escaped.
    Double,
}

/// A construct around a placeholder whose quoting the lexer cannot vouch for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unsure {
    /// Inside `$( )` or `$(( ))`.
    Substitution,
    /// Inside backticks.
    Backticks,
    /// Inside `${ }`.
    Expansion,
    /// In the body of a heredoc, where quotes are text and `$( )` may expand.
    Heredoc,
}

impl Unsure {
    /// How a runbook author would name it.
    pub fn name(self) -> &'static str {
        match self {
            Unsure::Substitution => "$( )",
            Unsure::Backticks => "backticks",
            Unsure::Expansion => "${ }",
            Unsure::Heredoc => "a heredoc",
        }
    }
}

/// One placeholder of a known name in a command template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site<'a> {
    /// Byte offset of its `{{`.
    pub offset: usize,
    /// Length of the whole `{{ name }}`.
    pub len: usize,
    /// The name, trimmed.
    pub name: &'a str,
    pub quoting: Quoting,
    pub unsure: Option<Unsure>,
    /// Inside backticks: the value's `\`, `` ` `` and `$` are escaped once more for them.
    pub backticks: bool,
    /// An escape (`{{{{name}}}}`), written out as the literal `{{name}}`, whatever the name.
    pub escaped: bool,
}

impl Site<'_> {
    /// A placeholder outside any quotes: its value becomes one single-quoted word.
    pub fn bare() -> Site<'static> {
        Site {
            offset: 0,
            len: 0,
            name: "",
            quoting: Quoting::Bare,
            unsure: None,
            backticks: false,
            escaped: false,
        }
    }
}

/// The value as it is written in place of `site` (see `Quoting`).
pub fn quote(value: &str, site: &Site<'_>) -> String {
    let single = || value.replace('\'', r"'\''");
    let quoted = match site.quoting {
        Quoting::Bare => format!("'{}'", single()),
        Quoting::Single => single(),
        Quoting::Double => escape(value, &['$', '`', '"', '\\']),
    };
    if site.backticks {
        // Backquoted text loses one level of `\` before `\`, `` ` `` and `$` before it runs.
        escape(&quoted, &['$', '`', '\\'])
    } else {
        quoted
    }
}

fn escape(s: &str, special: &[char]) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if special.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Every placeholder whose name `known` accepts, in order, with its quoting context. Unknown
/// placeholders are left to be lexed as the shell text they are.
pub fn sites<'a>(text: &'a str, known: &dyn Fn(&str) -> bool) -> Vec<Site<'a>> {
    let mut lx = Lexer {
        b: text.as_bytes(),
        i: 0,
        frames: Vec::new(),
        comment: false,
        word_start: true,
        pending: Vec::new(),
        plain_until: 0,
    };
    let mut out = Vec::new();
    while lx.i < lx.b.len() {
        if let Some(len) = lx.escape(text) {
            let mut site = lx.site("", len);
            site.escaped = true;
            out.push(site);
            lx.i += len;
            lx.word_start = false;
            continue;
        }
        if let Some((name, len)) = lx.placeholder(text) {
            if known(name) {
                out.push(lx.site(name, len));
                lx.i += len;
                lx.word_start = false;
                continue;
            }
            // An unknown one stays as written: lex its text, without looking for more inside.
            lx.plain_until = lx.i + len;
        }
        if !lx.pending.is_empty() && lx.at_line_start() {
            out.extend(lx.heredoc_body(text, known));
            continue;
        }
        lx.step();
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Frame {
    /// `$(`: the number of `(` opened inside it and not yet closed.
    Subst(u32),
    Backtick,
    Brace,
    Double,
    Single,
}

/// A heredoc announced by `<<WORD` whose body starts on the next line.
struct Heredoc {
    delimiter: String,
    strip_tabs: bool,
}

struct Lexer<'t> {
    b: &'t [u8],
    i: usize,
    frames: Vec<Frame>,
    comment: bool,
    word_start: bool,
    pending: Vec<Heredoc>,
    /// No placeholder starts before this offset (the text of an unknown one).
    plain_until: usize,
}

impl Lexer<'_> {
    /// `{{ name }}` at the current offset (`super::placeholder_at`): the name and the whole
    /// length.
    fn placeholder<'a>(&self, text: &'a str) -> Option<(&'a str, usize)> {
        if self.i < self.plain_until || self.b[self.i] != b'{' {
            return None;
        }
        super::placeholder_at(text, self.i)
    }

    /// An escape `{{{{name}}}}` at the current offset: its whole length.
    fn escape(&self, text: &str) -> Option<usize> {
        if self.i < self.plain_until || self.b[self.i] != b'{' {
            return None;
        }
        super::escape_at(text, self.i)
    }

    fn site<'a>(&self, name: &'a str, len: usize) -> Site<'a> {
        let quoting = match self
            .frames
            .iter()
            .rev()
            .find(|f| !matches!(f, Frame::Brace))
        {
            Some(Frame::Single) => Quoting::Single,
            Some(Frame::Double) => Quoting::Double,
            _ => Quoting::Bare,
        };
        let unsure = self.frames.iter().find_map(|f| match f {
            Frame::Subst(_) => Some(Unsure::Substitution),
            Frame::Backtick => Some(Unsure::Backticks),
            Frame::Brace => Some(Unsure::Expansion),
            Frame::Double | Frame::Single => None,
        });
        Site {
            offset: self.i,
            len,
            name,
            quoting,
            unsure,
            backticks: self.frames.contains(&Frame::Backtick),
            escaped: false,
        }
    }

    fn at_line_start(&self) -> bool {
        self.i > 0 && self.b[self.i - 1] == b'\n' && self.frames.is_empty() && !self.comment
    }

    fn next_is(&self, s: &[u8]) -> bool {
        self.b[self.i..].starts_with(s)
    }

    /// Lexes one byte (or a two-byte token) of shell text.
    fn step(&mut self) {
        let c = self.b[self.i];
        match self.frames.last().copied() {
            Some(Frame::Single) => {
                if c == b'\'' {
                    self.frames.pop();
                }
                self.i += 1;
            }
            Some(Frame::Double) => self.double(c),
            _ if self.comment => {
                self.comment = c != b'\n';
                self.i += 1;
            }
            _ => self.plain(c),
        }
    }

    fn double(&mut self, c: u8) {
        match c {
            b'\\' => self.i += 2,
            b'"' => {
                self.frames.pop();
                self.i += 1;
            }
            b'$' | b'`' => self.expansion(c),
            _ => self.i += 1,
        }
    }

    /// `$(`, `${` and backticks open (or close) a frame; a lone `$` is text.
    fn expansion(&mut self, c: u8) {
        if c == b'`' {
            if self.frames.last() == Some(&Frame::Backtick) {
                self.frames.pop();
            } else {
                self.frames.push(Frame::Backtick);
            }
            self.i += 1;
        } else if self.next_is(b"$(") {
            self.frames.push(Frame::Subst(0));
            self.i += 2;
        } else if self.next_is(b"${") {
            self.frames.push(Frame::Brace);
            self.i += 2;
        } else {
            self.i += 1;
        }
    }

    /// Unquoted text: at the top level, or inside `$( )`, backticks or `${ }`.
    fn plain(&mut self, c: u8) {
        let starts_word = self.word_start;
        self.word_start = matches!(
            c,
            b' ' | b'\t' | b'\n' | b';' | b'|' | b'&' | b'(' | b')' | b'<' | b'>'
        );
        match (c, self.frames.last().copied()) {
            (b'\\', _) => self.i += 2,
            (b'\'', _) => self.open(Frame::Single),
            (b'"', _) => self.open(Frame::Double),
            (b'#', _) if starts_word => {
                self.comment = true;
                self.i += 1;
            }
            (b'$' | b'`', _) => self.expansion(c),
            (b'(', Some(Frame::Subst(n))) => self.set_top(Frame::Subst(n + 1)),
            (b')', Some(Frame::Subst(0))) | (b'}', Some(Frame::Brace)) => {
                self.frames.pop();
                self.i += 1;
            }
            (b')', Some(Frame::Subst(n))) => self.set_top(Frame::Subst(n - 1)),
            (b'<', _) if self.next_is(b"<<<") => self.i += 3,
            (b'<', _) if self.next_is(b"<<") => self.heredoc(),
            _ => self.i += 1,
        }
    }

    fn open(&mut self, f: Frame) {
        self.frames.push(f);
        self.i += 1;
    }

    fn set_top(&mut self, f: Frame) {
        if let Some(top) = self.frames.last_mut() {
            *top = f;
        }
        self.i += 1;
    }

    /// `<<WORD` or `<<-WORD`: its body starts after the end of this line.
    fn heredoc(&mut self) {
        self.i += 2;
        let strip_tabs = self.next_is(b"-");
        if strip_tabs {
            self.i += 1;
        }
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t') {
            self.i += 1;
        }
        let mut delimiter = Vec::new();
        while let Some(&c) = self.b.get(self.i) {
            if c.is_ascii_whitespace() || b";|&<>()".contains(&c) {
                break;
            }
            if !matches!(c, b'\'' | b'"' | b'\\') {
                delimiter.push(c);
            }
            self.i += 1;
        }
        self.pending.push(Heredoc {
            delimiter: String::from_utf8_lossy(&delimiter).into_owned(),
            strip_tabs,
        });
        self.word_start = true;
    }

    /// The body of the first pending heredoc, line by line up to its delimiter line: its
    /// placeholders, all unsure.
    fn heredoc_body<'a>(&mut self, text: &'a str, known: &dyn Fn(&str) -> bool) -> Vec<Site<'a>> {
        let doc = self.pending.remove(0);
        let mut out = Vec::new();
        while self.i < self.b.len() {
            let end = text[self.i..].find('\n').map_or(text.len(), |n| self.i + n);
            let line = &text[self.i..end];
            let line = if doc.strip_tabs {
                line.trim_start_matches('\t')
            } else {
                line
            };
            if line == doc.delimiter {
                self.i = (end + 1).min(text.len());
                break;
            }
            while self.i < end {
                if let Some(len) = self.escape(text) {
                    let mut site = self.site("", len);
                    site.escaped = true;
                    out.push(site);
                    self.i += len;
                    continue;
                }
                match self.placeholder(text) {
                    Some((name, len)) if known(name) => {
                        let mut site = self.site(name, len);
                        site.unsure = Some(Unsure::Heredoc);
                        out.push(site);
                        self.i += len;
                    }
                    _ => self.i += 1,
                }
            }
            self.i = (end + 1).min(text.len());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(text: &str) -> Vec<(Quoting, Option<Unsure>)> {
        sites(text, &|_| true)
            .into_iter()
            .map(|s| (s.quoting, s.unsure))
            .collect()
    }

    #[test]
    fn the_three_plain_contexts_are_told_apart() {
        use Quoting::*;
        assert_eq!(
            ctx(r#"a {{x}} '{{x}}' "{{x}}" b'c{{x}}'"d{{x}}" \'{{x}}"#),
            vec![
                (Bare, None),
                (Single, None),
                (Double, None),
                (Single, None),
                (Double, None),
                (Bare, None),
            ]
        );
        // A quote inside the other kind, or escaped, does not change the context.
        assert_eq!(
            ctx(r#"echo "it's {{x}}" 'say "{{x}}' \" {{x}} "a\"{{x}}""#),
            vec![(Double, None), (Single, None), (Bare, None), (Double, None)]
        );
    }

    #[test]
    fn comments_do_not_open_quotes() {
        assert_eq!(
            ctx("echo a # don't {{x}}\necho {{x}}"),
            vec![(Quoting::Bare, None), (Quoting::Bare, None)]
        );
        // `#` inside a word is not a comment.
        assert_eq!(ctx("echo a#'{{x}}'"), vec![(Quoting::Single, None)]);
    }

    #[test]
    fn what_it_cannot_reason_about_is_marked() {
        use Quoting::*;
        use Unsure::*;
        assert_eq!(
            ctx(r#"echo $(dig {{x}}) "$(echo '{{x}}')" `echo {{x}}` ${v:-{{x}}} {{x}}"#),
            vec![
                (Bare, Some(Substitution)),
                (Single, Some(Substitution)),
                (Bare, Some(Backticks)),
                (Bare, Some(Expansion)),
                (Bare, None),
            ]
        );
        assert_eq!(
            ctx("cat <<EOF\nhello {{x}}\nEOF\necho {{x}}"),
            vec![(Bare, Some(Heredoc)), (Bare, None)]
        );
        assert_eq!(
            ctx("cat <<-'END' | sort\n\t{{x}}'\n\tEND\necho '{{x}}'"),
            vec![(Bare, Some(Heredoc)), (Single, None)]
        );
        // A here-string is a word, not a heredoc.
        assert_eq!(ctx("cat <<< {{x}}"), vec![(Bare, None)]);
    }

    #[test]
    fn values_are_quoted_for_their_context() {
        let site = |q, backticks| Site {
            offset: 0,
            len: 0,
            name: "x",
            quoting: q,
            unsure: None,
            backticks,
            escaped: false,
        };
        let v = r#"a'b"c$d`e\f"#;
        assert_eq!(quote(v, &site(Quoting::Bare, false)), r#"'a'\''b"c$d`e\f'"#);
        assert_eq!(quote(v, &site(Quoting::Single, false)), r#"a'\''b"c$d`e\f"#);
        assert_eq!(
            quote(v, &site(Quoting::Double, false)),
            r#"a'b\"c\$d\`e\\f"#
        );
        assert_eq!(quote("", &site(Quoting::Bare, false)), "''");
        assert_eq!(quote("a`b$c", &site(Quoting::Bare, true)), r"'a\`b\$c'");
    }

    #[test]
    fn unknown_placeholders_are_text_and_hide_nothing() {
        let found: Vec<&str> = sites("{{a {{b}} '{{b}}' {{c}} '{{c}}", &|n| n == "b")
            .iter()
            .map(|s| s.name)
            .collect();
        // `{{a ` is text; the unknown `{{c}}` is lexed as text, its quote still opens.
        assert_eq!(found, vec!["b", "b"]);
        // Go template text is no placeholder and leaves the quoting alone.
        let s = sites(
            "kubectl -o go-template='{{range .items}}{{end}}' {{b}}",
            &|_| true,
        );
        assert_eq!((s.len(), s[0].quoting), (1, Quoting::Bare));
        // An escape is found whatever its name, in its quoting.
        let s = sites("echo '{{{{x}}}}'", &|_| false);
        assert!(s[0].escaped && s[0].quoting == Quoting::Single && s[0].len == 9);
        // An escaped brace starts no placeholder.
        assert!(sites(r"echo \{{b}}", &|_| true).is_empty());
    }

    #[test]
    fn unterminated_constructs_end_without_panicking() {
        for t in [
            "echo '{{x}}",
            "echo \"{{x}}",
            "echo $( {{x}}",
            "echo \\",
            "cat <<",
            "{{",
        ] {
            let _ = sites(t, &|_| true);
        }
    }
}
