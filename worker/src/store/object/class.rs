//! [`UserTasks`]: the Durable Object class of the object store, one object per user. Its SQLite
//! storage holds the same tables as D1 (the same migrations, applied inside the object when it
//! first starts), and it answers each [`Message`] with the same [`SqliteStore`] as D1, so both
//! stores give the same answers. An object holds one user: the first it serves is recorded, and
//! a message for anyone else is refused.

use std::cell::RefCell;
use std::rc::Rc;

use worker::js_sys::{Function, Reflect};
use worker::wasm_bindgen::JsValue;
use worker::wasm_bindgen::closure::Closure;
use worker::{Date, DurableObject, Env, Request, Response, SqlStorage, SqlStorageValue, State, durable_object};

use taskgate_verify::host::revocation::Revocations;

use super::protocol::{BLOCK_BITS, Call, FIRST_BLOCK, ID_ALLOCATOR, Message, Op, Reply};
use crate::error::ApiError;
use crate::response::RawJson;
use crate::store::database::{Cell, Database, Row, Statement, failed, int, number_at, text};
use crate::store::sqlite::{self, SqliteStore};
use crate::store::{TaskStore, sql};

/// The D1 migrations (`../migrations`), in order: the object's schema is D1's.
const MIGRATIONS: [(&str, &str); 2] = [
    ("0001_tasks.sql", include_str!("../../../../migrations/0001_tasks.sql")),
    ("0002_revocations.sql", include_str!("../../../../migrations/0002_revocations.sql")),
];

/// The object's own bookkeeping: `owner` (the user it holds) and `migration:<file>` (applied).
const META: &str =
    "CREATE TABLE IF NOT EXISTS taskgate_object (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID";

/// One user's tasks and revocations (binding `USER_TASKS`, SQLite storage: `wrangler.toml`).
#[durable_object(alarm)]
pub struct UserTasks {
    state: State,
    env: Env,
    storage: Storage,
    /// Whether the schema is in place (when not, logged once, and every call answers 500).
    ready: bool,
    /// The user this object holds, once it has held one.
    owner: RefCell<Option<String>>,
    /// The end of the object's block of ids (exclusive), while ids are left in it; kept in
    /// `taskgate_object` too, read once when the object starts.
    ids_end: std::cell::Cell<Option<i64>>,
}

impl DurableObject for UserTasks {
    fn new(state: State, env: Env) -> Self {
        let storage = Storage::of(&state);
        let sql = storage.sql.clone();
        let schema = storage.transaction(move || migrate(&sql));
        if schema.is_err() {
            let _ = failed("schema");
        }
        let held = schema.as_ref().ok().cloned().unwrap_or_default();
        Self {
            ready: schema.is_ok(),
            owner: RefCell::new(held.owner),
            ids_end: std::cell::Cell::new(held.ids_end),
            state,
            env,
            storage,
        }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let reply = match req.bytes().await {
            Ok(body) => self.serve(&body).await,
            Err(_) => Err(failed("object")),
        };
        Ok(reply.map_or_else(ApiError::into_response, Reply::into_response))
    }

    /// Forgets the revocations whose `until` has passed, and wakes again for the next one.
    async fn alarm(&self) -> worker::Result<Response> {
        let now = Date::now().as_millis() / 1000;
        let outcome = match sqlite::purge(&self.storage, now).await {
            Ok(()) => self.arm().await.map(|()| "ok"),
            Err(e) => Err(e),
        };
        worker::console_log!(r#"{{"event":"purge","outcome":"{}"}}"#, outcome.unwrap_or("failed"));
        Response::empty()
    }
}

impl UserTasks {
    /// Answers one message.
    async fn serve(&self, body: &[u8]) -> Result<Reply, ApiError> {
        if !self.ready {
            return Err(failed("schema"));
        }
        let message: Message = serde_json::from_slice(body).map_err(|_| failed("message"))?;
        match message.call {
            Call::Ping => {
                self.storage.rows(Statement::Once, || sql::PING.to_owned(), &[]).await?;
                return Ok(Reply::Nothing);
            }
            Call::Block => return self.next_block().map(|b| Reply::Json(RawJson(b.to_string()))),
            _ => {}
        }
        self.hold(&message.user)?;
        let storage = self.storage.clone();
        match message.call {
            Call::Task { caller, op } => {
                if let Op::Create(_) = op {
                    self.ensure_ids().await?;
                }
                let reply = run(&SqliteStore::new(storage, &message.user, caller), op).await?;
                if let Reply::Created(id, _) = reply {
                    self.used(id)?;
                }
                Ok(reply)
            }
            Call::Revoke(body) => {
                let revocations = Revocations::parse(&body).map_err(|_| failed("message"))?;
                let subs = revocations.sessions.iter().map(|s| &s.sub).chain(revocations.users.iter().map(|u| &u.sub));
                if subs.into_iter().any(|sub| *sub != message.user) {
                    return Err(failed("wrong object"));
                }
                sqlite::revoke(&storage, &revocations).await?;
                self.arm().await?;
                Ok(Reply::Nothing)
            }
            Call::Export { after, through, limit } => sqlite::export(&storage, &message.user, after, through, limit)
                .await
                .map(|rows| Reply::Json(RawJson(rows))),
            Call::Import(rows) => count(sqlite::import(&storage, &message.user, &rows).await),
            Call::Forget(rows) => count(sqlite::forget(&storage, &message.user, &rows).await),
            Call::Revocations => {
                sqlite::export_revocations(&storage, &message.user).await.map(|r| Reply::Json(RawJson(r)))
            }
            Call::Ping | Call::Block => Ok(Reply::Nothing),
        }
    }

    /// Refuses a message for a user this object does not hold; the first user it serves, it holds.
    fn hold(&self, user: &str) -> Result<(), ApiError> {
        let mut owner = self.owner.borrow_mut();
        match owner.as_deref() {
            Some(held) if held == user => Ok(()),
            Some(_) => Err(failed("wrong object")),
            None if user.is_empty() => Err(failed("wrong object")),
            None => {
                exec(
                    &self.storage.sql,
                    "INSERT INTO taskgate_object (key, value) VALUES ('owner', ?1)",
                    vec![text(user)],
                )
                .map_err(|_| failed("sql"))?;
                *owner = Some(user.to_owned());
                Ok(())
            }
        }
    }

    /// As the id allocator: the next block (a transaction: each block is given once).
    fn next_block(&self) -> Result<i64, ApiError> {
        let sql = self.storage.sql.clone();
        self.storage
            .transaction(move || {
                let rows = exec(&sql, "SELECT value FROM taskgate_object WHERE key = 'next_block'", vec![])?;
                let block = match rows.first().and_then(|r| r.first()) {
                    Some(Cell::Text(b)) => b.parse().map_err(|_| JsValue::NULL)?,
                    _ => FIRST_BLOCK,
                };
                let next = (block + 1).to_string();
                exec(
                    &sql,
                    "INSERT OR REPLACE INTO taskgate_object (key, value) VALUES ('next_block', ?1)",
                    vec![text(&next)],
                )?;
                Ok(block)
            })
            .map_err(|_| failed("sql"))
    }

    /// Before an insert: when the object has no ids left in its block, takes a new block (see
    /// [`allocate`]). Concurrent inserts wait for one allocation (`blockConcurrencyWhile`).
    async fn ensure_ids(&self) -> Result<(), ApiError> {
        if self.ids_end.get().is_some() {
            return Ok(());
        }
        let owner = self.owner.borrow().clone().unwrap_or_default();
        let allocation = allocate(self.storage.clone(), self.env.clone(), owner);
        // Errors come back as values: an `Err` here would reset the object.
        let end = self
            .state
            .block_concurrency_while(async move { Ok(allocation.await) })
            .await
            .map_err(|_| failed("ids"))??;
        self.ids_end.set(Some(end));
        Ok(())
    }

    /// After an insert gave `id`: when it was the block's last, the next insert takes a new block.
    fn used(&self, id: i64) -> Result<(), ApiError> {
        match self.ids_end.get() {
            Some(end) if id + 1 < end => Ok(()),
            _ => {
                self.ids_end.set(None);
                exec(&self.storage.sql, "DELETE FROM taskgate_object WHERE key = 'ids_end'", vec![])
                    .map(|_| ())
                    .map_err(|_| failed("sql"))
            }
        }
    }

    /// Sets the alarm for when the earliest revocation kept here may be forgotten (none: no alarm).
    async fn arm(&self) -> Result<(), ApiError> {
        let earliest = "SELECT min(k) FROM (SELECT min(keep_until) AS k FROM revoked_sessions \
                        UNION ALL SELECT min(keep_until) FROM revoked_users)";
        let rows = self.storage.rows(Statement::Once, || earliest.to_owned(), &[]).await?;
        let Some(Ok(until)) = rows.first().map(|row| number_at(row, 0)) else { return Ok(()) };
        // `until` is in seconds; an entry goes once `until < now`.
        let at = worker::js_sys::Date::new(&JsValue::from_f64((until + 1.0) * 1000.0));
        self.state.storage().set_alarm(worker::ScheduledTime::new(at)).await.map_err(|_| failed("alarm"))
    }
}

/// The bookkeeping value of `key`, if set.
fn meta(sql: &SqlStorage, key: &str) -> Result<Option<String>, ApiError> {
    let rows =
        exec(sql, "SELECT value FROM taskgate_object WHERE key = ?1", vec![text(key)]).map_err(|_| failed("sql"))?;
    Ok(rows.into_iter().next().and_then(|r| r.into_iter().next()).and_then(|c| match c {
        Cell::Text(s) => Some(s),
        _ => None,
    }))
}

/// Takes a block of ids from the allocator object for `owner`'s object (unless one was taken
/// meanwhile) and makes the next id its first: SQLite's `AUTOINCREMENT` goes on from the highest
/// id it has given, so a row at the block's start minus one, inserted and deleted in one
/// transaction, moves it there. The block's end.
async fn allocate(storage: Storage, env: Env, owner: String) -> Result<i64, ApiError> {
    if let Some(end) = meta(&storage.sql, "ids_end")?.and_then(|end| end.parse().ok()) {
        return Ok(end);
    }
    let stub = super::client::stub(&env, ID_ALLOCATOR)?;
    let reply = super::client::send(&stub, &Message { user: String::new(), call: Call::Block }).await?;
    let block: i64 = match reply {
        Reply::Json(RawJson(b)) => b.parse().map_err(|_| failed("ids"))?,
        _ => return Err(failed("ids")),
    };
    let (start, end) = (block << BLOCK_BITS, (block + 1) << BLOCK_BITS);
    let sql = storage.sql.clone();
    storage
        .transaction(move || {
            let mark = vec![int(start - 1), text(&owner)];
            exec(
                &sql,
                "INSERT INTO tasks (id, user_id, title, title_folded, created_at, updated_at) \
                 SELECT ?1, ?2, '', '', '', '' WHERE ?1 > coalesce((SELECT max(id) FROM tasks), 0)",
                mark,
            )?;
            exec(&sql, "DELETE FROM tasks WHERE id = ?1 AND title = '' AND created_at = ''", vec![int(start - 1)])?;
            exec(
                &sql,
                "INSERT OR REPLACE INTO taskgate_object (key, value) VALUES ('ids_end', ?1)",
                vec![text(&end.to_string())],
            )?;
            Ok(end)
        })
        .map_err(|_| failed("ids"))
}

/// A count, as a reply.
fn count(n: Result<u64, ApiError>) -> Result<Reply, ApiError> {
    n.map(|n| Reply::Json(RawJson(n.to_string())))
}

/// Runs `op` on `store`.
async fn run(store: &SqliteStore<Storage>, op: Op) -> Result<Reply, ApiError> {
    let task = |t: Option<RawJson>| t.map_or(Reply::Nothing, Reply::Json);
    let flag = |b: bool| Reply::Json(RawJson(b.to_string()));
    Ok(match op {
        Op::List(q) => {
            let (page, total) = store.list(&q).await?;
            Reply::Page(page, total)
        }
        Op::Create(t) => {
            let (id, task) = store.create(&t).await?;
            Reply::Created(id, task)
        }
        Op::Get(id) => task(store.get(id).await?),
        Op::Exists(id) => flag(store.exists(id).await?),
        Op::Update(id, p) => task(store.update(id, &p).await?),
        Op::SetCompleted(id, completed) => task(store.set_completed(id, completed).await?),
        Op::Delete(id) => flag(store.delete(id).await?),
    })
}

/// What an object's bookkeeping says when it starts.
#[derive(Clone, Default)]
struct Held {
    /// The user it holds, if any.
    owner: Option<String>,
    /// The end of its block of ids, if ids are left in it.
    ids_end: Option<i64>,
}

/// Creates the bookkeeping table and applies the migrations not yet applied: what the object
/// holds. Two statements when the object is up to date (each time an object starts).
fn migrate(sql: &SqlStorage) -> Result<Held, JsValue> {
    exec(sql, META, vec![])?;
    let mut applied = Vec::new();
    let mut held = Held::default();
    let rows = exec(
        sql,
        "SELECT key, value FROM taskgate_object WHERE key IN ('owner', 'ids_end') OR key LIKE 'migration:%'",
        vec![],
    )?;
    for row in rows {
        let mut cells = row.into_iter();
        match (cells.next(), cells.next()) {
            (Some(Cell::Text(key)), Some(Cell::Text(value))) if key == "owner" => held.owner = Some(value),
            (Some(Cell::Text(key)), Some(Cell::Text(value))) if key == "ids_end" => held.ids_end = value.parse().ok(),
            (Some(Cell::Text(key)), _) => applied.push(key),
            _ => {}
        }
    }
    for (name, text_of) in MIGRATIONS {
        let key = format!("migration:{name}");
        if !applied.contains(&key) {
            exec(sql, text_of, vec![])?;
            exec(sql, "INSERT INTO taskgate_object (key, value) VALUES (?1, 'applied')", vec![text(&key)])?;
        }
    }
    Ok(held)
}

/// The object's SQLite storage as a [`Database`]. Its calls are synchronous: a batch runs inside
/// one `transactionSync` (all or nothing).
#[derive(Clone)]
pub struct Storage {
    sql: SqlStorage,
    /// The `DurableObjectStorage` itself, for `transactionSync`.
    raw: JsValue,
}

impl Storage {
    /// The storage of the object of `state`.
    fn of(state: &State) -> Self {
        let storage = state.storage();
        Self { sql: storage.sql(), raw: AsRef::<JsValue>::as_ref(storage.as_raw()).clone() }
    }

    /// Runs `f` inside `transactionSync`: rolled back when it fails.
    fn transaction<T: 'static>(&self, f: impl FnOnce() -> Result<T, JsValue> + 'static) -> Result<T, JsValue> {
        let run: Function = Reflect::get(&self.raw, &JsValue::from_str("transactionSync"))?.into();
        let result = Rc::new(RefCell::new(None));
        let out = result.clone();
        let closure = Closure::once(move || -> Result<(), JsValue> {
            *out.borrow_mut() = Some(f()?);
            Ok(())
        });
        run.call1(&self.raw, closure.as_ref())?;
        result.borrow_mut().take().ok_or(JsValue::NULL)
    }
}

impl Database for Storage {
    async fn rows(
        &self,
        _key: Statement,
        sql: impl FnOnce() -> String,
        params: &[JsValue],
    ) -> Result<Vec<Row>, ApiError> {
        // The storage keeps its own cache of prepared statements, by text.
        exec(&self.sql, &sql(), params.to_vec()).map_err(|_| failed("sql"))
    }

    async fn batch(&self, statements: Vec<(String, Vec<JsValue>)>) -> Result<(), ApiError> {
        let sql = self.sql.clone();
        self.transaction(move || {
            for (text, params) in statements {
                exec(&sql, &text, params)?;
            }
            Ok(())
        })
        .map_err(|_| failed("sql"))
    }
}

/// Runs `sql` with `params`: every row (the cursor read to its end, so the statement completes).
fn exec(sql: &SqlStorage, query: &str, params: Vec<JsValue>) -> Result<Vec<Row>, JsValue> {
    let cursor = sql.exec_raw(query, params).map_err(JsValue::from)?;
    cursor.raw().map(|row| row.map_err(JsValue::from).map(|cells| cells.into_iter().map(cell).collect())).collect()
}

/// A storage value as a [`Cell`].
fn cell(v: SqlStorageValue) -> Cell {
    match v {
        SqlStorageValue::Null | SqlStorageValue::Blob(_) => Cell::Null,
        SqlStorageValue::Boolean(b) => Cell::Number(f64::from(u8::from(b))),
        SqlStorageValue::Integer(n) => Cell::Number(n as f64),
        SqlStorageValue::Float(n) => Cell::Number(n),
        SqlStorageValue::String(s) => Cell::Text(s),
    }
}

#[cfg(test)]
mod tests {
    use super::MIGRATIONS;

    #[test]
    fn the_object_applies_every_d1_migration_in_order() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|name| name.ends_with(".sql"))
            .collect();
        files.sort();
        let names: Vec<&str> = MIGRATIONS.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, files);
    }
}
