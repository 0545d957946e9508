//! A migration refuses, with a typed error and without changing anything, storage that
//! belongs to another contract, storage of a newer release, and a version that is not
//! semver; the same storage then migrates once its cw2 info is right.

use cosmwasm_std::Addr;
use serde_json::json;

use crate::common::*;

/// Each refusal by its cw2 info: (contract name, version, expected code).
fn refusals(name: &str) -> Vec<(String, &'static str, &'static str)> {
    vec![
        ("crates.io:cw20-base".to_string(), "0.1.0", "wrong_contract"),
        (format!("{name}-fork"), "0.1.0", "wrong_contract"),
        (name.to_string(), "9.9.9", "newer_version"),
        (name.to_string(), "0.3.0", "newer_version"),
        (name.to_string(), "zero.one", "invalid_version"),
    ]
}

fn assert_refused_then_migrates(
    c: &mut Chain,
    contract: &Addr,
    name: &str,
    new_code: u64,
    probe: serde_json::Value,
) {
    let old_code = c.vm.code_id(contract).unwrap();
    for (stored_name, version, expected) in refusals(name) {
        let info = cw2_value(&stored_name, version);
        c.vm.set_raw(contract, CW2_KEY, Some(&info)).unwrap();
        let before = c.vm.dump(contract).unwrap();
        let err =
            c.vm.migrate(contract, new_code, &c.migrate_msg(new_code))
                .map(|_| ())
                .expect_err("the migration must be refused");
        assert_eq!(
            code(&err),
            expected,
            "{name} stored as {stored_name} {version}: {err}"
        );
        let tag = farthing_types::errors::parse(err.message()).unwrap();
        assert_eq!((tag.role, tag.party), (None, None));
        assert!(
            tag.message.contains(version) || tag.message.contains(&stored_name),
            "{err}"
        );
        // Nothing changed: storage, code, and the old code still answers.
        assert_eq!(c.vm.dump(contract).unwrap(), before);
        assert_eq!(c.vm.code_id(contract).unwrap(), old_code);
        c.q(contract, &probe);
    }
    c.vm.set_raw(contract, CW2_KEY, Some(&cw2_value(name, "0.1.0")))
        .unwrap();
    c.migrate(contract, new_code);
    c.q(contract, &probe);
}

#[test]
fn a_migration_from_another_contract_or_a_newer_release_is_refused() {
    let mut c = chain();
    let p = Parties::new(&c);
    let registry = registry_010(&mut c, &p, &[]);
    let token = old_token(&mut c, &p, &registry, &[(&p.alice, 1000)], json!([]));
    let escrow = old_escrow(&mut c, &p, &registry, &token, DAY);
    assert_eq!(
        c.cw2(&registry),
        json!({"contract": REGISTRY_NAME, "version": "0.1.0"})
    );
    let (new_registry, new_token, new_escrow) = (c.new.registry, c.new.token, c.new.escrow);
    assert_refused_then_migrates(
        &mut c,
        &registry,
        REGISTRY_NAME,
        new_registry,
        json!({"policy": {}}),
    );
    assert_refused_then_migrates(
        &mut c,
        &token,
        TOKEN_NAME,
        new_token,
        json!({"token_info": {}}),
    );
    assert_refused_then_migrates(
        &mut c,
        &escrow,
        ESCROW_NAME,
        new_escrow,
        json!({"config": {}}),
    );
    // A contract's storage given the code of another contract is refused too.
    let err =
        c.vm.migrate(&registry, new_token, &c.migrate_msg(new_token))
            .map(|_| ())
            .unwrap_err();
    assert_eq!(code(&err), "wrong_contract");
    // Migrating again from 0.2.0 to 0.2.0 is allowed and changes nothing.
    let before = c.vm.dump(&token).unwrap();
    let done =
        c.vm.migrate(&token, new_token, &c.migrate_msg(new_token))
            .unwrap();
    assert_eq!(done.attribute("from_version"), Some("0.2.0"));
    assert_eq!(c.vm.dump(&token).unwrap(), before);
}
