//! `cargo run -p farthing-demo`: plays the Farthing story (see the library) and prints it:
//! acts 1 to 5 on farthing-vm, then act 6, the paid API behind the gateway, on a devnode.

fn main() -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    farthing_demo::play(&mut out)?;
    farthing_demo::gateway::play(&mut out)?;
    Ok(())
}
