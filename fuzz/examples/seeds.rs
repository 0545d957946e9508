//! Writes the committed seed corpus: `cargo run --example seeds` (in fuzz/) writes
//! `corpus/<target>/<name>.json` (`.bin` when it is not JSON) for every seed of
//! `farthing_fuzz::seeds()`. Only such named files are committed (see .gitignore).

use std::path::Path;

fn main() -> std::io::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for (target, name, bytes) in farthing_fuzz::seeds() {
        let dir = root.join(target);
        std::fs::create_dir_all(&dir)?;
        let json = serde_json::from_slice::<serde_json::Value>(&bytes).is_ok();
        let ext = if json { "json" } else { "bin" };
        std::fs::write(dir.join(format!("{name}.{ext}")), bytes)?;
    }
    Ok(())
}
