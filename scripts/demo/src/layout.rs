//! How the story prints: short lines, aligned columns, under 80 columns.

/// Width of the "who" column.
pub const WHO: usize = 8;
/// Width of the "does what" column.
pub const WHAT: usize = 36;
/// Where the gas column starts.
pub const GAS_AT: usize = 70;
/// Width of the gas column.
pub const GAS: usize = 9;
/// Indent of the lines under a step (its code, an explanation).
pub const DETAIL_INDENT: usize = 2 + WHO + 1;
/// Widest line the story prints.
pub const WIDTH: usize = GAS_AT + GAS;

/// `1234567` -> `1,234,567`.
pub fn n(value: impl Into<u128>) -> String {
    farthing_vm::gas::thousands(value)
}

/// One step: `  who      does what                        result          gas`.
pub fn step_line(who: &str, what: &str, result: &str, gas: &str) -> String {
    let left = format!("  {who:<WHO$} {what:<WHAT$} {result}");
    pad_gas(&left, gas)
}

/// `left`, then `gas` right-aligned in the gas column (one space after `left` at least).
pub fn pad_gas(left: &str, gas: &str) -> String {
    let left = left.trim_end();
    let used = left.chars().count();
    let room = (WIDTH.saturating_sub(used)).max(gas.chars().count() + 1);
    format!("{left}{gas:>room$}")
}

/// `text` wrapped at `WIDTH`, each line indented by `indent` spaces.
pub fn wrap(text: &str, indent: usize) -> Vec<String> {
    let mut lines = vec![];
    let mut line = String::new();
    for word in text.split_whitespace() {
        let len = line.chars().count();
        if len > 0 && indent + len + 1 + word.chars().count() > WIDTH {
            lines.push(format!("{:indent$}{line}", ""));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(format!("{:indent$}{line}", ""));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_thousands_separators() {
        assert_eq!(n(0u128), "0");
        assert_eq!(n(999u128), "999");
        assert_eq!(n(1_000u128), "1,000");
        assert_eq!(n(1_234_567u128), "1,234,567");
    }

    #[test]
    fn a_step_puts_the_gas_at_the_right_edge() {
        let line = step_line("alice", "pays bob 250", "ok", "98,765");
        assert_eq!(line.len(), WIDTH);
        assert!(line.ends_with(" 98,765"));
        assert!(line.starts_with("  alice    pays bob 250"));
    }

    #[test]
    fn long_text_wraps_under_the_width() {
        let text = "word ".repeat(40);
        let lines = wrap(&text, DETAIL_INDENT);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| l.len() <= WIDTH));
        assert!(lines
            .iter()
            .all(|l| l.starts_with(&" ".repeat(DETAIL_INDENT))));
    }
}
