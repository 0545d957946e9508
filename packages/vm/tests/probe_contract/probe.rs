//! A scripted CosmWasm 2.x contract for the router review tests (no dependencies, no_std).
//!
//! Built by `tests/router_review.rs` with the toolchain's own `rustc`
//! (`--target wasm32-unknown-unknown -C target-cpu=mvp`); it is not a Farthing contract.
//!
//! - `instantiate` / `execute`: the message *is* the answer: a `ContractResult<Response>`
//!   in JSON (`{"ok": {...}}` or `{"error": "..."}`), returned as sent. So a test scripts
//!   any response: sub-messages of every kind, attributes, events, data, errors.
//!   A message `{"?":<request>}` is a query probe instead: the probe writes `k` = `1` to its
//!   own storage, sends `<request>` to the chain as a `QueryRequest`, stores the
//!   querier's answer (a `SystemResult<ContractResult<Binary>>` in JSON) under `answer`, and
//!   answers an empty response.
//! - `reply`: stores the `Reply` it got (JSON) under `reply`, then answers what is stored
//!   under `reply_response` (a `ContractResult<Response>`), or an empty response.
//! - `query`: answers what is stored under `query_answer` (a `ContractResult<Binary>`), or
//!   `{"ok":"e30="}` (`{}`).
//!
//! Memory: a bump allocator over a static heap; `deallocate` frees nothing. Copies are
//! volatile byte loops so that no `memcpy` (bulk memory, which CosmWasm 2.x refuses) is
//! linked in.

#![no_std]

use core::panic::PanicInfo;

#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

#[repr(C)]
struct Region {
    offset: u32,
    capacity: u32,
    length: u32,
}

const HEAP_SIZE: usize = 4 << 20;
static mut HEAP: [u8; HEAP_SIZE] = [0; HEAP_SIZE];
static mut NEXT: usize = 0;

#[link(wasm_import_module = "env")]
extern "C" {
    fn db_read(key: u32) -> u32;
    fn db_write(key: u32, value: u32);
    fn query_chain(request: u32) -> u32;
}

fn alloc(size: usize) -> *mut Region {
    unsafe {
        let base = core::ptr::addr_of_mut!(HEAP) as *mut u8;
        let start = (NEXT + 7) & !7;
        let end = start + 12 + size;
        if end > HEAP_SIZE {
            core::arch::wasm32::unreachable()
        }
        NEXT = end;
        let region = base.add(start) as *mut Region;
        core::ptr::write_volatile(&mut (*region).offset, base.add(start + 12) as u32);
        core::ptr::write_volatile(&mut (*region).capacity, size as u32);
        core::ptr::write_volatile(&mut (*region).length, 0);
        region
    }
}

fn bytes(region: u32) -> (*const u8, usize) {
    let r = region as *const Region;
    unsafe {
        (
            core::ptr::read_volatile(&(*r).offset) as *const u8,
            core::ptr::read_volatile(&(*r).length) as usize,
        )
    }
}

/// A new region holding `src` from byte `skip` on.
fn region_of(src: (*const u8, usize), skip: usize) -> u32 {
    let len = src.1 - skip;
    let region = alloc(len);
    unsafe {
        let dst = core::ptr::read_volatile(&(*region).offset) as *mut u8;
        let mut i = 0;
        while i < len {
            core::ptr::write_volatile(dst.add(i), core::ptr::read_volatile(src.0.add(skip + i)));
            i += 1;
        }
        core::ptr::write_volatile(&mut (*region).length, len as u32);
    }
    region as u32
}

fn lit(s: &'static [u8]) -> u32 {
    region_of((s.as_ptr(), s.len()), 0)
}

const EMPTY: &[u8] = br#"{"ok":{"messages":[],"attributes":[],"events":[],"data":null}}"#;

#[no_mangle]
pub extern "C" fn interface_version_8() {}

#[no_mangle]
pub extern "C" fn allocate(size: usize) -> u32 {
    alloc(size) as u32
}

#[no_mangle]
pub extern "C" fn deallocate(_pointer: u32) {}

const QUERY_MODE: &[u8] = br#"{"?":"#;

fn handle(msg: u32) -> u32 {
    let m = bytes(msg);
    let mut i = 0;
    while i < QUERY_MODE.len() {
        if i >= m.1 || unsafe { core::ptr::read_volatile(m.0.add(i)) } != QUERY_MODE[i] {
            return msg;
        }
        i += 1;
    }
    unsafe {
        db_write(lit(b"k"), lit(b"1"));
        // `{"?":` ... `}`: the request is what lies between.
        let request = region_of((m.0, m.1 - 1), QUERY_MODE.len());
        let answer = query_chain(request);
        db_write(lit(b"answer"), answer);
    }
    lit(EMPTY)
}

#[no_mangle]
pub extern "C" fn instantiate(_env: u32, _info: u32, msg: u32) -> u32 {
    handle(msg)
}

#[no_mangle]
pub extern "C" fn execute(_env: u32, _info: u32, msg: u32) -> u32 {
    handle(msg)
}

#[no_mangle]
pub extern "C" fn reply(_env: u32, reply: u32) -> u32 {
    unsafe {
        db_write(lit(b"reply"), reply);
        let scripted = db_read(lit(b"reply_response"));
        if scripted != 0 {
            return scripted;
        }
    }
    lit(EMPTY)
}

#[no_mangle]
pub extern "C" fn query(_env: u32, _msg: u32) -> u32 {
    unsafe {
        let scripted = db_read(lit(b"query_answer"));
        if scripted != 0 {
            return scripted;
        }
    }
    lit(br#"{"ok":"e30="}"#)
}
