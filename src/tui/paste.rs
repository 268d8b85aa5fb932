//! Pasted text (bracketed paste): it goes into the text field that has the focus, as text,
//! and nowhere else. A paste is never read as keys, so pasting "ready" cannot open a dialog
//! and confirm it, and no binding fires. Pure.

use super::state::{AppState, InputPurpose, Overlay, Tone};

/// Inserts `text` where the responder is typing, or says that it was ignored.
pub fn paste(s: &mut AppState, text: &str) {
    match &mut s.overlay {
        Some(Overlay::Input(input)) => {
            let multi_line = matches!(input.purpose, InputPurpose::Comms { .. });
            let clean = as_typed(text, multi_line);
            insert(&mut input.text, &mut input.cursor, &clean);
        }
        Some(Overlay::StartForm(f)) => {
            let last = f.field_count() - 1;
            let field = match f.focus {
                0 => Some(&mut f.title),
                i if i >= 2 && i < last => f.vars.get_mut(i - 2).map(|v| &mut v.value),
                _ => None,
            };
            match field {
                Some(field) => {
                    let mut end = field.chars().count();
                    insert(field, &mut end, &as_typed(text, false));
                }
                None => ignored(s),
            }
        }
        None if s.home.filtering && s.screen == super::state::Screen::Home => {
            s.home.filter.push_str(&as_typed(text, false));
            s.home.selected = 0;
            s.home.moved = true;
        }
        _ => ignored(s),
    }
}

fn ignored(s: &mut AppState) {
    s.flash(
        Tone::Info,
        "pasted text is ignored here: it only goes into a text field",
    );
}

/// The pasted text as if typed: line ends normalised (kept only where a field takes several
/// lines, else spaces), other control characters dropped.
fn as_typed(text: &str, multi_line: bool) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    text.chars()
        .filter_map(|c| match c {
            '\n' if multi_line => Some('\n'),
            '\n' | '\t' => Some(' '),
            c if crate::runbook::sanitize::is_hazard(c) => None,
            c => Some(c),
        })
        .collect()
}

/// Inserts `add` at `cursor` (in characters) and moves the cursor past it.
fn insert(text: &mut String, cursor: &mut usize, add: &str) {
    let at = text
        .char_indices()
        .nth(*cursor)
        .map_or(text.len(), |(b, _)| b);
    text.insert_str(at, add);
    *cursor += add.chars().count();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_text_is_cleaned_as_if_typed() {
        assert_eq!(as_typed("a\r\nb\tc\u{1b}[2J", false), "a b c[2J");
        assert_eq!(as_typed("a\r\nb", true), "a\nb");
        let mut t = "ab".to_string();
        let mut cur = 1;
        insert(&mut t, &mut cur, "XY");
        assert_eq!((t.as_str(), cur), ("aXYb", 3));
    }
}
