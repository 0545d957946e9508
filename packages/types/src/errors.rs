//! The format every Farthing contract error message starts with, and its parser.
//!
//! A refused message's error (what a chain returns in the failed transaction's log, inside
//! wasmd's own wrapping) contains exactly one tag:
//!
//! ```text
//! [code=<code>] <message>
//! [code=<code> role=<role> party=<address>] refused by compliance: <message>
//! ```
//!
//! `<code>` is stable and snake_case: the name of the error variant (for example
//! `insufficient_funds`, `channel_closed`, `not_allowed`), or, for a compliance refusal,
//! the `DenialCode` (`not_listed`, `suspended`, `revoked`, `expired`,
//! `jurisdiction_blocked`, `over_per_transfer_limit`, `travel_rule`, …: the same codes the
//! `CanTransfer` and `CheckTransfer` dry runs answer). A denial also names the `role`
//! (`sender`, `recipient`, `spender`) and the `party` it is about. The README lists
//! every code of every contract.

/// A parsed error tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorTag {
    pub code: String,
    /// For a compliance refusal: `sender`, `recipient` or `spender`.
    pub role: Option<String>,
    /// For a compliance refusal: the address the refusal is about.
    pub party: Option<String>,
    /// The human-readable rest of the message.
    pub message: String,
}

/// Finds the first `[code=...]` tag in `text` (an error message or a whole transaction log).
pub fn parse(text: &str) -> Option<ErrorTag> {
    let start = text.find("[code=")?;
    let rest = &text[start + 1..];
    let end = rest.find(']')?;
    let mut tag = ErrorTag {
        code: String::new(),
        role: None,
        party: None,
        message: rest[end + 1..].trim_start().to_string(),
    };
    for field in rest[..end].split(' ') {
        match field.split_once('=')? {
            ("code", v) => tag.code = v.to_string(),
            ("role", v) => tag.role = Some(v.to_string()),
            ("party", v) => tag.party = Some(v.to_string()),
            _ => return None,
        }
    }
    let valid = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_';
    (!tag.code.is_empty() && tag.code.chars().all(valid)).then_some(tag)
}

/// Checks, over the source of an error enum, that every `#[error(...)]` message starts
/// with `[code=<snake_case of the variant>]` (or is the denial format). Used by each
/// contract's tests, so that a new variant cannot ship without its code.
pub fn check_error_source(source: &str) -> Result<usize, String> {
    let mut checked = 0;
    let mut lines = source.lines().peekable();
    while let Some(line) = lines.next() {
        let line = line.trim();
        if !line.starts_with("#[error(") {
            continue;
        }
        let mut attr = line.to_string();
        while !attr.ends_with(")]") {
            let next = lines.next().ok_or("unterminated #[error]")?;
            attr.push_str(next.trim());
        }
        let variant = loop {
            let next = lines.next().ok_or("no variant after #[error]")?.trim();
            if !next.is_empty() && !next.starts_with("//") && !next.starts_with("#[") {
                break next;
            }
        };
        let name: String = variant
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let mut snake = String::new();
        for (i, c) in name.chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                snake.push('_');
            }
            snake.push(c.to_ascii_lowercase());
        }
        let ok = attr.contains(&format!("\"[code={snake}]"))
            || (name == "Denied" && attr.contains("\"[code={} role={} party={}]"))
            || (name == "InvalidVoucher" && attr.contains("\"[code={}] invalid voucher"))
            || (name == "AccountFrozen" && attr.contains("\"[code=frozen]"));
        if !ok {
            return Err(format!(
                "{name}: message does not start with [code={snake}]: {attr}"
            ));
        }
        checked += 1;
    }
    Ok(checked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_and_denial_tags_inside_a_chain_log() {
        let log = "failed to execute message; message index: 0: [code=insufficient_funds] \
                   address a has 1 available: execute wasm contract failed";
        let t = parse(log).unwrap();
        assert_eq!(
            (t.code.as_str(), t.role, t.party),
            ("insufficient_funds", None, None)
        );
        assert!(t.message.starts_with("address a has 1 available"));
        let d =
            parse("[code=travel_rule role=recipient party=cosmwasm1xyz] refused by compliance: x")
                .unwrap();
        assert_eq!(
            (d.code.as_str(), d.role.as_deref(), d.party.as_deref()),
            ("travel_rule", Some("recipient"), Some("cosmwasm1xyz"))
        );
        assert_eq!(parse("no tag here"), None);
        assert_eq!(parse("[code=] x"), None);
        assert_eq!(parse("[code=Bad-Code] x"), None);
        assert_eq!(parse("[code=x other=y] x"), None);
    }

    #[test]
    fn the_source_check_finds_a_variant_without_its_code() {
        let good = "#[error(\"[code=not_paused] the token is not paused\")]\n    NotPaused,\n";
        assert_eq!(check_error_source(good), Ok(1));
        let bad = "#[error(\"[code=paused] the token is not paused\")]\n    NotPaused,\n";
        assert!(check_error_source(bad).is_err());
        let multi =
            "#[error(\n  \"[code=insufficient_funds] x {a}\"\n)]\n  InsufficientFunds { a: u8 },\n";
        assert_eq!(check_error_source(multi), Ok(1));
    }
}
