//! Text helpers the panes share: making untrusted text safe for the terminal, wrapping and
//! truncating by display width, formatting times and durations, placing popups.
//!
//! Every piece of runbook text, note, variable value and command output goes through `clean`
//! or `one` (both built on `sanitize::visible`) before it becomes a `Line`: control characters,
//! escape sequences and bidi overrides are shown as `\u{..}`, never sent to the terminal.
//! Nothing here reads the clock: durations are computed from `AppState::now` by the callers.

use crate::domain::template::fill;
use crate::runbook::sanitize::visible;
use chrono::{DateTime, Duration, Utc};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// Lines a pane builds before handing them to a `Paragraph`.
pub type Lines = Vec<Line<'static>>;

/// One line of untrusted text made visible (newlines shown as `\n`).
pub fn one(text: &str) -> String {
    visible(text)
}

/// Runbook text with `{{vars}}` filled, split into lines, each made visible. A single trailing
/// newline (TOML multi-line strings end with one) does not make an empty last line.
pub fn clean(text: &str, vars: &[(String, String)]) -> Vec<String> {
    let filled = fill(text, vars);
    let body = filled.strip_suffix('\n').unwrap_or(&filled);
    body.split('\n').map(visible).collect()
}

/// Display width in terminal cells.
pub fn width(s: &str) -> usize {
    Span::raw(s).width()
}

/// Wraps one line to `max` cells: at spaces when it can, inside a word when it must. Lines that
/// start indented keep the indent on their continuations (command lines in a body stay readable).
pub fn wrap(line: &str, max: usize) -> Vec<String> {
    if max == 0 {
        return vec![line.to_string()];
    }
    let lead = line.len() - line.trim_start_matches(' ').len();
    let indent_w = if lead < max / 2 { lead } else { 0 };
    let indent = " ".repeat(indent_w);
    let mut out = Vec::new();
    let mut cur = line[..lead].to_string();
    let mut cur_w = width(&cur);
    for (i, word) in line[lead..].split(' ').enumerate() {
        let sep = usize::from(i > 0);
        let ww = width(word);
        if cur_w + sep + ww <= max {
            if sep == 1 {
                cur.push(' ');
            }
            cur.push_str(word);
            cur_w += sep + ww;
            continue;
        }
        if ww <= max - indent_w && cur_w > indent_w {
            out.push(std::mem::replace(&mut cur, indent.clone()));
            cur.push_str(word);
            cur_w = indent_w + ww;
            continue;
        }
        // A word longer than a whole line: split it wherever the line is full.
        if sep == 1 && cur_w < max && cur_w > indent_w {
            cur.push(' ');
            cur_w += 1;
        }
        for (at, ch) in word.char_indices() {
            let cw = width(&word[at..at + ch.len_utf8()]);
            if cur_w + cw > max && cur_w > indent_w {
                out.push(std::mem::replace(&mut cur, indent.clone()));
                cur_w = indent_w;
            }
            cur.push(ch);
            cur_w += cw;
        }
    }
    out.push(cur);
    out
}

/// Wraps untrusted multi-line text (filled and made visible) into styled lines.
pub fn wrapped(text: &str, vars: &[(String, String)], max: usize, style: Style) -> Lines {
    clean(text, vars)
        .iter()
        .flat_map(|l| wrap(l, max))
        .map(|l| Line::styled(l, style))
        .collect()
}

/// Like `wrapped`, for prose: hard-wrapped lines are joined into paragraphs first (`reflow`),
/// so a summary written at 95 columns reads well at 40 or 140.
pub fn prose(text: &str, vars: &[(String, String)], max: usize, style: Style) -> Lines {
    reflow(clean(text, vars))
        .iter()
        .flat_map(|l| wrap(l, max))
        .map(|l| Line::styled(l, style))
        .collect()
}

/// Joins hard-wrapped prose: a line that starts with a non-space continues the line before it,
/// unless that one was blank or indented. Blank lines, indented lines (commands, code) and list
/// items (`- `, `* `, `1. `) keep their own lines.
pub fn reflow(lines: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut open = false;
    for l in lines {
        let plain = !l.is_empty() && !l.starts_with(' ');
        match out.last_mut() {
            Some(last) if open && plain && !is_item(&l) => {
                last.push(' ');
                last.push_str(l.trim_end());
            }
            _ => {
                open = plain;
                out.push(l);
            }
        }
    }
    out
}

/// `- x`, `* x`, `1. x`, `2) x`.
fn is_item(l: &str) -> bool {
    if l.starts_with("- ") || l.starts_with("* ") {
        return true;
    }
    let digits = l.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && (l[digits..].starts_with(". ") || l[digits..].starts_with(") "))
}

/// Wraps text that is already safe (built by the program, or already made visible), with a
/// prefix on the first line and blanks of the same width on the others.
pub fn hanging(prefix: &str, text: &str, max: usize, style: Style) -> Lines {
    let pw = width(prefix);
    if max <= pw + 4 {
        return vec![Line::styled(fit(&format!("{prefix}{text}"), max), style)];
    }
    let pad = " ".repeat(pw);
    wrap(text, max - pw)
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let head = if i == 0 { prefix } else { pad.as_str() };
            Line::styled(format!("{head}{l}"), style)
        })
        .collect()
}

/// Truncates to `max` cells, ending with `…` when something was cut.
pub fn fit(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut w = 0;
    for (at, ch) in s.char_indices() {
        let cw = width(&s[at..at + ch.len_utf8()]);
        if w + cw > max - 1 {
            break;
        }
        out.push(ch);
        w += cw;
    }
    out.push('…');
    out
}

/// Pads with spaces (or truncates) to exactly `max` cells.
pub fn pad(s: &str, max: usize) -> String {
    let cut = fit(s, max);
    let w = width(&cut);
    format!("{cut}{}", " ".repeat(max.saturating_sub(w)))
}

/// A time of day, UTC, as the journal's readers see it.
pub fn hms(t: DateTime<Utc>) -> String {
    t.format("%H:%M:%S").to_string()
}

/// A span of time as `m:ss`, or `h:mm:ss` from an hour on. Negative spans show as `0:00`.
pub fn clock(d: Duration) -> String {
    let secs = d.num_seconds().max(0);
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// `t` plus `secs` seconds; None when that is past the end of time (absurd runbook durations
/// must not panic the screen).
pub fn after(t: DateTime<Utc>, secs: u64) -> Option<DateTime<Utc>> {
    let d = Duration::try_seconds(i64::try_from(secs).ok()?)?;
    t.checked_add_signed(d)
}

/// A rectangle of at most `w` x `h` centred in `area` (shrunk to fit it).
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// The first line to show so that line `selected` of `total` is in a window of `height` lines:
/// the selection is kept near the middle, and the window never runs past either end. Stateless,
/// so the same state always draws the same screen.
pub fn scroll_offset(selected: usize, total: usize, height: usize) -> usize {
    if total <= height || height == 0 {
        return 0;
    }
    selected.saturating_sub(height / 2).min(total - height)
}

/// The bottom border of a pane that scrolls with `J`/`K`: how much is out of view above and
/// below, and the keys that bring it in (`None` when everything is in view).
pub fn scroll_hint(above: usize, below: usize) -> Option<String> {
    let mut more = Vec::new();
    if above > 0 {
        more.push(format!("↑{above}"));
    }
    if below > 0 {
        more.push(format!("↓{below}"));
    }
    let keys = if above > 0 { "J K" } else { "J" };
    (!more.is_empty()).then(|| format!(" {} more: {keys} ", more.join(" ")))
}

/// Draws `lines` inside `block` over `area`, scrolled down `scroll` lines (kept to what can
/// scroll), the bottom border saying what is out of view (`scroll_hint`, styled `hint`).
/// Returns what it showed, for `J`/`K` (the preview, the stats screen's runbook pane).
pub fn scrolled(
    frame: &mut ratatui::Frame,
    area: Rect,
    mut block: ratatui::widgets::Block<'static>,
    lines: Lines,
    scroll: usize,
    hint: Style,
) -> crate::tui::state::Extent {
    let inner = block.inner(area);
    let h = usize::from(inner.height);
    let room = lines.len().saturating_sub(h);
    let offset = scroll.min(room);
    if let Some(text) = scroll_hint(offset, room - offset) {
        block = block.title_bottom(Line::styled(text, hint));
    }
    frame.render_widget(block, area);
    let extent = crate::tui::state::Extent {
        lines: lines.len(),
        room: h,
        from: offset,
    };
    if !inner.is_empty() {
        let shown: Lines = lines.into_iter().skip(offset).take(h).collect();
        frame.render_widget(ratatui::widgets::Paragraph::new(shown), inner);
    }
    extent
}

/// "1 step", "3 steps".
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else if ["s", "x", "ch", "sh"].iter().any(|e| word.ends_with(e)) {
        format!("{n} {word}es")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_and_splits_long_words() {
        assert_eq!(wrap("aaa bbb ccc", 7), vec!["aaa bbb", "ccc"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("  ssh host cmd", 8), vec!["  ssh", "  host", "  cmd"]);
        assert_eq!(wrap("", 5), vec![""]);
        for w in 1..12 {
            for l in wrap("x  yy zzzzzzzzzzzzz  é 中文字符 end", w) {
                assert!(width(&l) <= w.max(2), "{l:?} wider than {w}");
            }
        }
    }

    #[test]
    fn fits_and_formats() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(clock(Duration::seconds(250)), "4:10");
        assert_eq!(clock(Duration::seconds(3723)), "1:02:03");
        assert_eq!(clock(Duration::seconds(-5)), "0:00");
        assert_eq!(scroll_offset(0, 100, 10), 0);
        assert_eq!(scroll_offset(50, 100, 10), 45);
        assert_eq!(scroll_offset(99, 100, 10), 90);
    }

    #[test]
    fn reflows_prose_but_keeps_code_and_lists() {
        let text = "Use when\nit breaks.\n  ssh host\n  df -h\nThen:\n- one\n- two\n\nNew para";
        let lines: Vec<String> = text.split('\n').map(String::from).collect();
        assert_eq!(
            reflow(lines),
            vec![
                "Use when it breaks.",
                "  ssh host",
                "  df -h",
                "Then:",
                "- one",
                "- two",
                "",
                "New para"
            ]
        );
    }

    #[test]
    fn escapes_never_survive_cleaning() {
        let lines = clean("a\u{1b}[2J {{x}}\n", &[("x".into(), "\u{202e}v".into())]);
        assert_eq!(lines, vec!["a\\u{1b}[2J \\u{202e}v"]);
    }
}
