//! The README's promises about the API that can be checked mechanically.

const README: &str = include_str!("../../README.md");

/// Every `[code=...]` of every contract's errors, every denial code and every voucher code.
fn codes() -> Vec<String> {
    let sources = [
        include_str!("../../contracts/kyc-registry/src/error.rs"),
        include_str!("../../contracts/micropay-token/src/error.rs"),
        include_str!("../../contracts/royalty-escrow/src/error.rs"),
        include_str!("../../packages/types/src/kyc/verdict.rs"),
        include_str!("../../packages/voucher/src/lib.rs"),
    ];
    let mut out = vec![];
    for src in sources {
        for part in src.split("[code=").skip(1) {
            let code: String = part
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
                .collect();
            if !code.is_empty() {
                out.push(code);
            }
        }
        // `=> "code"` arms: denial codes and voucher codes.
        let is_code_arm = |l: &&str| {
            l.contains("=> \"") && (l.contains("DenialCode::") || l.contains("VoucherError::"))
        };
        for line in src.lines().filter(is_code_arm) {
            if let Some(code) = line.split('"').nth(1) {
                out.push(code.to_string());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn the_readme_lists_every_error_code() {
    let codes = codes();
    assert!(codes.len() > 100, "only {} codes found", codes.len());
    let missing: Vec<&String> = codes
        .iter()
        .filter(|c| !README.contains(&format!("`{c}`")))
        .collect();
    assert!(missing.is_empty(), "README.md lacks the codes {missing:?}");
}
