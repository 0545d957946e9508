//! The roster (CSV) parser, its diff against the registry, and the audit-log export.

use bech32::{Bech32, Hrp};
use cosmwasm_std::{Addr, HexBinary, Timestamp};
use farthing_cli::kyc::audit_csv::{audit_csv, parse_since, Since};
use farthing_cli::kyc::diff::{diff, render, Change, Diff, FieldChange, DEFAULT_REMOVAL_REASON};
use farthing_cli::kyc::roster::{parse_roster, parse_time, Roster, RosterErrors, RowError};
use farthing_types::kyc::{
    AuditAction, AuditEntry, ExecuteMsg, KycStatus, PartyKind, RecordView, MAX_BATCH,
};
use sha2::{Digest, Sha256};

const HEADER: &str = "address,status,tier,kind,jurisdiction,expiry,attestation,reason";

/// 2026-06-01T00:00:00Z: the `now` of every test, so none depends on the wall clock.
fn now() -> Timestamp {
    Timestamp::from_seconds(1_780_272_000)
}

/// A valid address of `len` bytes with `prefix`, from the SHA-256 of `name`.
fn addr_with(prefix: &str, name: &str, len: usize) -> String {
    let hash = Sha256::digest(name.as_bytes());
    let data: Vec<u8> = hash.iter().copied().cycle().take(len).collect();
    bech32::encode::<Bech32>(Hrp::parse(prefix).unwrap(), &data).unwrap()
}

fn addr(name: &str) -> String {
    addr_with("wasm", name, 20)
}

fn att(name: &str) -> String {
    hex(&Sha256::digest(format!("kyc:{name}").as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The cells of a valid row for `name`, in [`HEADER`] order.
fn cells(name: &str) -> Vec<String> {
    vec![
        addr(name),
        "active".into(),
        "2".into(),
        "individual".into(),
        "DE".into(),
        "2027-06-30".into(),
        att(name),
        "onboarding".into(),
    ]
}

fn row(name: &str) -> String {
    cells(name).join(",")
}

/// A valid row for `name` with the cell of `column` replaced by `value`.
fn row_with(name: &str, column: &str, value: &str) -> String {
    let k = HEADER.split(',').position(|c| c == column).unwrap();
    let mut c = cells(name);
    c[k] = value.to_string();
    c.join(",")
}

fn parse(text: &str) -> Result<Roster, RosterErrors> {
    parse_roster("roster.csv", text, "wasm", now())
}

fn errors(text: &str) -> Vec<RowError> {
    match parse(text) {
        Ok(r) => panic!("expected errors, parsed {} rows", r.rows.len()),
        Err(e) => e.errors,
    }
}

/// The roster `header, alice, <bad>` must give exactly one error: line 3, `column`, with a
/// message containing `needle`.
#[track_caller]
fn one_error(bad_row: &str, column: &str, needle: &str) -> String {
    let text = format!("{HEADER}\n{}\n{bad_row}\n", row("alice"));
    let errs = errors(&text);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    let e = &errs[0];
    assert_eq!(e.line, 3, "{e:?}");
    assert_eq!(e.column.as_deref(), Some(column), "{e:?}");
    assert!(
        e.message.contains(needle),
        "{:?} does not contain {needle:?}",
        e.message
    );
    e.message.clone()
}

fn parses(text: &str) -> Roster {
    parse(text).unwrap_or_else(|e| panic!("{e}"))
}

// ---------------------------------------------------------------------------------------
// The sample

#[test]
fn the_sample_parses() {
    let text = include_str!("../samples/roster.csv");
    let roster = parses(text);
    assert_eq!(roster.rows.len(), 13);
    assert_eq!(roster.rows[0].line, 19);
    assert_eq!(roster.rows.last().unwrap().line, 37);
    let recs: Vec<_> = roster.rows.iter().map(|r| &r.record).collect();
    let count = |f: &dyn Fn(&&farthing_types::kyc::RecordInput) -> bool| {
        recs.iter().filter(|r| f(r)).count()
    };
    assert_eq!(count(&|r| r.kind == PartyKind::Individual), 8);
    assert_eq!(count(&|r| r.kind == PartyKind::Business), 4);
    assert_eq!(count(&|r| r.kind == PartyKind::Contract), 1);
    assert_eq!(count(&|r| r.status == KycStatus::Suspended), 1);
    assert_eq!(count(&|r| r.status == KycStatus::Revoked), 1);
    for tier in 0..=3 {
        assert!(count(&|r| r.kind == PartyKind::Individual && r.tier == tier) > 0);
    }
    // The contract's address is 32 bytes; the 0x-prefixed attestation is read as hex.
    let contract = recs.iter().find(|r| r.kind == PartyKind::Contract).unwrap();
    assert_eq!(contract.address.len(), "wasm1".len() + 52 + 6);
    let ch = recs.iter().find(|r| r.reason == "edd_completed").unwrap();
    assert_eq!(
        ch.attestation.to_hex(),
        "f7c835068e71e32391004683679f5c37f80d11f7ad564592aaeb9f54218b5af6"
    );
    assert_eq!(ch.expires_at, parse_time("2028-01-31").unwrap());
    // Every expiry is in 2027 or 2028.
    for r in &recs {
        assert!(r.expires_at >= parse_time("2027-01-01").unwrap());
        assert!(r.expires_at < parse_time("2029-01-01").unwrap());
    }
}

// ---------------------------------------------------------------------------------------
// A valid roster

#[test]
fn a_valid_roster_becomes_record_inputs() {
    let text = format!("{HEADER}\n{}\n{}\n", row("alice"), row("bob"));
    let roster = parses(&text);
    assert_eq!(roster.rows.len(), 2);
    let r = &roster.rows[0];
    assert_eq!(r.line, 2);
    assert_eq!(r.record.address, addr("alice"));
    assert_eq!(r.record.status, KycStatus::Active);
    assert_eq!(r.record.tier, 2);
    assert_eq!(r.record.kind, PartyKind::Individual);
    assert_eq!(r.record.jurisdiction, "DE");
    assert_eq!(r.record.expires_at, Timestamp::from_seconds(1_814_313_600));
    assert_eq!(r.record.attestation.to_hex(), att("alice"));
    assert_eq!(r.record.reason, "onboarding");
    assert_eq!(roster.rows[1].line, 3);
}

#[test]
fn header_names_are_case_insensitive_in_any_order_and_cells_are_trimmed() {
    let a = addr("alice");
    let text = format!(
        "\u{feff}Reason , EXPIRY,Attestation,jurisdiction,Kind,TIER,Status,Address\n\
         \x20onboarding , 2027-06-30T00:00:00Z ,0X{},DE, Business ,3,Suspended, {} \n",
        att("alice").to_uppercase(),
        a.to_uppercase()
    );
    let roster = parses(&text);
    let r = &roster.rows[0].record;
    assert_eq!(r.address, a, "stored lowercase");
    assert_eq!(r.status, KycStatus::Suspended);
    assert_eq!(r.kind, PartyKind::Business);
    assert_eq!(r.tier, 3);
    assert_eq!(r.attestation.to_hex(), att("alice"));
    assert_eq!(r.expires_at, Timestamp::from_seconds(1_814_313_600));
}

#[test]
fn comments_blank_lines_and_empty_rows_are_skipped_but_counted() {
    let text = format!(
        "# the roster\n\n{HEADER}\n# alice:\n{}\n\n,,,,,,,\n   \n  # indented comment\n{}\r\n",
        row("alice"),
        row("bob")
    );
    let roster = parses(&text);
    let lines: Vec<usize> = roster.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [5, 10]);
    // And errors point at the right line after them.
    let text = format!("# c\n{HEADER}\n\n# c\n{}\n", row_with("alice", "tier", "9"));
    assert_eq!(errors(&text)[0].line, 5);
}

#[test]
fn a_quoted_cell_may_span_lines_and_the_next_row_keeps_its_line() {
    // No cell can validly hold a newline, but the line count must survive one.
    let text = format!(
        "{HEADER}\n{}\n{}\n",
        row_with("alice", "reason", "\"two\nlines\""),
        row_with("bob", "tier", "7")
    );
    let errs = errors(&text);
    assert_eq!(errs.len(), 2, "{errs:#?}");
    assert_eq!(
        (errs[0].line, errs[0].column.as_deref()),
        (2, Some("reason"))
    );
    assert_eq!((errs[1].line, errs[1].column.as_deref()), (4, Some("tier")));
}

// ---------------------------------------------------------------------------------------
// Addresses

#[test]
fn address_with_a_bad_checksum() {
    let mut a = addr("carol");
    let last = a.pop().unwrap();
    a.push(if last == 'q' { 'p' } else { 'q' });
    one_error(
        &row_with("carol", "address", &a),
        "address",
        "wrong checksum",
    );
}

#[test]
fn address_with_another_chains_prefix() {
    let a = addr_with("cosmos", "carol", 20);
    let m = one_error(&row_with("carol", "address", &a), "address", "\"cosmos\"");
    assert!(m.contains("\"wasm1\""), "{m}");
}

#[test]
fn address_of_the_wrong_length() {
    let a = addr_with("wasm", "carol", 25);
    one_error(
        &row_with("carol", "address", &a),
        "address",
        "holds 25 bytes",
    );
    // 32 bytes (a contract) is fine.
    let a = addr_with("wasm", "carol", 32);
    let text = format!("{HEADER}\n{}\n", row_with("carol", "address", &a));
    assert_eq!(parses(&text).rows[0].record.address, a);
}

#[test]
fn address_in_mixed_case_or_not_bech32() {
    let a = addr("carol");
    let mixed = format!("WASM{}", &a[4..]);
    one_error(
        &row_with("carol", "address", &mixed),
        "address",
        "mixes upper and lower case",
    );
    one_error(
        &row_with("carol", "address", "carol"),
        "address",
        "not a bech32 address",
    );
    let typo = format!("{}b{}", &a[..10], &a[11..]);
    one_error(&row_with("carol", "address", &typo), "address", "'b'");
    one_error(&row_with("carol", "address", ""), "address", "empty");
}

#[test]
fn duplicate_addresses_name_both_lines() {
    let text = format!(
        "{HEADER}\n{}\n{}\n{}\n",
        row("alice"),
        row("bob"),
        row_with("alice", "tier", "1")
    );
    let errs = errors(&text);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!(errs[0].line, 4);
    assert_eq!(errs[0].column.as_deref(), Some("address"));
    assert!(
        errs[0].message.contains("on line 2 and on line 4"),
        "{}",
        errs[0].message
    );
}

#[test]
fn a_duplicate_is_reported_even_when_its_row_has_other_errors() {
    // All of a sheet's errors come in one report: the duplicate of line 2 on line 3 is
    // named although line 3's tier is bad too.
    let text = format!(
        "{HEADER}\n{}\n{}\n",
        row("alice"),
        row_with("alice", "tier", "9")
    );
    let errs = errors(&text);
    assert_eq!(errs.len(), 2, "{errs:#?}");
    assert!(errs.iter().all(|e| e.line == 3));
    let columns: Vec<_> = errs.iter().map(|e| e.column.as_deref()).collect();
    assert!(
        columns.contains(&Some("tier")) && columns.contains(&Some("address")),
        "{errs:#?}"
    );
}

#[test]
fn duplicate_addresses_differing_in_case() {
    let upper = addr("alice").to_uppercase();
    let text = format!(
        "{HEADER}\n{}\n{}\n",
        row("alice"),
        row_with("alice", "address", &upper)
    );
    let errs = errors(&text);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!(errs[0].line, 3);
    assert!(errs[0].message.contains(&addr("alice")));
    assert!(errs[0].message.contains("on line 2 and on line 3"));
}

// ---------------------------------------------------------------------------------------
// Other cells

#[test]
fn status_kind_and_tier() {
    one_error(
        &row_with("carol", "status", "pending"),
        "status",
        "active, suspended or revoked",
    );
    one_error(
        &row_with("carol", "kind", "person"),
        "kind",
        "individual, business or contract",
    );
    one_error(
        &row_with("carol", "tier", "4"),
        "tier",
        "tier 4 is out of range: tiers are 0 to 3",
    );
    one_error(&row_with("carol", "tier", "-1"), "tier", "not a tier");
    one_error(&row_with("carol", "tier", ""), "tier", "empty");
}

#[test]
fn jurisdictions_are_checked_against_iso_3166() {
    one_error(
        &row_with("carol", "jurisdiction", "ZZ"),
        "jurisdiction",
        "\"ZZ\" is not an ISO 3166-1 alpha-2 country code",
    );
    // Lowercase is refused (the registry would refuse it), with the fix.
    one_error(
        &row_with("carol", "jurisdiction", "us"),
        "jurisdiction",
        "write the code in uppercase, \"US\"",
    );
    one_error(
        &row_with("carol", "jurisdiction", "DEU"),
        "jurisdiction",
        "alpha-3 code: write the alpha-2 code \"DE\"",
    );
    // Kosovo's user-assigned code is accepted.
    let text = format!("{HEADER}\n{}\n", row_with("carol", "jurisdiction", "XK"));
    assert_eq!(parses(&text).rows[0].record.jurisdiction, "XK");
}

#[test]
fn expiry_must_be_in_the_future() {
    one_error(
        &row_with("carol", "expiry", "2026-01-01"),
        "expiry",
        "2026-01-01T00:00:00Z is not in the future (it must be after 2026-06-01T00:00:00Z)",
    );
    // Exactly now is not the future (the registry refuses `expires_at <= block time`).
    one_error(
        &row_with("carol", "expiry", "2026-06-01T00:00:00Z"),
        "expiry",
        "not in the future",
    );
    one_error(
        &row_with("carol", "expiry", "2026-06-01T02:00:00+02:00"),
        "expiry",
        "not in the future",
    );
    // One second later is.
    let text = format!(
        "{HEADER}\n{}\n",
        row_with("carol", "expiry", "2026-06-01T00:00:01Z")
    );
    assert_eq!(
        parses(&text).rows[0].record.expires_at,
        Timestamp::from_seconds(1_780_272_001)
    );
    one_error(
        &row_with("carol", "expiry", "30/06/2027"),
        "expiry",
        "is not a date",
    );
    one_error(
        &row_with("carol", "expiry", "2027-02-30"),
        "expiry",
        "is not a date",
    );
}

#[test]
fn attestations_are_32_bytes_of_hex() {
    let a = att("carol");
    one_error(
        &row_with("carol", "attestation", &a[..63]),
        "attestation",
        "63 hex digits (an odd number of digits)",
    );
    one_error(
        &row_with("carol", "attestation", &format!("{a}ab")),
        "attestation",
        "66 hex digits (33 bytes)",
    );
    let not_hex = format!("{}g{}", &a[..10], &a[11..]);
    one_error(
        &row_with("carol", "attestation", &not_hex),
        "attestation",
        "'g' (at digit 11) is not a hex digit",
    );
    one_error(
        &row_with("carol", "attestation", "0x"),
        "attestation",
        "empty",
    );
}

#[test]
fn reasons_follow_the_registry_rule() {
    one_error(
        &row_with("carol", "reason", "\"periodic review\""),
        "reason",
        "' ' is not allowed in a reason code",
    );
    one_error(
        &row_with("carol", "reason", "\"a,b\""),
        "reason",
        "',' is not allowed",
    );
    one_error(
        &row_with("carol", "reason", &"r".repeat(65)),
        "reason",
        "65 characters: a reason code has at most 64",
    );
    one_error(&row_with("carol", "reason", ""), "reason", "empty");
    let ok = "Aa0_.:-".repeat(9) + "x"; // 64 characters, every allowed kind
    let text = format!("{HEADER}\n{}\n", row_with("carol", "reason", &ok));
    assert_eq!(parses(&text).rows[0].record.reason, ok);
}

// ---------------------------------------------------------------------------------------
// The file as a whole

#[test]
fn a_missing_column() {
    let header = HEADER.replace(",reason", "");
    let c = cells("alice");
    let text = format!("{header}\n{}\n", c[..7].join(","));
    assert_eq!(
        errors(&text),
        [RowError {
            line: 1,
            column: Some("reason".into()),
            message: "missing column \"reason\" in the header".into(),
        }]
    );
}

#[test]
fn an_extra_column() {
    let text = format!("{HEADER},Notes\n{},met in person\n", row("alice"));
    let errs = errors(&text);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert_eq!(errs[0].line, 1);
    assert_eq!(errs[0].column.as_deref(), Some("Notes"));
    assert!(errs[0].message.starts_with("unknown column \"Notes\": the roster has exactly the columns address,status,tier,kind,jurisdiction,expiry,attestation,reason"));
    // A trailing comma in the header is an empty column name.
    let text = format!("{HEADER},\n{},\n", row("alice"));
    assert!(errors(&text)[0].message.contains("a trailing comma?"));
    // A column named twice.
    let text = format!("{HEADER},Tier\n{},2\n", row("alice"));
    assert!(errors(&text)[0].message.contains("\"tier\" appears twice"));
}

#[test]
fn a_missing_header_row() {
    let text = format!("{}\n{}\n", row("alice"), row("bob"));
    assert_eq!(
        errors(&text),
        [RowError {
            line: 1,
            column: None,
            message: format!(
                "no header row: the first row (after comments) must name the columns, {HEADER}"
            ),
        }]
    );
}

#[test]
fn an_empty_file_and_a_header_only_file() {
    for text in ["", "\u{feff}", "\n\n", "# nothing yet\n"] {
        let errs = errors(text);
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].line, 1);
        assert!(
            errs[0].message.starts_with("the roster is empty"),
            "{text:?}"
        );
    }
    let errs = errors(&format!("# roster\n{HEADER}\n\n"));
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].line, 2);
    assert_eq!(errs[0].column, None);
    assert!(errs[0].message.contains("a header but no records"));
}

#[test]
fn a_row_with_too_few_or_too_many_cells() {
    let text = format!(
        "{HEADER}\n{},x\n{}\n",
        row("alice"),
        cells("bob")[..7].join(",")
    );
    let errs = errors(&text);
    assert_eq!(errs.len(), 2);
    assert_eq!((errs[0].line, errs[0].column.as_deref()), (2, None));
    assert!(errs[0].message.starts_with("9 cells, but the header has 8"));
    assert!(errs[1].message.starts_with("7 cells, but the header has 8"));
}

#[test]
fn every_error_of_the_file_is_reported_in_line_order() {
    let mut bad = cells("dave");
    bad[2] = "4".into();
    bad[4] = "ZZ".into();
    bad[7] = "bad reason".into();
    let text = format!(
        "{HEADER}\n{}\n{}\n{}\n{}\n{}\n",
        row_with("alice", "expiry", "2020-01-01"),
        row("bob"),
        bad.join(","),
        row_with("erin", "attestation", "00"),
        row("bob"),
    );
    let e = parse(&text).unwrap_err();
    let got: Vec<(usize, Option<&str>)> = e
        .errors
        .iter()
        .map(|e| (e.line, e.column.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            (2, Some("expiry")),
            (4, Some("tier")),
            (4, Some("jurisdiction")),
            (4, Some("reason")),
            (5, Some("attestation")),
            (6, Some("address")),
        ]
    );
    let shown = e.to_string();
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines.len(), 6);
    assert_eq!(
        lines[0],
        "roster.csv:2: expiry: 2020-01-01T00:00:00Z is not in the future (it must be after 2026-06-01T00:00:00Z): renew the KYC, or remove the row"
    );
    assert_eq!(
        lines[1],
        "roster.csv:4: tier: tier 4 is out of range: tiers are 0 to 3"
    );
    assert_eq!(
        lines[5],
        format!(
            "roster.csv:6: address: {} is listed twice: on line 3 and on line 6; keep one row per address",
            addr("bob")
        )
    );
    // It is a std error, so `?` takes it into anyhow.
    let any: anyhow::Error = e.into();
    assert!(any.to_string().starts_with("roster.csv:2: expiry:"));
}

// ---------------------------------------------------------------------------------------
// Diff

fn view_of(row: &farthing_types::kyc::RecordInput) -> RecordView {
    RecordView {
        address: Addr::unchecked(&row.address),
        status: row.status,
        tier: row.tier,
        kind: row.kind,
        jurisdiction: row.jurisdiction.clone(),
        expires_at: row.expires_at,
        attestation: row.attestation.clone(),
        updated_at: Timestamp::from_seconds(1_770_000_000),
        updated_by: Addr::unchecked(addr("officer")),
        reason: row.reason.clone(),
    }
}

fn roster_of(names: &[&str]) -> Roster {
    let text = format!(
        "{HEADER}\n{}\n",
        names.iter().map(|n| row(n)).collect::<Vec<_>>().join("\n")
    );
    parses(&text)
}

#[test]
fn a_diff_with_one_kind_of_change_alone_is_not_empty() {
    // Only added (nothing changed or removed), then only changed: each alone is something
    // to send.
    let roster = roster_of(&["alice"]);
    assert!(!diff(&roster, &[], false).is_empty());
    let mut on_chain = view_of(&roster.rows[0].record);
    on_chain.tier = 3;
    let d = diff(&roster, &[on_chain], false);
    assert_eq!((d.added(), d.changed(), d.removed()), (0, 1, 0));
    assert!(!d.is_empty());
}

#[test]
fn diff_added_changed_unchanged() {
    let roster = roster_of(&["alice", "bob", "carol"]);
    let bob = &roster.rows[1].record;
    let mut bob_on_chain = view_of(bob);
    bob_on_chain.tier = 1;
    let carol_on_chain = view_of(&roster.rows[2].record);
    let d = diff(&roster, &[carol_on_chain, bob_on_chain], false);
    assert_eq!(
        (d.added(), d.changed(), d.unchanged(), d.removed()),
        (1, 1, 1, 0)
    );
    assert!(!d.is_empty());
    assert!(matches!(&d.changes[0], Change::Added(r) if r.line == 2));
    match &d.changes[1] {
        Change::Changed { row, fields } => {
            assert_eq!(row.line, 3);
            assert_eq!(
                fields,
                &[FieldChange {
                    field: "tier",
                    from: "1".into(),
                    to: "2".into()
                }]
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(&d.changes[2], Change::Unchanged(r) if r.line == 4));
    assert!(d.kept.is_empty());
}

#[test]
fn diff_reports_every_changed_field_in_column_order() {
    let roster = roster_of(&["alice"]);
    let mut chain = view_of(&roster.rows[0].record);
    chain.status = KycStatus::Suspended;
    chain.tier = 0;
    chain.kind = PartyKind::Business;
    chain.jurisdiction = "FR".into();
    chain.expires_at = parse_time("2026-12-31").unwrap();
    chain.attestation = HexBinary::from(vec![0u8; 32]);
    chain.reason = "aml_review".into();
    let d = diff(&roster, &[chain], false);
    let Change::Changed { fields, .. } = &d.changes[0] else {
        panic!("{:?}", d.changes)
    };
    let got: Vec<(&str, &str, &str)> = fields
        .iter()
        .map(|f| (f.field, f.from.as_str(), f.to.as_str()))
        .collect();
    let zeros = "0".repeat(64);
    let alice_att = att("alice");
    assert_eq!(
        got,
        [
            ("status", "suspended", "active"),
            ("tier", "0", "2"),
            ("kind", "business", "individual"),
            ("jurisdiction", "FR", "DE"),
            ("expiry", "2026-12-31T00:00:00Z", "2027-06-30T00:00:00Z"),
            ("attestation", zeros.as_str(), alice_att.as_str()),
            ("reason", "aml_review", "onboarding"),
        ]
    );
}

#[test]
fn diff_compares_expiries_to_the_second() {
    let roster = roster_of(&["alice"]);
    let mut chain = view_of(&roster.rows[0].record);
    chain.expires_at = chain.expires_at.plus_nanos(999_999_999);
    let d = diff(&roster, &[chain.clone()], false);
    assert_eq!(d.unchanged(), 1);
    assert!(d.is_empty());
    chain.expires_at = chain.expires_at.plus_nanos(1);
    let d = diff(&roster, &[chain], false);
    assert_eq!(d.changed(), 1);
}

#[test]
fn diff_removes_only_when_asked() {
    let roster = roster_of(&["alice"]);
    let others = roster_of(&["zed", "bob"]);
    let mut current: Vec<RecordView> = others.rows.iter().map(|r| view_of(&r.record)).collect();
    current.push(view_of(&roster.rows[0].record));

    let d = diff(&roster, &current, false);
    assert_eq!((d.unchanged(), d.removed()), (1, 0));
    assert!(d.is_empty());
    assert!(d.removals().is_empty());
    let mut kept = vec![addr("zed"), addr("bob")];
    kept.sort();
    assert_eq!(
        d.kept.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
        kept
    );

    let d = diff(&roster, &current, true);
    assert_eq!((d.unchanged(), d.removed()), (1, 2));
    assert!(!d.is_empty());
    assert!(d.kept.is_empty());
    assert_eq!(d.removals(), kept, "by address");
    assert!(matches!(d.changes.last(), Some(Change::Removed(_))));
    assert!(d.upserts().is_empty());
}

#[test]
fn upserts_are_added_and_changed_rows_in_roster_order() {
    let roster = roster_of(&["a", "b", "c", "d", "e"]);
    let mut current = vec![];
    // b unchanged, d changed, e changed; a and c added; listed on chain in another order.
    let mut e = view_of(&roster.rows[4].record);
    e.status = KycStatus::Revoked;
    current.push(e);
    current.push(view_of(&roster.rows[1].record));
    let mut d = view_of(&roster.rows[3].record);
    d.reason = "older".into();
    current.push(d);
    let dff = diff(&roster, &current, true);
    let up: Vec<String> = dff.upserts().into_iter().map(|r| r.address).collect();
    assert_eq!(up, [addr("a"), addr("c"), addr("d"), addr("e")]);
    let lines: Vec<usize> = dff
        .changes
        .iter()
        .map(|c| match c {
            Change::Added(r) | Change::Unchanged(r) | Change::Changed { row: r, .. } => r.line,
            Change::Removed(_) => 0,
        })
        .collect();
    assert_eq!(lines, [2, 3, 4, 5, 6]);
    // Status changes are upserts too (the record is replaced whole, reason included).
    let msgs = dff.execute_msgs(DEFAULT_REMOVAL_REASON).unwrap();
    assert_eq!(msgs.len(), 1);
    let ExecuteMsg::UpsertRecords { records } = &msgs[0] else {
        panic!("{msgs:?}")
    };
    assert_eq!(records.len(), 4);
    assert_eq!(records[3].status, KycStatus::Active);
}

#[test]
fn removal_messages_carry_a_valid_reason() {
    let roster = roster_of(&["alice"]);
    let current: Vec<RecordView> = roster_of(&["bob", "carol", "alice"])
        .rows
        .iter()
        .map(|r| view_of(&r.record))
        .collect();
    let d = diff(&roster, &current, true);
    let msgs = d.execute_msgs("offboarded").unwrap();
    let mut removed = vec![addr("bob"), addr("carol")];
    removed.sort();
    assert_eq!(
        msgs,
        [ExecuteMsg::RemoveRecords {
            addresses: removed,
            reason: "offboarded".into()
        }]
    );
    let err = d.execute_msgs("no longer listed").unwrap_err();
    assert!(
        err.starts_with("removal reason: ' ' is not allowed"),
        "{err}"
    );
    assert!(DEFAULT_REMOVAL_REASON.len() <= 64);
    assert!(d.execute_msgs(DEFAULT_REMOVAL_REASON).is_ok());
}

#[test]
fn removals_are_batched_by_max_batch() {
    let roster = roster_of(&["keep"]);
    let current: Vec<RecordView> = (0..MAX_BATCH + 3)
        .map(|i| {
            let mut v = view_of(&roster.rows[0].record);
            v.address = Addr::unchecked(addr(&format!("gone{i}")));
            v
        })
        .collect();
    let d = diff(&roster, &current, true);
    assert_eq!(d.added(), 1);
    let msgs = d.execute_msgs(DEFAULT_REMOVAL_REASON).unwrap();
    let sizes: Vec<usize> = msgs
        .iter()
        .map(|m| match m {
            ExecuteMsg::UpsertRecords { records } => records.len(),
            ExecuteMsg::RemoveRecords { addresses, .. } => addresses.len(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(sizes, [1, MAX_BATCH, 3]);
}

#[test]
fn render_is_exact() {
    let text = format!(
        "{HEADER}\n{}\n{}\n{}\n",
        row("alice"),
        row_with("bob", "expiry", "2027-12-31"),
        row("carol")
    );
    let roster = parses(&text);
    let mut bob = view_of(&roster.rows[1].record);
    bob.tier = 1;
    bob.expires_at = parse_time("2026-12-31").unwrap();
    let carol = view_of(&roster.rows[2].record);
    let mut dan = view_of(&roster.rows[2].record);
    dan.address = Addr::unchecked(addr("dan"));
    let current = [bob, carol, dan];
    let (a, b, c, d) = (addr("alice"), addr("bob"), addr("carol"), addr("dan"));

    let removed = diff(&roster, &current, true);
    assert_eq!(
        render(&removed, false),
        format!(
            "+ {a} (line 2): active, tier 2, individual, DE, expiry 2027-06-30T00:00:00Z, reason onboarding\n\
             ~ {b} (line 3): tier 1 -> 2, expiry 2026-12-31T00:00:00Z -> 2027-12-31T00:00:00Z\n\
             - {d} (listed on chain, absent from the sheet)\n\
             1 added, 1 changed, 1 unchanged, 1 removed"
        )
    );
    assert_eq!(
        render(&removed, true),
        format!(
            "+ {a} (line 2): active, tier 2, individual, DE, expiry 2027-06-30T00:00:00Z, reason onboarding\n\
             ~ {b} (line 3): tier 1 -> 2, expiry 2026-12-31T00:00:00Z -> 2027-12-31T00:00:00Z\n\
             = {c} (line 4)\n\
             - {d} (listed on chain, absent from the sheet)\n\
             1 added, 1 changed, 1 unchanged, 1 removed"
        )
    );
    let kept = diff(&roster, &current, false);
    assert_eq!(
        render(&kept, false),
        format!(
            "+ {a} (line 2): active, tier 2, individual, DE, expiry 2027-06-30T00:00:00Z, reason onboarding\n\
             ~ {b} (line 3): tier 1 -> 2, expiry 2026-12-31T00:00:00Z -> 2027-12-31T00:00:00Z\n\
             1 record on chain absent from the sheet, kept (no --remove-missing, or a contract of the deployment)\n\
             1 added, 1 changed, 1 unchanged, 0 removed"
        )
    );
    assert_eq!(
        render(&Diff::default(), true),
        "0 added, 0 changed, 0 unchanged, 0 removed"
    );
}

// ---------------------------------------------------------------------------------------
// Audit export

fn entry(seq: u64, action: AuditAction, reason: Option<&str>) -> AuditEntry {
    AuditEntry {
        seq,
        actor: Addr::unchecked(addr("officer")),
        action,
        subject: Some(Addr::unchecked(addr("alice"))),
        reason: reason.map(str::to_string),
        status: Some(KycStatus::Suspended),
        time: Timestamp::from_seconds(1_772_323_200).plus_nanos(500_000_000),
        height: 1_200_345,
    }
}

#[test]
fn audit_csv_is_exact_and_escaped() {
    let first = entry(
        41,
        AuditAction::StatusChanged,
        Some("aml_review, case 1042"),
    );
    let second = AuditEntry {
        seq: 42,
        actor: Addr::unchecked(addr("owner")),
        action: AuditAction::PolicyUpdated,
        subject: None,
        reason: None,
        status: None,
        time: Timestamp::from_seconds(1_772_323_260),
        height: 1_200_357,
    };
    assert_eq!(
        audit_csv(&[first, second]),
        format!(
            "seq,time,height,action,actor,subject,status,reason\n\
             41,2026-03-01T00:00:00.5Z,1200345,status_changed,{},{},suspended,\"aml_review, case 1042\"\n\
             42,2026-03-01T00:01:00Z,1200357,policy_updated,{},,,\n",
            addr("officer"),
            addr("alice"),
            addr("owner")
        )
    );
    assert_eq!(
        audit_csv(&[]),
        "seq,time,height,action,actor,subject,status,reason\n"
    );
    // A quote in a cell is doubled, and the CSV reads back to the same cells.
    let tricky = entry(7, AuditAction::RecordRemoved, Some("say \"no\"\nnow"));
    let out = audit_csv(&[tricky]);
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let rec = r.records().next().unwrap().unwrap();
    assert_eq!(&rec[7], "say \"no\"\nnow");
    assert_eq!(&rec[3], "record_removed");
}

#[test]
fn since_parses_times_dates_and_sequence_numbers() {
    let t = Timestamp::from_seconds(1_772_323_200);
    assert_eq!(parse_since("2026-03-01"), Ok(Since::Time(t)));
    assert_eq!(parse_since("2026-03-01T00:00:00Z"), Ok(Since::Time(t)));
    assert_eq!(parse_since("2026-03-01T01:00:00+01:00"), Ok(Since::Time(t)));
    assert_eq!(
        parse_since("2026-03-01T00:00:00.5Z"),
        Ok(Since::Time(t.plus_nanos(500_000_000)))
    );
    assert_eq!(parse_since("seq:41"), Ok(Since::Seq(41)));
    assert_eq!(parse_since(" SEQ: 0 "), Ok(Since::Seq(0)));
    assert!(parse_since("seq:").unwrap_err().contains("seq:41"));
    assert!(parse_since("seq:-1").is_err());
    assert!(parse_since("41").unwrap_err().contains("seq:N"));
    assert!(parse_since("yesterday").is_err());
    assert!(parse_since("").is_err());
    assert_eq!(Since::Seq(41).start_after(), Some(41));
    assert_eq!(Since::Time(t).start_after(), None);
}

#[test]
fn since_keeps_entries_from_the_time_or_after_the_sequence_number() {
    let e = entry(41, AuditAction::RecordUpserted, None); // at t + 0.5 s
    let t = Timestamp::from_seconds(1_772_323_200);
    assert!(Since::Time(t).keeps(&e));
    assert!(
        Since::Time(t.plus_nanos(500_000_000)).keeps(&e),
        "at the time itself"
    );
    assert!(!Since::Time(t.plus_seconds(1)).keeps(&e));
    assert!(Since::Seq(40).keeps(&e));
    assert!(
        !Since::Seq(41).keeps(&e),
        "after N: resumes an export that ended at N"
    );
}
