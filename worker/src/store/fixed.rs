//! For the benchmarks only (`--features bench-fixed-store`, never deployed): [`FixedStore`]
//! answers every call from a fixed result without touching D1, so the Worker's own cost per
//! request (routing, verification, input, headers, logging) can be measured apart from the
//! database's. Its page is `bench/workerd/fixed-tasks.json`, the 20 tasks the benchmark seeds,
//! which the JavaScript baseline's fixed variant serves too.

use worker::Env;

use super::{Caller, TaskStore, sql};
use crate::error::ApiError;
use crate::input::{NewTask, TaskPatch};
use crate::query::ListQuery;
use crate::response::RawJson;

/// The page every list answers.
const PAGE: &str = include_str!("../../../bench/workerd/fixed-tasks.json");

/// The first task of the page: what every single-task call answers.
fn one() -> RawJson {
    let end = PAGE.find("},{").map_or(PAGE.len() - 1, |i| i + 1);
    RawJson(PAGE[1..end].to_owned())
}

/// Anyone's tasks: always the same ones.
pub struct FixedStore;

impl FixedStore {
    /// Anyone's store.
    pub fn open(_env: &Env, _user: &str, _caller: Caller) -> Result<Self, ApiError> {
        Ok(Self)
    }
}

impl TaskStore for FixedStore {
    /// Does the Rust work the D1 store does for a list before the database (the filter and
    /// the statement's shape), then answers the page.
    async fn list(&self, q: &ListQuery) -> Result<(RawJson, u64), ApiError> {
        let _ = (sql::filter(q), q.shape());
        Ok((RawJson(PAGE.trim_end().to_owned()), 20))
    }

    async fn create(&self, _t: &NewTask) -> Result<(i64, RawJson), ApiError> {
        Ok((20, one()))
    }

    async fn get(&self, _id: i64) -> Result<Option<RawJson>, ApiError> {
        Ok(Some(one()))
    }

    async fn exists(&self, _id: i64) -> Result<bool, ApiError> {
        Ok(true)
    }

    async fn update(&self, _id: i64, _p: &TaskPatch) -> Result<Option<RawJson>, ApiError> {
        Ok(Some(one()))
    }

    async fn set_completed(&self, _id: i64, _completed: Option<bool>) -> Result<Option<RawJson>, ApiError> {
        Ok(Some(one()))
    }

    async fn delete(&self, _id: i64) -> Result<bool, ApiError> {
        Ok(true)
    }
}
