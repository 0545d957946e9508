//! The harnesses themselves: their set-up succeeds (so targets start from a state with
//! some of everything), and each target runs its seeds and a few pseudo-random inputs
//! without panicking. Seeds that no JSON-mode sender gets accepted on the set-up state
//! (they need a state a typed run reaches: a dispute, a pause) are printed with
//! `--nocapture`.

use super::*;

#[test]
fn worlds_set_up() {
    let _ = registry::world();
    let _ = token::world();
    let e = escrow::Escrow::new();
    assert!(!e.pending.is_empty(), "the setup's release sends a payout");
    assert!(voucher::pool_keys_are_valid());
}

type Target = fn(&[u8]);

pub fn targets() -> Vec<(&'static str, Target)> {
    vec![
        ("registry_execute", registry::fuzz_execute as Target),
        ("registry_query", registry::fuzz_query),
        ("registry_migrate", registry::fuzz_migrate),
        ("token_execute", token::fuzz_execute),
        ("token_query", token::fuzz_query),
        ("token_migrate", token::fuzz_migrate),
        ("escrow_execute", escrow::fuzz_execute),
        ("escrow_query", escrow::fuzz_query),
        ("escrow_migrate", escrow::fuzz_migrate),
        ("escrow_reply", escrow::fuzz_reply),
        ("voucher_decode", voucher::fuzz_decode),
        ("voucher_verify", voucher::fuzz_verify),
        ("account_codec", account::fuzz),
    ]
}

#[test]
fn seeds_run() {
    let targets = targets();
    for (target, name, bytes) in seeds() {
        let contract = !target.starts_with("voucher") && !target.starts_with("account");
        assert!(
            !contract || bytes[0] < 0x80,
            "{target}/{name} must be a JSON-mode input"
        );
        let f = targets
            .iter()
            .find(|(t, _)| *t == target)
            .expect("known target")
            .1;
        f(&bytes);
        let accepted = match target {
            "registry_execute" => registry::accepted(&bytes),
            "token_execute" => token::accepted(&bytes),
            "escrow_execute" => escrow::accepted(&bytes),
            _ => 1,
        };
        if accepted == 0 {
            println!("not accepted: {target}/{name}");
        }
    }
}

#[test]
fn pseudo_random_inputs_run() {
    // xorshift: reproducible without another dependency.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for (_, f) in targets() {
        for len in [0usize, 1, 7, 64, 300, 2_000] {
            let mut data: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            if let Some(b) = data.first_mut() {
                *b |= 0x80;
            }
            f(&data);
        }
    }
}

#[test]
fn run_undoes_a_failed_message_and_keeps_a_successful_one() {
    use cosmwasm_std::Storage;
    let mut w = common::World::new();
    w.deps.storage.set(b"a", b"1");
    let before = common::dump(&w.deps.storage);
    let res: Result<(), ()> = w.run(|deps, _| {
        deps.storage.set(b"a", b"2");
        deps.storage.set(b"b", b"3");
        deps.storage.remove(b"a");
        deps.storage.set(b"a", b"4");
        Err(())
    });
    assert!(res.is_err());
    assert_eq!(common::dump(&w.deps.storage), before);
    let res: Result<(), ()> = w.run(|deps, _| {
        deps.storage.remove(b"a");
        deps.storage.set(b"b", b"3");
        Ok(())
    });
    assert!(res.is_ok());
    assert_eq!(
        common::dump(&w.deps.storage),
        vec![(b"b".to_vec(), b"3".to_vec())]
    );
}
