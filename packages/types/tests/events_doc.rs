//! docs/EVENTS.md is the event reference of the suite; this test keeps it true.
//!
//! - Custom events: every builder of the three `events` modules is called here (with and
//!   without each optional part); the event types, their keys in order and which keys are
//!   optional must be exactly those of the document's tables, both ways.
//! - The contracts' sources: no custom event is built, and no attribute added to one,
//!   outside the builders; the `action` values and the key lists each contract adds to the
//!   `wasm` event must be exactly its "Attributes on the `wasm` event" table, both ways.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use cosmwasm_std::{Addr, Event, HexBinary, Timestamp, Uint128};
use farthing_types::escrow::events::{self as escrow_events, DealKind, WorkKind};
use farthing_types::escrow::AssetInfo;
use farthing_types::kyc::events as kyc_events;
use farthing_types::kyc::{DenialCode, KycStatus, PartyKind, Policy, RecordInput, TravelRule};
use farthing_types::token::events::{self as token_events, ChannelKind};
use farthing_types::token::Role;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

// ---------------------------------------------------------------------------------------
// The document
// ---------------------------------------------------------------------------------------

/// One documented custom event type.
#[derive(Debug, Clone, PartialEq, Eq)]
struct DocEvent {
    contract: String,
    keys: Vec<String>,
    optional: BTreeSet<String>,
}

#[derive(Debug, Default)]
struct Doc {
    /// Contract directory names (`contracts/<name>`), in document order.
    contracts: Vec<String>,
    /// Event type (without `wasm-`) -> its table.
    events: BTreeMap<String, DocEvent>,
    /// Contract -> action -> keys of the `wasm` event.
    actions: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

/// The contents of the `` `...` `` spans of `text`.
fn code_spans(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner.split('|').map(|c| c.trim().to_string()).collect()
}

/// A cell that is exactly one code span.
fn single_code(cell: &str, line: &str) -> String {
    let spans = code_spans(cell);
    assert!(
        spans.len() == 1 && cell.starts_with('`') && cell.ends_with('`'),
        "EVENTS.md: expected one `key` in the first cell of: {line}"
    );
    spans[0].clone()
}

enum Section {
    None,
    Events(Vec<String>),
    Actions,
}

fn parse_doc(text: &str) -> Doc {
    let mut doc = Doc::default();
    let mut contract: Option<String> = None;
    let mut section = Section::None;
    let mut header_seen = false;
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            contract = code_spans(h)
                .iter()
                .find_map(|s| s.strip_prefix("contracts/").map(str::to_string));
            if let Some(c) = &contract {
                doc.contracts.push(c.clone());
            }
            section = Section::None;
            continue;
        }
        if let Some(h) = line.strip_prefix("### ") {
            header_seen = false;
            let types: Vec<String> = code_spans(h)
                .iter()
                .filter_map(|s| s.strip_prefix("wasm-").map(str::to_string))
                .collect();
            section = if h.trim() == "Attributes on the `wasm` event" {
                let c = contract
                    .clone()
                    .expect("EVENTS.md: a `wasm` table outside a contract");
                assert!(
                    doc.actions.insert(c.clone(), BTreeMap::new()).is_none(),
                    "EVENTS.md: two `wasm` tables for {c}"
                );
                Section::Actions
            } else if !types.is_empty() {
                let c = contract
                    .clone()
                    .unwrap_or_else(|| panic!("EVENTS.md: event heading outside a contract: {h}"));
                for t in &types {
                    let e = DocEvent {
                        contract: c.clone(),
                        keys: vec![],
                        optional: BTreeSet::new(),
                    };
                    assert!(
                        doc.events.insert(t.clone(), e).is_none(),
                        "EVENTS.md: wasm-{t} is documented twice"
                    );
                }
                Section::Events(types)
            } else {
                Section::None
            };
            continue;
        }
        if !line.starts_with('|') {
            continue;
        }
        let row = cells(line);
        if row
            .iter()
            .all(|c| c.chars().all(|ch| ch == '-' || ch == ':'))
        {
            continue; // the separator row
        }
        if !header_seen {
            header_seen = true;
            let expected: &[&str] = match section {
                Section::Events(_) => &["Key", "Value", "Present"],
                Section::Actions => &["Message", "`action`", "Attributes, in order"],
                Section::None => continue,
            };
            assert_eq!(row, expected, "EVENTS.md: unexpected table header {line}");
            continue;
        }
        match &section {
            Section::None => {}
            Section::Events(types) => {
                assert_eq!(row.len(), 3, "EVENTS.md: event rows have 3 cells: {line}");
                let key = single_code(&row[0], line);
                let optional = if row[2] == "always" {
                    false
                } else if row[2].starts_with("optional") {
                    true
                } else {
                    panic!("EVENTS.md: `Present` is `always` or `optional: ...`: {line}");
                };
                for t in types {
                    let e = doc.events.get_mut(t).unwrap();
                    assert!(!e.keys.contains(&key), "EVENTS.md: {key} twice in wasm-{t}");
                    e.keys.push(key.clone());
                    if optional {
                        e.optional.insert(key.clone());
                    }
                }
            }
            Section::Actions => {
                assert_eq!(row.len(), 3, "EVENTS.md: `wasm` rows have 3 cells: {line}");
                let action = single_code(&row[1], line);
                let keys = code_spans(&row[2]);
                assert!(!keys.is_empty(), "EVENTS.md: no attributes in {line}");
                let c = contract.clone().unwrap();
                let table = doc.actions.get_mut(&c).unwrap();
                if let Some(prev) = table.insert(action.clone(), keys.clone()) {
                    assert_eq!(
                        prev, keys,
                        "EVENTS.md: {c} action {action} has two different key lists"
                    );
                }
            }
        }
    }
    for (t, e) in &doc.events {
        assert!(!e.keys.is_empty(), "EVENTS.md: wasm-{t} has no key table");
    }
    doc
}

// ---------------------------------------------------------------------------------------
// The builders
// ---------------------------------------------------------------------------------------

/// What the builders make: `(module, builder, event)`, every builder with every kind and
/// with each optional part both absent and present.
fn built() -> Vec<(&'static str, &'static str, Event)> {
    let a = Addr::unchecked("cosmwasm1alice");
    let b = Addr::unchecked("cosmwasm1bob");
    let amount = Uint128::new(1500);
    let native = AssetInfo::Native {
        denom: "ufar".into(),
    };
    let cw20 = AssetInfo::Cw20 {
        address: Addr::unchecked("cosmwasm1token"),
    };
    let record = RecordInput {
        address: a.to_string(),
        status: KycStatus::Active,
        tier: 2,
        kind: PartyKind::Individual,
        jurisdiction: "DE".into(),
        expires_at: Timestamp::from_seconds(2_000_000_000),
        attestation: HexBinary::from(vec![7u8; 32]),
        reason: "onboarding".into(),
    };
    let mut policy = Policy {
        blocked_jurisdictions: vec!["KP".into(), "IR".into()],
        tier_limits: vec![],
        travel_rule: Some(TravelRule {
            threshold: amount,
            min_tier: 2,
        }),
        expiry_grace_seconds: 86_400,
    };
    let mut out = vec![
        (
            "kyc",
            "record_updated",
            kyc_events::record_updated(&a, &record, &b, 1),
        ),
        (
            "kyc",
            "status_changed",
            kyc_events::status_changed(&a, KycStatus::Active, KycStatus::Suspended, "x", &b, 2),
        ),
        (
            "kyc",
            "record_removed",
            kyc_events::record_removed(&a, "x", &b, 3),
        ),
        (
            "kyc",
            "policy_updated",
            kyc_events::policy_updated(&policy, &b, 4),
        ),
        ("kyc", "officer_added", kyc_events::officer_added(&a, &b, 5)),
        (
            "kyc",
            "officer_removed",
            kyc_events::officer_removed(&a, &b, 6),
        ),
        (
            "kyc",
            "ownership_updated",
            kyc_events::ownership_updated(&a, Some(&b), None, 7),
        ),
        (
            "token",
            "payment",
            token_events::payment(&a, &b, amount, "inv-1", None),
        ),
        (
            "token",
            "payment",
            token_events::payment(
                &a,
                &b,
                amount,
                "inv-1",
                Some(&HexBinary::from(vec![1u8; 32])),
            ),
        ),
        (
            "token",
            "batch_transfer",
            token_events::batch_transfer(&a, 3, amount),
        ),
        (
            "token",
            "registry_set",
            token_events::registry_set(None, &a),
        ),
        (
            "token",
            "channel_closing",
            token_events::channel_closing(7, &a, amount, Timestamp::from_seconds(9)),
        ),
        (
            "token",
            "channel_closed",
            token_events::channel_closed(7, &a, amount, amount, None),
        ),
        (
            "token",
            "channel_closed",
            token_events::channel_closed(7, &a, amount, amount, Some("revoked")),
        ),
        (
            "escrow",
            "deal_created",
            escrow_events::deal_created(1, &a, &b, &native, amount),
        ),
        (
            "escrow",
            "payout_held",
            escrow_events::payout_held(&a, &cw20, amount, DenialCode::TransferRefused),
        ),
        (
            "escrow",
            "held_released",
            escrow_events::held_released(&a, &a, &native, amount, &a, None),
        ),
        (
            "escrow",
            "held_released",
            escrow_events::held_released(&a, &b, &native, amount, &b, Some("sanctioned")),
        ),
        (
            "escrow",
            "stray_swept",
            escrow_events::stray_swept(&native, amount, &a, &b),
        ),
        (
            "escrow",
            "royalty_paid",
            escrow_events::royalty_paid(1, 0, &a, &native, amount),
        ),
        (
            "escrow",
            "royalty_claimed",
            escrow_events::royalty_claimed(1, 0, &a, &native, amount),
        ),
    ];
    policy.travel_rule = None;
    out.push((
        "kyc",
        "policy_updated",
        kyc_events::policy_updated(&policy, &b, 8),
    ));
    for on in [true, false] {
        out.push(("token", "paused", token_events::paused(on, &a, "x")));
        out.push(("token", "frozen", token_events::frozen(on, &a, &b, "x")));
        out.push((
            "token",
            "tokens_frozen",
            token_events::tokens_frozen(on, &a, amount, amount, &b, "x"),
        ));
        out.push(("token", "role", token_events::role(on, Role::Agent, &a, &b)));
    }
    out.push((
        "token",
        "forced_transfer",
        token_events::forced_transfer(&a, &b, amount, amount, &a, "x"),
    ));
    out.push((
        "token",
        "recovered",
        token_events::recovered(&a, &b, amount, amount, &a, "x"),
    ));
    for kind in ChannelKind::ALL {
        out.push((
            "token",
            "channel",
            token_events::channel(kind, 7, &a, amount, amount),
        ));
    }
    for kind in DealKind::ALL {
        out.push((
            "escrow",
            "deal",
            escrow_events::deal(kind, 1, &a, amount, amount),
        ));
    }
    for kind in WorkKind::ALL {
        out.push(("escrow", "work", escrow_events::work(kind, 1, &a, 0, 2)));
    }
    out
}

/// Forces this file to be revisited when a kind is added: `ALL` must list every variant.
#[test]
fn every_kind_is_in_all() {
    fn c(k: ChannelKind) -> usize {
        match k {
            ChannelKind::Opened
            | ChannelKind::ToppedUp
            | ChannelKind::Extended
            | ChannelKind::Claimed => 1,
        }
    }
    fn d(k: DealKind) -> usize {
        match k {
            DealKind::Released
            | DealKind::Refunded
            | DealKind::Resolved
            | DealKind::Settled
            | DealKind::ToppedUp
            | DealKind::DisputeOpened
            | DealKind::DisputeExpired
            | DealKind::SettlementProposed
            | DealKind::SettlementVoided => 1,
        }
    }
    fn w(k: WorkKind) -> usize {
        match k {
            WorkKind::Registered | WorkKind::SplitUpdated => 1,
        }
    }
    // The arms above count 4, 9 and 2 variants.
    assert_eq!(ChannelKind::ALL.iter().map(|k| c(*k)).sum::<usize>(), 4);
    assert_eq!(DealKind::ALL.iter().map(|k| d(*k)).sum::<usize>(), 9);
    assert_eq!(WorkKind::ALL.iter().map(|k| w(*k)).sum::<usize>(), 2);
    let distinct = |v: Vec<&str>| v.iter().collect::<BTreeSet<_>>().len() == v.len();
    assert!(distinct(
        ChannelKind::ALL.iter().map(|k| k.as_str()).collect()
    ));
    assert!(distinct(DealKind::ALL.iter().map(|k| k.as_str()).collect()));
    assert!(distinct(WorkKind::ALL.iter().map(|k| k.as_str()).collect()));
}

/// The `pub fn`s of a builder module's source.
fn builder_names(src: &str) -> BTreeSet<String> {
    src.lines()
        .filter_map(|l| l.strip_prefix("pub fn "))
        .map(|l| l.split('(').next().unwrap().to_string())
        .collect()
}

/// Every public builder is called by `built()`.
#[test]
fn every_builder_is_called() {
    let sources = [
        ("kyc", include_str!("../src/kyc/events.rs")),
        ("token", include_str!("../src/token/events.rs")),
        ("escrow", include_str!("../src/escrow/events.rs")),
    ];
    let built = built();
    for (module, src) in sources {
        let called: BTreeSet<String> = built
            .iter()
            .filter(|(m, _, _)| *m == module)
            .map(|(_, f, _)| f.to_string())
            .collect();
        assert_eq!(
            builder_names(src),
            called,
            "{module}::events: the builders (left) and the builders this test calls (right) differ; \
             call the new builder in built() and document its event in docs/EVENTS.md"
        );
        assert!(
            !src.contains("pub use") && !src.contains("pub(crate) fn"),
            "{module}::events: builders are plain `pub fn`s"
        );
    }
}

/// Event type -> (keys with every optional part present, keys with none).
fn built_types() -> BTreeMap<String, (Vec<String>, Vec<String>)> {
    let mut out: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for (_, _, e) in built() {
        let keys: Vec<String> = e.attributes.iter().map(|a| a.key.clone()).collect();
        let entry = out
            .entry(e.ty.clone())
            .or_insert_with(|| (keys.clone(), keys.clone()));
        if keys.len() > entry.0.len() {
            entry.0 = keys;
        } else if keys.len() < entry.1.len() {
            entry.1 = keys;
        }
    }
    out
}

fn doc() -> Doc {
    parse_doc(&read(&root().join("docs/EVENTS.md")))
}

#[test]
fn the_document_has_every_event_and_every_key_of_the_builders() {
    let doc = doc();
    let built = built_types();
    let built_names: BTreeSet<&String> = built.keys().collect();
    let doc_names: BTreeSet<&String> = doc.events.keys().collect();
    let undocumented: Vec<_> = built_names.difference(&doc_names).collect();
    let unbuilt: Vec<_> = doc_names.difference(&built_names).collect();
    assert!(
        undocumented.is_empty() && unbuilt.is_empty(),
        "event types built but not in docs/EVENTS.md: {undocumented:?}; \
         documented but built by no builder: {unbuilt:?}"
    );
    for (ty, (full, minimal)) in &built {
        let d = &doc.events[ty];
        assert_eq!(
            &d.keys, full,
            "wasm-{ty}: docs/EVENTS.md lists the keys (left), the builder makes (right)"
        );
        let optional: BTreeSet<String> = full
            .iter()
            .filter(|k| !minimal.contains(k))
            .cloned()
            .collect();
        assert_eq!(
            d.optional, optional,
            "wasm-{ty}: optional keys in docs/EVENTS.md (left) and in the builder (right)"
        );
        let prefix = match d.contract.as_str() {
            "kyc-registry" => "kyc_",
            "micropay-token" => "token_",
            "royalty-escrow" if ty.starts_with("royalty_") => "royalty_",
            "royalty-escrow" => "escrow_",
            other => panic!("unknown contract {other}"),
        };
        assert!(
            ty.starts_with(prefix),
            "wasm-{ty} is documented under {}",
            d.contract
        );
    }
    // wasmd's own attributes are never a builder's.
    for (ty, (full, _)) in &built {
        assert!(
            full.iter().all(|k| !k.starts_with('_') && k != "msg_index"),
            "{ty}: reserved key"
        );
    }
}

// ---------------------------------------------------------------------------------------
// The contracts' sources
// ---------------------------------------------------------------------------------------

/// The contract's source files, without tests.
fn contract_sources(contract: &str) -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs")
                && p.file_name().is_some_and(|n| n != "tests.rs")
            {
                out.push(p);
            }
        }
    }
    let mut files = vec![];
    walk(
        &root().join("contracts").join(contract).join("src"),
        &mut files,
    );
    assert!(!files.is_empty(), "no sources for {contract}");
    files
        .into_iter()
        .map(|p| {
            let s = strip_test_modules(&read(&p));
            (p, s)
        })
        .collect()
}

/// `src` without its `#[cfg(test)] mod ... { ... }` blocks.
fn strip_test_modules(src: &str) -> String {
    let mut out = String::new();
    let mut lines = src.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]"
            && lines
                .peek()
                .is_some_and(|l| l.trim_start().starts_with("mod ") && l.ends_with('{'))
        {
            let mut depth = 0i32;
            for l in lines.by_ref() {
                depth += l.matches('{').count() as i32 - l.matches('}').count() as i32;
                if depth <= 0 {
                    break;
                }
            }
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Index of the bracket closing the one opening at `open` (`(`), skipping string literals.
fn matching_close(s: &[u8], open: usize) -> usize {
    let mut depth = 0;
    let mut i = open;
    let mut in_str = false;
    while i < s.len() {
        let c = s[i];
        if in_str {
            if c == b'\\' {
                i += 1;
            } else if c == b'"' {
                in_str = false;
            }
        } else if c == b'"' {
            in_str = true;
        } else if c == b'(' {
            depth += 1;
        } else if c == b')' {
            depth -= 1;
            if depth == 0 {
                return i;
            }
        }
        i += 1;
    }
    panic!("unbalanced parentheses");
}

/// Index of the `(` opening the `)` at `close` (no string literal contains a parenthesis
/// in the scanned chains; a wrong match shows up as an unknown receiver).
fn matching_open(s: &[u8], close: usize) -> usize {
    let mut depth = 0;
    let mut i = close;
    loop {
        match s[i] {
            b')' => depth += 1,
            b'(' => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
        i = i.checked_sub(1).expect("unbalanced parentheses");
    }
}

/// The top-level arguments of the call whose `(` is at `open`.
fn call_args(s: &str, open: usize) -> Vec<String> {
    let b = s.as_bytes();
    let close = matching_close(b, open);
    let mut args = vec![];
    let (mut depth, mut start, mut in_str, mut i) = (0, open + 1, false, open + 1);
    while i < close {
        let c = b[i];
        if in_str {
            if c == b'\\' {
                i += 1;
            } else if c == b'"' {
                in_str = false;
            }
        } else {
            match c {
                b'"' => in_str = true,
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                b',' if depth == 0 => {
                    args.push(s[start..i].trim().to_string());
                    start = i + 1;
                }
                _ => {}
            }
        }
        i += 1;
    }
    let last = s[start..close].trim();
    if !last.is_empty() {
        args.push(last.to_string());
    }
    args
}

/// The receiver at the start of the method chain that the call at `dot` (`.method(`)
/// belongs to: `Response::new`, a variable, or a builder call such as `events::channel`.
fn chain_root(s: &str, dot: usize) -> String {
    let b = s.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b':';
    let mut i = dot;
    loop {
        let mut j = i;
        while j > 0 && b[j - 1].is_ascii_whitespace() {
            j -= 1;
        }
        while j > 0 && b[j - 1] == b'?' {
            j -= 1;
        }
        let end = j;
        let name_end = if b[end - 1] == b')' {
            matching_open(b, end - 1)
        } else {
            end
        };
        let mut start = name_end;
        while start > 0 && ident(b[start - 1]) {
            start -= 1;
        }
        let name = &s[start..name_end];
        let mut k = start;
        while k > 0 && b[k - 1].is_ascii_whitespace() {
            k -= 1;
        }
        if k > 0 && b[k - 1] == b'.' {
            i = k - 1; // a method of the chain: keep walking back
            continue;
        }
        return name.to_string();
    }
}

/// The string literals in `expr`.
fn literals(expr: &str) -> Vec<String> {
    expr.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// `Kind::Variant` tokens in `text`, as the kinds' `as_str`.
fn kind_values(text: &str) -> Vec<String> {
    let mut out = vec![];
    let tables: [(&str, Vec<(String, &str)>); 3] = [
        (
            "ChannelKind::",
            ChannelKind::ALL
                .iter()
                .map(|k| (format!("{k:?}"), k.as_str()))
                .collect(),
        ),
        (
            "DealKind::",
            DealKind::ALL
                .iter()
                .map(|k| (format!("{k:?}"), k.as_str()))
                .collect(),
        ),
        (
            "WorkKind::",
            WorkKind::ALL
                .iter()
                .map(|k| (format!("{k:?}"), k.as_str()))
                .collect(),
        ),
    ];
    for (prefix, table) in &tables {
        for part in text.split(prefix).skip(1) {
            let variant: String = part
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if variant.is_empty() || variant == "ALL" {
                continue;
            }
            let value = table
                .iter()
                .find(|(name, _)| *name == variant)
                .unwrap_or_else(|| panic!("{prefix}{variant} is not in {prefix}ALL"));
            out.push(value.1.to_string());
        }
    }
    out
}

/// A top-level function of a source file.
struct Function {
    name: String,
    params: String,
    body: String,
}

fn functions(src: &str) -> Vec<Function> {
    let lines: Vec<&str> = src.lines().collect();
    let mut out = vec![];
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        let rest = l
            .strip_prefix("pub fn ")
            .or_else(|| l.strip_prefix("fn "))
            .or_else(|| l.strip_prefix("pub(crate) fn "));
        if let Some(rest) = rest {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let end = (i..lines.len())
                .find(|&j| lines[j] == "}")
                .unwrap_or_else(|| panic!("fn {name}: no closing brace at column 0"));
            let text = lines[i..=end].join("\n");
            let body_start = text.find('{').unwrap();
            out.push(Function {
                name,
                params: text[..body_start].to_string(),
                body: text,
            });
            i = end + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// What one function adds to the `wasm` event: action -> keys, for every action it can set.
fn wasm_attributes(f: &Function, all_sources: &str) -> Vec<(String, Vec<String>)> {
    let s = f.body.as_str();
    let ownership_keys: Vec<String> = cw_ownable::Ownership::<Addr> {
        owner: None,
        pending_owner: None,
        pending_expiry: None,
    }
    .into_attributes()
    .into_iter()
    .map(|a| a.key)
    .collect();
    // (key, action values) in source order; an action value list is empty for non-actions.
    let mut calls: Vec<(String, Vec<String>)> = vec![];
    let mut from = 0;
    while let Some(pos) = s[from..].find(".add_attribute") {
        let dot = from + pos;
        let open = dot + s[dot..].find('(').unwrap();
        let method = s[dot + 1..open].trim();
        from = open;
        let root = chain_root(s, dot);
        assert!(
            root == "Response::new" || root == "resp",
            "fn {}: `.{method}` on `{root}`: only the response's own attributes may be added \
             in a contract (custom event attributes belong in the builders)",
            f.name
        );
        let args = call_args(s, open);
        match method {
            "add_attribute" => {
                assert_eq!(args.len(), 2, "fn {}: add_attribute{args:?}", f.name);
                let key = literals(&args[0]);
                assert!(
                    key.len() == 1 && args[0] == format!("\"{}\"", key[0]),
                    "fn {}: attribute key {} is not a string literal",
                    f.name,
                    args[0]
                );
                let key = key[0].clone();
                let mut values = vec![];
                if key == "action" {
                    values = literals(&args[1]);
                    if values.is_empty() {
                        values = dynamic_action(f, &args[1], all_sources);
                    }
                }
                calls.push((key, values));
            }
            "add_attributes" => {
                assert_eq!(
                    args,
                    ["ownership.into_attributes()"],
                    "fn {}: unknown add_attributes",
                    f.name
                );
                for k in &ownership_keys {
                    calls.push((k.clone(), vec![]));
                }
            }
            other => panic!("fn {}: unknown method {other}", f.name),
        }
    }
    if calls.is_empty() {
        return vec![];
    }
    let action_at: Vec<usize> = (0..calls.len())
        .filter(|&i| calls[i].0 == "action")
        .collect();
    assert!(
        !action_at.is_empty(),
        "fn {}: adds attributes {:?} but no `action`",
        f.name,
        calls.iter().map(|c| &c.0).collect::<Vec<_>>()
    );
    // Keys before the first `action` are common to every action of the function (a reply
    // sets `sender`, then one `action` per outcome); each action gets the keys up to the
    // next `action`.
    let prefix: Vec<String> = calls[..action_at[0]].iter().map(|c| c.0.clone()).collect();
    let mut out = vec![];
    for (n, &at) in action_at.iter().enumerate() {
        let end = action_at.get(n + 1).copied().unwrap_or(calls.len());
        let mut keys = prefix.clone();
        keys.extend(calls[at..end].iter().map(|c| c.0.clone()));
        for v in &calls[at].1 {
            out.push((v.clone(), keys.clone()));
        }
    }
    out
}

/// An `action` set from a parameter (`kind.as_str()`): its values are the kinds the
/// function's callers pass.
fn dynamic_action(f: &Function, expr: &str, all_sources: &str) -> Vec<String> {
    let param: String = expr
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    assert!(
        expr == format!("{param}.as_str()")
            && ["ChannelKind", "DealKind", "WorkKind"]
                .iter()
                .any(|t| f.params.contains(&format!("{param}: {t}"))),
        "fn {}: `action` is {expr}: use a string literal or a kind parameter's `.as_str()`",
        f.name
    );
    let mut values = vec![];
    let call = format!("{}(", f.name);
    let mut from = 0;
    while let Some(pos) = all_sources[from..].find(&call) {
        let at = from + pos;
        from = at + call.len();
        let before = &all_sources[..at];
        let is_def = before.ends_with("fn ");
        let is_ident_part = before
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        if is_def || is_ident_part {
            continue;
        }
        let open = at + call.len() - 1;
        values.extend(kind_values(&call_args(all_sources, open).join(",")));
    }
    assert!(!values.is_empty(), "fn {}: no caller passes a kind", f.name);
    values.sort();
    values.dedup();
    values
}

#[test]
fn the_document_has_every_action_of_every_contract() {
    let doc = doc();
    let mut dirs: Vec<String> = std::fs::read_dir(root().join("contracts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    dirs.sort();
    let mut documented = doc.contracts.clone();
    documented.sort();
    assert_eq!(
        dirs, documented,
        "the contracts (left) and the contracts docs/EVENTS.md documents (right)"
    );
    for contract in &doc.contracts {
        let sources = contract_sources(contract);
        let all: String = sources.iter().map(|(_, s)| s.as_str()).collect();
        let mut found: BTreeMap<String, (Vec<String>, String)> = BTreeMap::new();
        for (path, src) in &sources {
            let file = path.strip_prefix(root()).unwrap_or(path).display();
            for forbidden in ["Event::new", ".add_events("] {
                assert!(
                    !src.contains(forbidden),
                    "{file}: `{forbidden}`: custom events are made by the builders of \
                     farthing_types::*::events only"
                );
            }
            // Every kind a contract names is one its ALL lists (kind_values panics if not).
            kind_values(src);
            let fns = functions(src);
            let in_fns: usize = fns
                .iter()
                .map(|f| f.body.matches(".add_attribute").count())
                .sum();
            assert_eq!(
                in_fns,
                src.matches(".add_attribute").count(),
                "{file}: attributes added outside a top-level fn (the scan reads only those)"
            );
            for f in &fns {
                for (action, keys) in wasm_attributes(f, &all) {
                    let place = format!("{file}: fn {}", f.name);
                    if let Some((prev, prev_place)) = found.get(&action) {
                        assert_eq!(
                            prev, &keys,
                            "{contract}: action {action} has different keys in {prev_place} and {place}"
                        );
                    }
                    found.insert(action, (keys, place));
                }
            }
        }
        let documented = doc.actions.get(contract).unwrap_or_else(|| {
            panic!("docs/EVENTS.md: {contract} has no \"Attributes on the `wasm` event\" table")
        });
        for (action, (keys, place)) in &found {
            let doc_keys = documented.get(action).unwrap_or_else(|| {
                panic!(
                    "{contract}: action `{action}` ({place}) is not in the `wasm` table of \
                     docs/EVENTS.md"
                )
            });
            assert_eq!(
                doc_keys, keys,
                "{contract}: action `{action}`: docs/EVENTS.md lists (left), {place} adds (right)"
            );
        }
        for action in documented.keys() {
            assert!(
                found.contains_key(action),
                "{contract}: docs/EVENTS.md documents action `{action}`, which no code sets"
            );
        }
    }
}

/// The scan itself: what it reads from a few shapes of code.
#[test]
fn the_source_scan_reads_chains_replies_and_kinds() {
    let src = r#"
pub fn a(info: MessageInfo) -> ContractResult {
    Ok(Response::new()
        .add_event(events::paused(paused, &info.sender, &reason))
        .add_attribute("action", if paused { "pause" } else { "unpause" })
        .add_attribute("sender", info.sender))
}

pub fn on_reply(env: Env) -> ContractResult {
    let resp = Response::new().add_attribute("sender", env.contract.address);
    match msg.result {
        SubMsgResult::Ok(_) => Ok(resp.add_attribute("action", "payout_sent")),
        SubMsgResult::Err(_) => Ok(resp
            .add_attribute("action", "payout_held")
            .add_event(events::payout_held(&p.recipient, &p.asset, p.amount, c))),
    }
}

fn split(kind: DealKind, by: &Addr) -> ContractResult {
    let resp = Response::new()
        .add_event(events::deal(kind, deal.id, by, to_payee, to_payer))
        .add_attribute("action", kind.as_str())
        .add_attribute("sender", by);
    Ok(resp)
}

pub fn refund() -> ContractResult {
    split(DealKind::Refunded, &sender)
}

pub fn own(info: MessageInfo) -> ContractResult {
    Ok(Response::new()
        .add_attributes(ownership.into_attributes())
        .add_attribute("action", "update_ownership"))
}
"#;
    let fns = functions(src);
    let got: Vec<(String, Vec<String>)> =
        fns.iter().flat_map(|f| wasm_attributes(f, src)).collect();
    let v = |a: &str, k: &[&str]| (a.to_string(), k.iter().map(|s| s.to_string()).collect());
    assert_eq!(
        got,
        vec![
            v("pause", &["action", "sender"]),
            v("unpause", &["action", "sender"]),
            v("payout_sent", &["sender", "action"]),
            v("payout_held", &["sender", "action"]),
            v("refunded", &["action", "sender"]),
            v(
                "update_ownership",
                &["owner", "pending_owner", "pending_expiry", "action"]
            ),
        ]
    );
    // An attribute added to a builder's event in a contract is refused.
    let bad = "fn f() {\n    Ok(resp.add_event(events::channel(k, 1, by, a, t).add_attribute(\"held\", c)))\n}\n";
    let f = &functions(bad)[0];
    assert!(std::panic::catch_unwind(|| wasm_attributes(f, bad)).is_err());
}

#[test]
fn the_document_parser_reads_headings_tables_and_optional_keys() {
    let text = "## X (`contracts/x`)\n\n### `wasm-a_one`, `wasm-a_two`\n\n| Key | Value | Present |\n\
                |---|---|---|\n| `k` | v | always |\n| `o` | v | optional: when |\n\n\
                ### Attributes on the `wasm` event\n\n| Message | `action` | Attributes, in order |\n\
                |---|---|---|\n| `m` | `m` | `action`, `sender` |\n";
    let doc = parse_doc(text);
    assert_eq!(doc.contracts, ["x"]);
    assert_eq!(doc.events.len(), 2);
    assert_eq!(doc.events["a_two"].keys, ["k", "o"]);
    assert_eq!(
        doc.events["a_one"].optional,
        BTreeSet::from(["o".to_string()])
    );
    assert_eq!(doc.actions["x"]["m"], ["action", "sender"]);
}
