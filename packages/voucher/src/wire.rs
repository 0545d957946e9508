//! How 64-bit integers travel on the wire.
//!
//! JavaScript's `JSON.parse` turns every number into an IEEE double, which is exact only
//! up to 2^53. Ids and lengths of time in Farthing's messages are `u64`, and several can
//! pass 2^53 (a policy's window and a dispute timeout are bounded only from below), so
//! every Farthing `u64` is written as a decimal string, the way `cosmwasm_std::Uint64`
//! and `Timestamp` are: `"channel": "7"`. The Rust fields stay `u64`.
//!
//! Reading is lenient: a JSON number is accepted too, so clients written for 0.2 (which
//! sent numbers) keep working, and state stored by 0.2 (records holding these structs)
//! loads unchanged. The schema says `Uint64` (a string), so generated clients send strings.
//!
//! Use with `#[serde(with = "farthing_voucher::wire::u64_str")] #[schemars(with = "Uint64")]`, or
//! `opt_u64_str` with `#[serde(default)]` and `#[schemars(with = "Option<Uint64>")]`.
//! cw20's own types (`Expiration::AtHeight`) are left as cw20 defines them.

use serde::de::{Error, MapAccess, SeqAccess, Visitor};
use serde::{Deserializer, Serializer};
use std::fmt;

/// The one error message: a static string, because serde's `Unexpected` would pull
/// float formatting into every contract that reads a `u64` (about 27 KB of wasm).
const NOT_U64: &str = "expected a u64 as a decimal string (0 to 18446744073709551615)";

struct U64Visitor;

impl<'de> Visitor<'de> for U64Visitor {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(NOT_U64)
    }

    fn visit_u64<E: Error>(self, v: u64) -> Result<u64, E> {
        Ok(v)
    }

    fn visit_i64<E: Error>(self, v: i64) -> Result<u64, E> {
        u64::try_from(v).map_err(|_| E::custom(NOT_U64))
    }

    // Every other JSON value is refused here rather than by serde's defaults, whose
    // messages format a `serde::de::Unexpected` and so pull float formatting into the wasm.
    fn visit_bool<E: Error>(self, _: bool) -> Result<u64, E> {
        Err(E::custom(NOT_U64))
    }

    fn visit_f64<E: Error>(self, _: f64) -> Result<u64, E> {
        Err(E::custom(NOT_U64))
    }

    fn visit_unit<E: Error>(self) -> Result<u64, E> {
        Err(E::custom(NOT_U64))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<u64, A::Error> {
        Err(A::Error::custom(NOT_U64))
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<u64, A::Error> {
        Err(A::Error::custom(NOT_U64))
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<u64, E> {
        // Canonical decimal only: no sign, no leading zeros, no spaces (one value, one form).
        let canonical = !v.is_empty()
            && v.bytes().all(|b| b.is_ascii_digit())
            && (v == "0" || !v.starts_with('0'));
        if !canonical {
            return Err(E::custom(NOT_U64));
        }
        v.parse::<u64>().map_err(|_| E::custom(NOT_U64))
    }
}

/// A `u64` as a decimal string; reads a string or a number.
pub mod u64_str {
    use super::*;

    pub fn serialize<S: Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        d.deserialize_any(U64Visitor)
    }
}

/// An `Option<u64>` as a decimal string or `null`; reads a string, a number or `null`.
pub mod opt_u64_str {
    use super::*;

    pub(super) struct OptVisitor;

    impl<'de> Visitor<'de> for OptVisitor {
        type Value = Option<u64>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "null, or {NOT_U64}")
        }

        fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        // serde's buffered deserializer (`#[serde(untagged)]`, `#[serde(flatten)]`: an
        // integrator wrapping these messages in its own) hands a JSON null to
        // `deserialize_option` as a unit, not a none.
        fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(U64Visitor).map(Some)
        }
    }

    pub fn serialize<S: Serializer>(v: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.collect_str(v),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        d.deserialize_option(OptVisitor)
    }
}

#[cfg(test)]
mod tests {
    use cosmwasm_schema::cw_serde;
    use cosmwasm_std::{from_json, to_json_string};

    #[cw_serde]
    struct Probe {
        #[serde(with = "super::u64_str")]
        #[schemars(with = "cosmwasm_std::Uint64")]
        id: u64,
        #[serde(default, with = "super::opt_u64_str")]
        #[schemars(with = "Option<cosmwasm_std::Uint64>")]
        after: Option<u64>,
    }

    #[test]
    fn writes_strings_and_reads_strings_or_numbers() {
        let p = Probe {
            id: u64::MAX,
            after: Some(9_007_199_254_740_993),
        };
        let json = to_json_string(&p).unwrap();
        assert_eq!(
            json,
            r#"{"id":"18446744073709551615","after":"9007199254740993"}"#
        );
        assert_eq!(from_json::<Probe>(&json).unwrap(), p);
        // 0.2 clients and stored 0.2 state: numbers.
        let old: Probe = from_json(r#"{"id":7,"after":3}"#).unwrap();
        assert_eq!((old.id, old.after), (7, Some(3)));
        // Missing and null options.
        assert_eq!(from_json::<Probe>(r#"{"id":"0"}"#).unwrap().after, None);
        assert_eq!(
            from_json::<Probe>(r#"{"id":"0","after":null}"#)
                .unwrap()
                .after,
            None
        );
        assert_eq!(
            to_json_string(&Probe { id: 0, after: None }).unwrap(),
            r#"{"id":"0","after":null}"#
        );
    }

    #[test]
    fn refuses_non_canonical_and_out_of_range_values() {
        for bad in [
            r#"{"id":"-1"}"#,
            r#"{"id":-1}"#,
            r#"{"id":"01"}"#,
            r#"{"id":"+1"}"#,
            r#"{"id":" 1"}"#,
            r#"{"id":""}"#,
            r#"{"id":"1e3"}"#,
            r#"{"id":"18446744073709551616"}"#,
            r#"{"id":1.5}"#,
            r#"{"id":true}"#,
            r#"{"id":null}"#,
            r#"{"id":[]}"#,
            r#"{"id":[1]}"#,
            r#"{"id":{}}"#,
            r#"{"id":"0","after":"x"}"#,
            r#"{"id":"0","after":"007"}"#,
            r#"{"id":"0","after":[]}"#,
            r#"{"id":"0","after":{}}"#,
        ] {
            assert!(from_json::<Probe>(bad).is_err(), "accepted {bad}");
            // serde_json (off-chain tools) reads the same way; it also hands floats over.
            assert!(
                serde_json::from_str::<Probe>(bad).is_err(),
                "accepted {bad}"
            );
        }
        for bad in [
            r#"{"id":1.5}"#,
            r#"{"id":1e3}"#,
            r#"{"id":"0","after":2.0}"#,
        ] {
            assert!(
                serde_json::from_str::<Probe>(bad).is_err(),
                "accepted {bad}"
            );
        }
        let old: Probe = serde_json::from_str(r#"{"id":7,"after":"3"}"#).unwrap();
        assert_eq!((old.id, old.after), (7, Some(3)));
    }

    /// Through serde's buffered content (an untagged or flattened wrapper), a null
    /// `Option` reaches the visitor as a unit: still `None`. Fails without
    /// `OptVisitor::visit_unit`.
    #[test]
    fn reads_the_same_inside_an_untagged_wrapper() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        #[serde(untagged)]
        enum Wrapped {
            Probe(Probe),
        }
        for (json, after) in [
            (r#"{"id":"1","after":null}"#, None),
            (r#"{"id":"1"}"#, None),
            (r#"{"id":"1","after":"2"}"#, Some(2)),
            (r#"{"id":1,"after":2}"#, Some(2)),
        ] {
            let want = Wrapped::Probe(Probe { id: 1, after });
            assert_eq!(from_json::<Wrapped>(json).unwrap(), want, "{json}");
            assert_eq!(
                serde_json::from_str::<Wrapped>(json).unwrap(),
                want,
                "{json}"
            );
        }
        for bad in [
            r#"{"id":"01"}"#,
            r#"{"id":null}"#,
            r#"{"id":"1","after":"007"}"#,
        ] {
            assert!(from_json::<Wrapped>(bad).is_err(), "accepted {bad}");
        }
    }

    #[test]
    fn a_refusal_says_what_is_expected() {
        use serde::de::Expected;
        assert_eq!(
            (&super::U64Visitor as &dyn Expected).to_string(),
            super::NOT_U64
        );
        assert_eq!(
            (&super::opt_u64_str::OptVisitor as &dyn Expected).to_string(),
            format!("null, or {}", super::NOT_U64)
        );
        let err = from_json::<Probe>(r#"{"id":"01"}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains(super::NOT_U64), "{err}");
    }
}
