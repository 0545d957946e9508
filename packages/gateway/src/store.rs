//! The gateway's books in SQLite (WAL mode), written by one thread with group commit.
//!
//! A request is forwarded only after the write that charges it is committed: every
//! request waiting when the writer wakes is committed in one transaction, so the fsync
//! (with `durability = "full"`) or the WAL append (`"normal"`) is shared.
//!
//! Amounts are stored as 16-byte big-endian blobs, so that SQLite orders them as numbers.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;

use anyhow::{anyhow, Context as _, Result};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Deserialize;
use tokio::sync::oneshot;

use crate::ledger::Books;

/// How hard a commit is pushed to disk.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Durability {
    /// `synchronous=NORMAL`: a committed voucher survives a crash of the gateway process
    /// (the WAL is in the OS's hands); a power loss may lose the last commits.
    #[default]
    Normal,
    /// `synchronous=FULL`: every commit is fsynced; survives a power loss.
    Full,
}

/// One write.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// A request was charged: the channel's books, and the voucher that paid (kept for
    /// settlement).
    Charge {
        channel: u64,
        payer: String,
        books: Books,
        cumulative: u128,
        signature: Vec<u8>,
    },
    /// A charged request was not served (the upstream failed): the books go back.
    Refund { channel: u64, books: Books },
    /// The chain has `claimed` of the channel: vouchers up to it are no longer needed.
    Settled { channel: u64, claimed: u128 },
    /// A settlement transaction and what it claimed.
    Settlement {
        hash: String,
        at: u64,
        claims: u32,
        value: u128,
        gas: u64,
        outcome: String,
    },
}

/// A channel's row.
#[derive(Clone, Debug, PartialEq)]
pub struct ChannelRow {
    pub id: u64,
    pub payer: String,
    pub books: Books,
    /// Claimed on chain, as last seen.
    pub settled: u128,
}

/// A settlement transaction, as recorded.
#[derive(Clone, Debug, PartialEq)]
pub struct SettlementRow {
    pub hash: String,
    pub claims: u32,
    pub value: u128,
    pub gas: u64,
    pub outcome: String,
}

type Batch = (Vec<Op>, oneshot::Sender<Result<(), String>>);

/// The handle the server and the settler write through.
pub struct Store {
    path: PathBuf,
    tx: Option<mpsc::Sender<Batch>>,
    writer: Option<JoinHandle<()>>,
}

fn amount(n: u128) -> [u8; 16] {
    n.to_be_bytes()
}

fn read_amount(bytes: Vec<u8>) -> rusqlite::Result<u128> {
    let arr: [u8; 16] = bytes.try_into().map_err(|b: Vec<u8>| {
        rusqlite::Error::FromSqlConversionFailure(
            b.len(),
            rusqlite::types::Type::Blob,
            "an amount is 16 bytes".into(),
        )
    })?;
    Ok(u128::from_be_bytes(arr))
}

/// Channel ids are u64; SQLite integers are i64. The cast is a bijection.
fn id(n: u64) -> i64 {
    n as i64
}

fn open(path: &Path, durability: Durability) -> Result<Connection> {
    let conn = Connection::open(path).with_context(|| format!("database {}", path.display()))?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if mode != "wal" {
        return Err(anyhow!(
            "database {}: WAL mode refused ({mode})",
            path.display()
        ));
    }
    conn.execute_batch(match durability {
        Durability::Normal => "PRAGMA synchronous=NORMAL;",
        Durability::Full => "PRAGMA synchronous=FULL;",
    })?;
    Ok(conn)
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS channels (
    id INTEGER PRIMARY KEY,
    payer TEXT NOT NULL,
    spent BLOB NOT NULL,
    accepted BLOB NOT NULL,
    settled BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS vouchers (
    channel INTEGER NOT NULL,
    cumulative BLOB NOT NULL,
    signature BLOB NOT NULL,
    PRIMARY KEY (channel, cumulative)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS settlements (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    hash TEXT NOT NULL,
    at INTEGER NOT NULL,
    claims INTEGER NOT NULL,
    value BLOB NOT NULL,
    gas INTEGER NOT NULL,
    outcome TEXT NOT NULL
);
";

fn apply(tx: &rusqlite::Transaction, op: &Op) -> rusqlite::Result<()> {
    let zero = amount(0);
    match op {
        Op::Charge {
            channel,
            payer,
            books,
            cumulative,
            signature,
        } => {
            tx.prepare_cached(
                "INSERT INTO channels (id, payer, spent, accepted, settled) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT(id) DO UPDATE SET spent = ?3, accepted = ?4",
            )?
            .execute(params![
                id(*channel),
                payer,
                amount(books.spent),
                amount(books.accepted),
                zero
            ])?;
            tx.prepare_cached(
                "INSERT OR IGNORE INTO vouchers (channel, cumulative, signature) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![id(*channel), amount(*cumulative), signature])?;
        }
        Op::Refund { channel, books } => {
            tx.prepare_cached("UPDATE channels SET spent = ?2, accepted = ?3 WHERE id = ?1")?
                .execute(params![
                    id(*channel),
                    amount(books.spent),
                    amount(books.accepted)
                ])?;
        }
        Op::Settled { channel, claimed } => {
            tx.prepare_cached("UPDATE channels SET settled = ?2 WHERE id = ?1 AND settled < ?2")?
                .execute(params![id(*channel), amount(*claimed)])?;
            tx.prepare_cached("DELETE FROM vouchers WHERE channel = ?1 AND cumulative < ?2")?
                .execute(params![id(*channel), amount(*claimed)])?;
        }
        Op::Settlement {
            hash,
            at,
            claims,
            value,
            gas,
            outcome,
        } => {
            tx.prepare_cached(
                "INSERT INTO settlements (hash, at, claims, value, gas, outcome) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                hash,
                *at as i64,
                claims,
                amount(*value),
                *gas as i64,
                outcome
            ])?;
        }
    }
    Ok(())
}

/// The writer: waits for a batch, takes every other batch already queued, commits them
/// in one transaction and answers each.
fn writer(mut conn: Connection, rx: mpsc::Receiver<Batch>) {
    while let Ok(first) = rx.recv() {
        let mut batches = vec![first];
        while let Ok(more) = rx.try_recv() {
            batches.push(more);
            if batches.len() >= 4_096 {
                break;
            }
        }
        let result = (|| -> rusqlite::Result<()> {
            let tx = conn.transaction()?;
            for (ops, _) in &batches {
                for op in ops {
                    apply(&tx, op)?;
                }
            }
            tx.commit()
        })();
        let result = result.map_err(|e| format!("database write failed: {e}"));
        for (_, reply) in batches {
            let _ = reply.send(result.clone());
        }
    }
}

impl Store {
    /// Opens (creates) the database at `path` and starts its writer.
    pub fn open(path: &Path, durability: Durability) -> Result<Store> {
        let conn = open(path, durability)?;
        conn.execute_batch(SCHEMA)?;
        let (tx, rx) = mpsc::channel::<Batch>();
        let writer = std::thread::Builder::new()
            .name("gateway-store".into())
            .spawn(move || writer(conn, rx))?;
        Ok(Store {
            path: path.to_path_buf(),
            tx: Some(tx),
            writer: Some(writer),
        })
    }

    /// Commits `ops` (atomically, perhaps with other callers' writes); returns once they
    /// are committed.
    pub async fn write(&self, ops: Vec<Op>) -> Result<()> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .as_ref()
            .ok_or_else(|| anyhow!("the store is closed"))?
            .send((ops, reply))
            .map_err(|_| anyhow!("the store's writer stopped"))?;
        answer
            .await
            .map_err(|_| anyhow!("the store's writer stopped"))?
            .map_err(|e| anyhow!(e))
    }

    /// A read-only connection (WAL readers do not block the writer).
    pub fn reader(&self) -> Result<Reader> {
        let conn = Connection::open_with_flags(
            &self.path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(Reader { conn })
    }

    /// Stops the writer once the queued writes are committed.
    pub fn close(&mut self) {
        self.tx.take();
        if let Some(w) = self.writer.take() {
            let _ = w.join();
        }
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        self.close();
    }
}

/// Reads of the books.
pub struct Reader {
    conn: Connection,
}

impl Reader {
    /// Every channel the gateway has charged.
    pub fn channels(&self) -> Result<Vec<ChannelRow>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, payer, spent, accepted, settled FROM channels ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok(ChannelRow {
                id: r.get::<_, i64>(0)? as u64,
                payer: r.get(1)?,
                books: Books {
                    spent: read_amount(r.get(2)?)?,
                    accepted: read_amount(r.get(3)?)?,
                },
                settled: read_amount(r.get(4)?)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The highest voucher of `channel` whose cumulative is at most `limit`: what may be
    /// claimed without charging for a request that was not served.
    pub fn best_at_most(&self, channel: u64, limit: u128) -> Result<Option<(u128, Vec<u8>)>> {
        let found = self
            .conn
            .prepare_cached(
                "SELECT cumulative, signature FROM vouchers WHERE channel = ?1 AND cumulative <= ?2
                 ORDER BY cumulative DESC LIMIT 1",
            )?
            .query_row(params![id(channel), amount(limit)], |r| {
                Ok((read_amount(r.get(0)?)?, r.get::<_, Vec<u8>>(1)?))
            })
            .optional()?;
        Ok(found)
    }

    /// How many vouchers are held (all channels).
    pub fn voucher_count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM vouchers", [], |r| r.get::<_, i64>(0))?
            as u64)
    }

    /// Settlement transactions recorded, oldest first.
    pub fn settlements(&self) -> Result<Vec<SettlementRow>> {
        let mut stmt = self
            .conn
            .prepare("SELECT hash, claims, value, gas, outcome FROM settlements ORDER BY seq")?;
        let rows = stmt.query_map([], |r| {
            Ok(SettlementRow {
                hash: r.get(0)?,
                claims: r.get(1)?,
                value: read_amount(r.get(2)?)?,
                gas: r.get::<_, i64>(3)? as u64,
                outcome: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charge(channel: u64, spent: u128, accepted: u128, cumulative: u128) -> Op {
        Op::Charge {
            channel,
            payer: "wasm1payer".into(),
            books: Books { spent, accepted },
            cumulative,
            signature: vec![cumulative as u8; 64],
        }
    }

    #[tokio::test]
    async fn books_and_vouchers_survive_a_reopen_and_settlement_prunes() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("g.sqlite");
        {
            let store = Store::open(&path, Durability::Full).expect("open");
            store
                .write(vec![charge(1, 10, 10, 10)])
                .await
                .expect("write");
            store
                .write(vec![charge(1, 20, 30, 30), charge(2, 5, 5, 5)])
                .await
                .expect("write");
            // An amount above 2^64 orders as a number, not as text.
            store
                .write(vec![charge(3, 1 << 70, 1 << 70, 1 << 70)])
                .await
                .expect("write");
        }
        let store = Store::open(&path, Durability::Normal).expect("reopen");
        let r = store.reader().expect("reader");
        let rows = r.channels().expect("rows");
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[0].books,
            Books {
                spent: 20,
                accepted: 30
            }
        );
        // Spent is 20: the voucher of 30 pays for credit not yet used, so 10 is claimed.
        assert_eq!(r.best_at_most(1, 20).expect("best").map(|b| b.0), Some(10));
        assert_eq!(r.best_at_most(1, 30).expect("best").map(|b| b.0), Some(30));
        assert_eq!(r.best_at_most(1, 9).expect("best"), None);
        assert_eq!(
            r.best_at_most(3, u128::MAX).expect("best").map(|b| b.0),
            Some(1 << 70)
        );
        store
            .write(vec![Op::Settled {
                channel: 1,
                claimed: 30,
            }])
            .await
            .expect("settled");
        assert_eq!(r.best_at_most(1, 30).expect("best").map(|b| b.0), Some(30));
        assert_eq!(r.best_at_most(1, 29).expect("best"), None);
        assert_eq!(r.channels().expect("rows")[0].settled, 30);
        // Settled never goes back.
        store
            .write(vec![Op::Settled {
                channel: 1,
                claimed: 10,
            }])
            .await
            .expect("settled");
        assert_eq!(r.channels().expect("rows")[0].settled, 30);
    }

    #[tokio::test]
    async fn parallel_writers_are_group_committed_and_all_answered() {
        let dir = tempfile::tempdir().expect("dir");
        let store = std::sync::Arc::new(
            Store::open(&dir.path().join("g.sqlite"), Durability::Normal).expect("open"),
        );
        let mut tasks = vec![];
        for i in 1..=200u64 {
            let s = store.clone();
            tasks.push(tokio::spawn(async move {
                s.write(vec![charge(i, i as u128, i as u128, i as u128)])
                    .await
            }));
        }
        for t in tasks {
            t.await.expect("join").expect("write");
        }
        let r = store.reader().expect("reader");
        assert_eq!(r.channels().expect("rows").len(), 200);
        assert_eq!(r.voucher_count().expect("count"), 200);
    }
}
