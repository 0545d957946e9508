//! `cargo run -p farthing-demo`: plays the Farthing story (see the library) and prints it.

fn main() -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    farthing_demo::play(&mut stdout.lock())?;
    Ok(())
}
