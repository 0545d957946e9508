//! The check every contract's `migrate` makes before it changes anything: the stored
//! contract (cw2) must be this contract, and its version (semver) must not be newer than
//! this code's. Each contract turns a [`MigrateRefusal`] into its own typed error with the
//! same code (`wrong_contract`, `newer_version`, `invalid_version`).

use semver::Version;

/// Why a migration is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MigrateRefusal {
    /// The storage belongs to another contract (`stored`, by its cw2 name).
    WrongContract { expected: String, stored: String },
    /// The stored version is newer than the code's: a migration never goes back.
    NewerVersion { stored: String, current: String },
    /// A version (stored, or the code's) is not a semantic version.
    InvalidVersion { version: String },
}

fn parse(version: &str) -> Result<Version, MigrateRefusal> {
    version.parse().map_err(|_| MigrateRefusal::InvalidVersion {
        version: version.to_string(),
    })
}

/// The stored version to migrate from, when `stored_contract`/`stored_version` (the cw2
/// info) may be migrated to `contract`/`version`. The same version is allowed (nothing to
/// convert); comparisons are semver, never string comparisons.
pub fn upgrade_from(
    stored_contract: &str,
    stored_version: &str,
    contract: &str,
    version: &str,
) -> Result<Version, MigrateRefusal> {
    if stored_contract != contract {
        return Err(MigrateRefusal::WrongContract {
            expected: contract.to_string(),
            stored: stored_contract.to_string(),
        });
    }
    let from = parse(stored_version)?;
    if from > parse(version)? {
        return Err(MigrateRefusal::NewerVersion {
            stored: stored_version.to_string(),
            current: version.to_string(),
        });
    }
    Ok(from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_first_then_semver() {
        let up = |c, v| upgrade_from(c, v, "farthing-x", "0.10.0");
        assert_eq!(up("farthing-x", "0.9.0"), Ok(Version::new(0, 9, 0)));
        assert_eq!(up("farthing-x", "0.10.0"), Ok(Version::new(0, 10, 0)));
        // "0.9.0" > "0.10.0" as strings, not as versions.
        assert_eq!(
            up("farthing-x", "0.11.0-rc.1"),
            Err(MigrateRefusal::NewerVersion {
                stored: "0.11.0-rc.1".into(),
                current: "0.10.0".into()
            })
        );
        assert_eq!(
            up("farthing-y", "99.0.0"),
            Err(MigrateRefusal::WrongContract {
                expected: "farthing-x".into(),
                stored: "farthing-y".into()
            })
        );
        assert_eq!(
            up("farthing-x", "v1"),
            Err(MigrateRefusal::InvalidVersion {
                version: "v1".into()
            })
        );
        assert_eq!(
            upgrade_from("a", "1.0.0", "a", "one"),
            Err(MigrateRefusal::InvalidVersion {
                version: "one".into()
            })
        );
    }
}
