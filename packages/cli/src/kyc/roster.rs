//! The roster: the compliance team's spreadsheet of KYC records, saved as CSV.
//!
//! ```text
//! address,status,tier,kind,jurisdiction,expiry,attestation,reason
//! wasm1…,active,2,individual,DE,2027-06-30,0x9f86d081…,onboarding
//! ```
//!
//! The header row is required; its names are case-insensitive and in any order, and every
//! one of the eight columns must be there, no other. Empty lines, lines of empty cells (as
//! Excel writes them) and lines starting with `#` are skipped but still counted, so the line
//! numbers in errors are the editor's. Cells are trimmed. A UTF-8 byte-order mark at the start
//! (Excel's "CSV UTF-8") is tolerated.
//!
//! [`parse_roster`] checks every cell as the registry's `UpsertRecords` would, and more, so that
//! the CLI refuses before sending what the contract would refuse after a fee, with the line and
//! column to fix. It reports **every** error of the file, not only the first.
//!
//! | column | accepted | notes |
//! | --- | --- | --- |
//! | `address` | bech32 with the chain's prefix, 20 bytes (account) or 32 (contract) | all lowercase or all uppercase (bech32 forbids mixing); stored lowercase, the form the chain's `addr_validate` accepts; listed once only, whatever its case |
//! | `status` | `active`, `suspended`, `revoked` | case-insensitive (a keyword of this sheet, mapped to the registry's enum) |
//! | `tier` | `0` to `3` ([`MAX_TIER`]) | |
//! | `kind` | `individual`, `business`, `contract` | case-insensitive |
//! | `jurisdiction` | an ISO 3166-1 alpha-2 code, uppercase, or `XK` | see [`check_jurisdiction`] |
//! | `expiry` | RFC 3339 (`2027-06-30T00:00:00Z`, any offset) or a date (`2027-06-30`, midnight UTC) | kept to the second, as the registry does; must be after `now` |
//! | `attestation` | 64 hex digits, optionally `0x`-prefixed: 32 bytes ([`ATTESTATION_LEN`]) | the salted SHA-256 of the off-chain KYC file |
//! | `reason` | 1 to 64 characters of `A-Z a-z 0-9 _ . : -` ([`is_valid_reason`]) | the registry's reason-code rule |

use std::collections::BTreeMap;
use std::fmt;

use bech32::primitives::decode::{CharError, UncheckedHrpstringError};
use bech32::primitives::decode::{CheckedHrpstring, ChecksumError, UncheckedHrpstring};
use bech32::Bech32;
use cosmwasm_std::{HexBinary, Timestamp};
use farthing_types::kyc::{
    is_valid_reason, KycStatus, PartyKind, RecordInput, ATTESTATION_LEN, MAX_REASON_LEN, MAX_TIER,
};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

/// The columns of the roster, in the order this CLI writes them.
pub const COLUMNS: [&str; 8] = [
    "address",
    "status",
    "tier",
    "kind",
    "jurisdiction",
    "expiry",
    "attestation",
    "reason",
];

/// Jurisdiction codes accepted beyond ISO 3166-1's 249: `XK`, Kosovo. It is a user-assigned
/// code, not in the standard, but the European Commission, SWIFT (IBANs `XK..`) and most KYC
/// providers use it, and a compliance team must be able to record a Kosovar customer. The
/// registry accepts any two uppercase letters, so the policy can block `XK` like any code.
pub const EXTRA_JURISDICTIONS: [&str; 1] = ["XK"];

/// One record of the roster and the line it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct RosterRow {
    /// 1-based line of the file where the row starts (the header is on line 1 unless comments
    /// or blank lines come before it).
    pub line: usize,
    pub record: RecordInput,
}

/// A validated roster: rows in file order, addresses unique and lowercase.
#[derive(Clone, Debug, PartialEq)]
pub struct Roster {
    pub rows: Vec<RosterRow>,
}

/// One problem of the roster: where it is and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line of the file.
    pub line: usize,
    /// The column's (lowercase) name, if the error is about one cell or header name.
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(c) => write!(f, "{}: {}: {}", self.line, c, self.message),
            None => write!(f, "{}: {}", self.line, self.message),
        }
    }
}

/// Every problem of a roster file, sorted by line (and, within a line, by column as the
/// header orders them).
///
/// Displays one line per error, `roster.csv:7: tier: …`, as compilers do, so editors can
/// jump to them; `source` is the file name it prints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterErrors {
    /// The name the file was given to [`parse_roster`] under.
    pub source: String,
    pub errors: Vec<RowError>,
}

impl fmt::Display for RosterErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{}:{}", self.source, e)?;
        }
        Ok(())
    }
}

impl std::error::Error for RosterErrors {}

/// Parses and validates a roster.
///
/// `source_name` names the file in errors; `prefix` is the chain's bech32 prefix (`wasm`,
/// `neutron`, …); `now` is the time expiries must be after: the chain's latest block time
/// (what the registry will compare with) or the wall clock, as the caller decides.
///
/// A header-only roster is refused: synced with removal, it would empty the registry.
pub fn parse_roster(
    source_name: &str,
    text: &str,
    prefix: &str,
    now: Timestamp,
) -> Result<Roster, RosterErrors> {
    let fail = |errors: Vec<RowError>| RosterErrors {
        source: source_name.to_string(),
        errors,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());

    let mut errors = Vec::new();
    let mut addresses: Vec<(usize, String)> = Vec::new();
    let mut header: Option<(usize, Vec<usize>)> = None; // (line, column index of each COLUMNS entry)
    let mut header_width = 0;
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line_before = line_at(text, reader.position().byte() as usize);
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                // The input is a &str, so only a malformed quote can get here.
                let line = e
                    .position()
                    .map(|p| line_at(text, p.byte() as usize))
                    .unwrap_or(line_before);
                errors.push(RowError {
                    line,
                    column: None,
                    message: format!("unreadable CSV: {e}"),
                });
                return Err(fail(errors));
            }
        }
        let line = record
            .position()
            .map(|p| line_at(text, p.byte() as usize))
            .unwrap_or(line_before);
        if record.iter().all(str::is_empty) || record.get(0).is_some_and(|f| f.starts_with('#')) {
            continue; // blank, a row of empty cells, or an indented comment
        }
        match &header {
            None => {
                let (index, errs) = parse_header(line, &record);
                if !errs.is_empty() {
                    return Err(fail(errs));
                }
                header_width = record.len();
                header = Some((line, index));
            }
            Some((_, index)) => {
                if record.len() != header_width {
                    errors.push(RowError {
                        line,
                        column: None,
                        message: format!(
                            "{} cells, but the header has {}: a missing or extra comma? (quote a cell that contains one)",
                            record.len(),
                            header_width
                        ),
                    });
                    continue;
                }
                if let Some(row) = parse_row(
                    line,
                    &record,
                    index,
                    prefix,
                    now,
                    &mut errors,
                    &mut addresses,
                ) {
                    rows.push(row);
                }
            }
        }
    }

    let Some((header_line, _)) = header else {
        return Err(fail(vec![RowError {
            line: 1,
            column: None,
            message: format!(
                "the roster is empty: it needs a header row ({}) and one row per record",
                COLUMNS.join(",")
            ),
        }]));
    };
    if rows.is_empty() && errors.is_empty() {
        return Err(fail(vec![RowError {
            line: header_line,
            column: None,
            message: "the roster has a header but no records (to empty the registry, remove its records explicitly)".to_string(),
        }]));
    }

    // Duplicates, after normalisation (so `WASM1ABC…` and `wasm1abc…` are one address),
    // among every row whose address is valid, whatever its other cells: all the errors
    // of a sheet come in one report.
    let mut first_line: BTreeMap<&str, usize> = BTreeMap::new();
    for (line, address) in &addresses {
        match first_line.get(address.as_str()) {
            Some(&first) => errors.push(RowError {
                line: *line,
                column: Some("address".to_string()),
                message: format!(
                    "{address} is listed twice: on line {first} and on line {line}; keep one row per address"
                ),
            }),
            None => {
                first_line.insert(address, *line);
            }
        }
    }

    if errors.is_empty() {
        Ok(Roster { rows })
    } else {
        errors.sort_by_key(|e| e.line); // stable: cells keep their header order
        Err(fail(errors))
    }
}

/// The 1-based line where the record read from byte `pos` starts.
///
/// The `csv` crate's own positions are those of the end of the previous record: they count
/// neither the comment lines nor the empty lines it skips before the next one (csv 1.4). So
/// start there and skip, as the reader did, line ends, empty lines and `#` lines.
fn line_at(text: &str, pos: usize) -> usize {
    let bytes = text.as_bytes();
    let mut pos = pos.min(bytes.len());
    loop {
        match bytes.get(pos) {
            Some(b'\r' | b'\n') => pos += 1,
            Some(b'#') if pos == 0 || bytes[pos - 1] == b'\n' || bytes[pos - 1] == b'\r' => {
                pos = bytes[pos..]
                    .iter()
                    .position(|&b| b == b'\n' || b == b'\r')
                    .map_or(bytes.len(), |n| pos + n);
            }
            _ => break,
        }
    }
    // A line ends with LF, CRLF, or a lone CR (classic Mac, Excel's "CSV (Macintosh)").
    1 + (0..pos)
        .filter(|&i| bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count()
}

/// Maps each of [`COLUMNS`] to its index in the header; or every problem of the header.
fn parse_header(line: usize, record: &csv::StringRecord) -> (Vec<usize>, Vec<RowError>) {
    let mut errors = Vec::new();
    let mut found: [Option<usize>; COLUMNS.len()] = [None; COLUMNS.len()];
    let err = |column: Option<String>, message: String| RowError {
        line,
        column,
        message,
    };
    if !record
        .iter()
        .any(|name| COLUMNS.contains(&name.to_ascii_lowercase().as_str()))
    {
        let message = format!(
            "no header row: the first row (after comments) must name the columns, {}",
            COLUMNS.join(",")
        );
        return (vec![], vec![err(None, message)]);
    }
    for (i, name) in record.iter().enumerate() {
        let lower = name.to_ascii_lowercase();
        match COLUMNS.iter().position(|c| *c == lower) {
            Some(k) if found[k].is_some() => errors.push(err(
                Some(lower.clone()),
                format!("column {lower:?} appears twice in the header"),
            )),
            Some(k) => found[k] = Some(i),
            None if lower.is_empty() => errors.push(err(
                None,
                format!(
                    "header cell {} is empty (a trailing comma?); the columns are {}",
                    i + 1,
                    COLUMNS.join(",")
                ),
            )),
            None => errors.push(err(
                Some(name.to_string()),
                format!(
                    "unknown column {name:?}: the roster has exactly the columns {} (remove other columns before exporting; is this the header row?)",
                    COLUMNS.join(",")
                ),
            )),
        }
    }
    for (k, c) in COLUMNS.iter().enumerate() {
        if found[k].is_none() {
            errors.push(err(
                Some(c.to_string()),
                format!("missing column {c:?} in the header"),
            ));
        }
    }
    (found.iter().map(|f| f.unwrap_or(0)).collect(), errors)
}

fn parse_row(
    line: usize,
    record: &csv::StringRecord,
    index: &[usize],
    prefix: &str,
    now: Timestamp,
    errors: &mut Vec<RowError>,
    addresses: &mut Vec<(usize, String)>,
) -> Option<RosterRow> {
    // Cells are checked in header order, so a row's errors read left to right.
    let mut order: Vec<usize> = (0..COLUMNS.len()).collect();
    order.sort_by_key(|&k| index[k]);
    let mut failed = Vec::new();
    let cell = |k: usize| record.get(index[k]).unwrap_or("");

    let mut address = None;
    let mut status = None;
    let mut tier = None;
    let mut kind = None;
    let mut jurisdiction = None;
    let mut expires_at = None;
    let mut attestation = None;
    let mut reason = None;
    for k in order {
        let value = cell(k);
        let result = match COLUMNS[k] {
            "address" => parse_address(value, prefix).map(|v| {
                addresses.push((line, v.clone()));
                address = Some(v)
            }),
            "status" => parse_status(value).map(|v| status = Some(v)),
            "tier" => parse_tier(value).map(|v| tier = Some(v)),
            "kind" => parse_kind(value).map(|v| kind = Some(v)),
            "jurisdiction" => check_jurisdiction(value).map(|()| jurisdiction = Some(value)),
            "expiry" => parse_expiry(value, now).map(|v| expires_at = Some(v)),
            "attestation" => parse_attestation(value).map(|v| attestation = Some(v)),
            "reason" => check_reason(value).map(|()| reason = Some(value)),
            _ => unreachable!("COLUMNS has eight names"),
        };
        if let Err(message) = result {
            failed.push(RowError {
                line,
                column: Some(COLUMNS[k].to_string()),
                message,
            });
        }
    }
    if !failed.is_empty() {
        errors.extend(failed);
        return None;
    }
    Some(RosterRow {
        line,
        record: RecordInput {
            address: address?,
            status: status?,
            tier: tier?,
            kind: kind?,
            jurisdiction: jurisdiction?.to_string(),
            expires_at: expires_at?,
            attestation: attestation?,
            reason: reason?.to_string(),
        },
    })
}

/// Checks a bech32 address: the chain's `prefix`, a valid (classic bech32, not bech32m)
/// checksum, and 20 or 32 bytes of data. Returns it in lowercase.
pub fn parse_address(value: &str, prefix: &str) -> Result<String, String> {
    if value.is_empty() {
        return Err("empty: every row needs the address of the account or contract".into());
    }
    if !value.contains('1') {
        return Err(format!(
            "{value:?} is not a bech32 address: it should start with \"{prefix}1\""
        ));
    }
    let unchecked = UncheckedHrpstring::new(value).map_err(|e| match e {
        UncheckedHrpstringError::Char(CharError::MixedCase) => {
            format!("{value:?} mixes upper and lower case, which bech32 forbids: write it all in lowercase")
        }
        UncheckedHrpstringError::Char(CharError::MissingSeparator) => {
            format!("{value:?} is not a bech32 address (no \"1\" after a prefix such as \"{prefix}\")")
        }
        UncheckedHrpstringError::Char(CharError::NothingAfterSeparator) => {
            format!("{value:?} is not a bech32 address: nothing follows the prefix")
        }
        UncheckedHrpstringError::Char(CharError::InvalidChar(c)) => format!(
            "{value:?} has the character {c:?}, which bech32 never uses (no b, i, o or 1 after the prefix): a typo?"
        ),
        other => format!("{value:?} is not a bech32 address: {other}"),
    })?;
    let hrp = unchecked.hrp();
    if !hrp.as_str().eq_ignore_ascii_case(prefix) {
        return Err(format!(
            "{value:?} has the prefix {:?}, but this chain's addresses start with \"{prefix}1\"",
            hrp.to_lowercase()
        ));
    }
    unchecked
        .validate_checksum::<Bech32>()
        .map_err(|e| match e {
            ChecksumError::InvalidResidue => format!(
                "{value:?} has a wrong checksum: a character is mistyped, missing or extra (copy the address again)"
            ),
            other => format!("{value:?} has a wrong checksum ({other})"),
        })?;
    let checked = CheckedHrpstring::new::<Bech32>(value)
        .map_err(|e| format!("{value:?} is not a bech32 address: {e}"))?;
    checked
        .validate_segwit_padding()
        .map_err(|_| format!("{value:?} is not a valid bech32 address (bad padding)"))?;
    let len = checked.byte_iter().len();
    if len != 20 && len != 32 {
        return Err(format!(
            "{value:?} holds {len} bytes: an account address holds 20 and a contract address 32"
        ));
    }
    Ok(value.to_ascii_lowercase())
}

fn parse_status(value: &str) -> Result<KycStatus, String> {
    match value.to_ascii_lowercase().as_str() {
        "active" => Ok(KycStatus::Active),
        "suspended" => Ok(KycStatus::Suspended),
        "revoked" => Ok(KycStatus::Revoked),
        "" => Err("empty: write active, suspended or revoked".into()),
        _ => Err(format!(
            "{value:?} is not a status: write active, suspended or revoked"
        )),
    }
}

fn parse_tier(value: &str) -> Result<u8, String> {
    match value.parse::<u8>() {
        Ok(t) if t <= MAX_TIER => Ok(t),
        Ok(t) => Err(format!(
            "tier {t} is out of range: tiers are 0 to {MAX_TIER}"
        )),
        Err(_) if value.is_empty() => Err(format!("empty: write a tier from 0 to {MAX_TIER}")),
        Err(_) => Err(format!(
            "{value:?} is not a tier: write a whole number from 0 to {MAX_TIER}"
        )),
    }
}

fn parse_kind(value: &str) -> Result<PartyKind, String> {
    match value.to_ascii_lowercase().as_str() {
        "individual" => Ok(PartyKind::Individual),
        "business" => Ok(PartyKind::Business),
        "contract" => Ok(PartyKind::Contract),
        "" => Err("empty: write individual, business or contract".into()),
        _ => Err(format!(
            "{value:?} is not a kind of party: write individual, business or contract"
        )),
    }
}

/// Checks a jurisdiction against ISO 3166-1 alpha-2, using the `isocountry` crate: a small
/// crate (one source of tables, no build script, depends only on serde and thiserror, both
/// already here, edition 2018 so it keeps this workspace's Rust 1.81) holding exactly the
/// standard's 249 codes. ISO 3166-1's alpha-2 list has not changed since 2011 (`BQ`, `CW`,
/// `SX`, `SS`), all of which it has; `celes` (edition 2024, newer Rust) and `rust_iso3166`
/// (Rust 1.85, 1.6 MB with subdivisions) would be larger for no gain; `keshvar` is far larger.
///
/// Accepted: a code in the standard, written in uppercase as the standard writes it, or one
/// of [`EXTRA_JURISDICTIONS`] (`XK`, Kosovo). Lowercase (`us`) is refused, with the fix: the
/// registry refuses anything but two uppercase letters and its policy compares codes
/// exactly, and the sheet should read as the chain will, cell for cell. An alpha-3 code
/// (`USA`) is refused with its alpha-2 form as the fix.
pub fn check_jurisdiction(value: &str) -> Result<(), String> {
    use isocountry::CountryCode;
    if value.is_empty() {
        return Err("empty: write the ISO 3166-1 alpha-2 code of the country, e.g. DE".into());
    }
    let upper = value.to_ascii_uppercase();
    let known =
        |code: &str| EXTRA_JURISDICTIONS.contains(&code) || CountryCode::for_alpha2(code).is_ok();
    if value.len() == 2 && known(&upper) {
        if upper == value {
            return Ok(());
        }
        return Err(format!(
            "{value:?}: write the code in uppercase, {upper:?} (the registry stores codes as ISO writes them)"
        ));
    }
    if value.len() == 3 {
        if let Ok(c) = CountryCode::for_alpha3_caseless(value) {
            return Err(format!(
                "{value:?} is an alpha-3 code: write the alpha-2 code {:?} ({})",
                c.alpha2(),
                c.name()
            ));
        }
    }
    Err(format!(
        "{value:?} is not an ISO 3166-1 alpha-2 country code (two letters, e.g. DE, US, SG)"
    ))
}

/// Parses an expiry (see [`parse_time`]), keeps it to the second as the registry does, and
/// checks it is after `now`, as the registry checks against its block time: an expiry equal
/// to `now` is refused.
fn parse_expiry(value: &str, now: Timestamp) -> Result<Timestamp, String> {
    if value.is_empty() {
        return Err("empty: write the date the KYC must be refreshed by, e.g. 2027-06-30".into());
    }
    let t = parse_time(value)?;
    let t = Timestamp::from_seconds(t.seconds());
    if t <= now {
        return Err(format!(
            "{} is not in the future (it must be after {}): renew the KYC, or remove the row",
            format_time(t),
            format_time(now)
        ));
    }
    Ok(t)
}

/// Parses an RFC 3339 time (`2027-06-30T00:00:00Z`, `2027-06-30T02:00:00+02:00`,
/// fractions of a second allowed) or a date (`2027-06-30`, midnight UTC), with the `time`
/// crate. Times before 1970 or after 2554 (the range of a chain timestamp) are refused.
pub fn parse_time(value: &str) -> Result<Timestamp, String> {
    let parsed = OffsetDateTime::parse(value, &Rfc3339).or_else(|_| {
        Date::parse(value, format_description!("[year]-[month]-[day]"))
            .map(|d| PrimitiveDateTime::new(d, Time::MIDNIGHT).assume_utc())
    });
    let t = parsed.map_err(|_| {
        format!("{value:?} is not a date: write 2027-06-30 (midnight UTC) or an RFC 3339 time such as 2027-06-30T00:00:00Z")
    })?;
    u64::try_from(t.unix_timestamp_nanos())
        .map(Timestamp::from_nanos)
        .map_err(|_| format!("{value:?} is outside the range of chain time (1970 to 2554)"))
}

/// RFC 3339 in UTC: `2027-06-30T00:00:00Z`, with a fraction of a second only if it has one.
pub fn format_time(t: Timestamp) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(t.nanos()))
        .ok()
        .and_then(|d| d.format(&Rfc3339).ok())
        .unwrap_or_else(|| format!("{}s", t.seconds()))
}

/// 64 hex digits, optionally `0x`-prefixed: the 32-byte attestation.
fn parse_attestation(value: &str) -> Result<HexBinary, String> {
    let hex = value
        .strip_prefix("0x")
        .or_else(|| value.strip_prefix("0X"))
        .unwrap_or(value);
    let want = 2 * ATTESTATION_LEN;
    if hex.is_empty() {
        return Err(format!(
            "empty: write the {ATTESTATION_LEN}-byte hash of the KYC file, {want} hex digits"
        ));
    }
    if let Some((i, c)) = hex.char_indices().find(|(_, c)| !c.is_ascii_hexdigit()) {
        return Err(format!(
            "{c:?} (at digit {}) is not a hex digit: write {want} digits 0-9 a-f",
            i + 1
        ));
    }
    if hex.len() != want {
        let bytes = if hex.len() % 2 == 0 {
            format!("{} bytes", hex.len() / 2)
        } else {
            "an odd number of digits".to_string()
        };
        return Err(format!(
            "{} hex digits ({bytes}): an attestation is {want} digits, the {ATTESTATION_LEN}-byte hash of the KYC file",
            hex.len()
        ));
    }
    HexBinary::from_hex(hex).map_err(|e| format!("not hex: {e}"))
}

/// The registry's reason-code rule ([`is_valid_reason`]), with the reason it fails.
pub fn check_reason(value: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err("empty: write a reason code, e.g. onboarding or periodic_review".into());
    }
    let chars = value.chars().count();
    if chars > MAX_REASON_LEN {
        return Err(format!(
            "{chars} characters: a reason code has at most {MAX_REASON_LEN}"
        ));
    }
    if let Some(c) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-')))
    {
        return Err(format!(
            "{c:?} is not allowed in a reason code: use only A-Z a-z 0-9 _ . : - (e.g. periodic_review)"
        ));
    }
    debug_assert!(is_valid_reason(value));
    if is_valid_reason(value) {
        Ok(())
    } else {
        Err(format!("{value:?} is not a valid reason code"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_dates() {
        assert_eq!(
            parse_time("2027-06-30").unwrap(),
            Timestamp::from_seconds(1_814_313_600)
        );
        assert_eq!(
            parse_time("2027-06-30T02:00:00+02:00").unwrap(),
            Timestamp::from_seconds(1_814_313_600)
        );
        assert_eq!(
            parse_time("2027-06-30T00:00:00.25Z").unwrap(),
            Timestamp::from_nanos(1_814_313_600_250_000_000)
        );
        assert!(parse_time("30/06/2027").is_err());
        assert!(parse_time("1969-12-31").is_err());
        assert_eq!(
            format_time(Timestamp::from_seconds(1_814_313_600)),
            "2027-06-30T00:00:00Z"
        );
        assert_eq!(
            format_time(Timestamp::from_nanos(1_814_313_600_500_000_000)),
            "2027-06-30T00:00:00.5Z"
        );
    }

    #[test]
    fn expiry_is_kept_to_the_second() {
        let now = Timestamp::from_seconds(1_700_000_000);
        assert_eq!(
            parse_expiry("2027-06-30T00:00:00.999Z", now).unwrap(),
            Timestamp::from_seconds(1_814_313_600)
        );
        // One second after a `now` with nanoseconds: the registry accepts it, so do we.
        let now = Timestamp::from_nanos(1_814_313_599_500_000_000);
        assert!(parse_expiry("2027-06-30", now).is_ok());
        // The same second as `now` (truncated, it is before now): refused, as on chain.
        let now = Timestamp::from_nanos(1_814_313_600_500_000_000);
        assert!(parse_expiry("2027-06-30T00:00:00.9Z", now).is_err());
    }

    #[test]
    fn jurisdictions() {
        for ok in ["DE", "US", "SG", "SS", "CW", "XK"] {
            check_jurisdiction(ok).unwrap();
        }
        assert!(check_jurisdiction("us").unwrap_err().contains("\"US\""));
        assert!(check_jurisdiction("USA").unwrap_err().contains("\"US\""));
        assert!(check_jurisdiction("ZZ").is_err());
        assert!(check_jurisdiction("AN").is_err()); // Netherlands Antilles, withdrawn 2010
        assert!(check_jurisdiction("D").is_err());
    }

    #[test]
    fn attestations() {
        let h = "ab".repeat(32);
        assert_eq!(parse_attestation(&h).unwrap().len(), 32);
        assert_eq!(parse_attestation(&format!("0x{h}")).unwrap().len(), 32);
        assert_eq!(
            parse_attestation(&h.to_uppercase()).unwrap(),
            parse_attestation(&h).unwrap()
        );
        assert!(parse_attestation(&h[..62])
            .unwrap_err()
            .contains("31 bytes"));
    }

    #[test]
    fn reasons_agree_with_the_registry() {
        for r in ["onboarding", "a", "x.y:z-w_1", &"r".repeat(64)] {
            assert_eq!(check_reason(r).is_ok(), is_valid_reason(r), "{r}");
        }
        for r in ["", "with space", "é", &"r".repeat(65), "a,b"] {
            assert!(check_reason(r).is_err(), "{r}");
            assert!(!is_valid_reason(r), "{r}");
        }
    }
}
