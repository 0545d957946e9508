//! How often well-typed messages get through, per message kind: `cargo run --release
//! --example reach` prints, for each contract, how many of 20,000 pseudo-random typed
//! messages (one per run, on the set-up state, from a pool sender) each kind accepted,
//! and the most common errors. A kind that is never accepted is a blind spot of the
//! harness.

use std::collections::BTreeMap;

use arbitrary::{Arbitrary, Unstructured};
use cosmwasm_std::testing::message_info;
use farthing_fuzz::common::{addr, Who};
use farthing_fuzz::{escrow, registry, token};

fn bytes(seed: &mut u64, n: usize) -> Vec<u8> {
    (0..n)
        .map(|_| {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            *seed as u8
        })
        .collect()
}

fn kind<T: std::fmt::Debug>(t: &T) -> String {
    let s = format!("{t:?}");
    s.split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("")
        .to_string()
}

type Tally = BTreeMap<String, (u32, u32, BTreeMap<String, u32>)>;

fn record(t: &mut Tally, k: String, res: Result<(), String>) {
    let e = t.entry(k).or_default();
    match res {
        Ok(()) => e.0 += 1,
        Err(err) => {
            e.1 += 1;
            let short: String = err.chars().take(70).collect();
            *e.2.entry(short).or_default() += 1;
        }
    }
}

fn print(name: &str, t: &Tally) {
    println!("== {name}");
    for (k, (ok, err, errs)) in t {
        let mut top: Vec<_> = errs.iter().collect();
        top.sort_by(|a, b| b.1.cmp(a.1));
        let top: Vec<String> = top
            .iter()
            .take(2)
            .map(|(e, n)| format!("{n}x {e}"))
            .collect();
        println!("{k:>22}: {ok:>5} ok {err:>5} err   {}", top.join(" | "));
    }
}

fn main() {
    let mut seed = 0x1234_5678_9abc_def1u64;
    let (mut r, mut t, mut e) = (Tally::new(), Tally::new(), Tally::new());
    for _ in 0..20_000 {
        let data = bytes(&mut seed, 200);
        let mut u = Unstructured::new(&data);
        let (Ok(who), Ok(m)) = (Who::arbitrary(&mut u), registry::Exec::arbitrary(&mut u)) else {
            continue;
        };
        let mut w = registry::world();
        let k = kind(&m);
        let msg = m.msg(&w);
        let res = farthing_kyc_registry::contract::execute(
            w.deps.as_mut(),
            w.env.clone(),
            message_info(&who.addr(), &[]),
            msg,
        );
        record(&mut r, k, res.map(|_| ()).map_err(|e| e.to_string()));

        let mut u = Unstructured::new(&data);
        let (Ok(who), Ok(m)) = (Who::arbitrary(&mut u), token::Exec::arbitrary(&mut u)) else {
            continue;
        };
        let mut w = token::world();
        let k = kind(&m);
        let msg = m.msg(&w.env, &w.deps.storage, &who.addr());
        let res = farthing_micropay_token::contract::execute(
            w.deps.as_mut(),
            w.env.clone(),
            message_info(&who.addr(), &[]),
            msg,
        );
        record(&mut t, k, res.map(|_| ()).map_err(|e| e.to_string()));

        let mut u = Unstructured::new(&data);
        let (Ok(who), Ok(funds), Ok(m)) = (
            Who::arbitrary(&mut u),
            farthing_fuzz::common::FundsIn::arbitrary(&mut u),
            escrow::Exec::arbitrary(&mut u),
        ) else {
            continue;
        };
        let mut x = escrow::Escrow::new();
        let k = kind(&m);
        let msg = m.msg(&x.w.env);
        let res = farthing_royalty_escrow::contract::execute(
            x.w.deps.as_mut(),
            x.w.env.clone(),
            message_info(&who.addr(), &funds.0),
            msg,
        );
        record(&mut e, k, res.map(|_| ()).map_err(|e| e.to_string()));
    }
    let _ = addr(0);
    print("registry", &r);
    print("token", &t);
    print("escrow", &e);
}
