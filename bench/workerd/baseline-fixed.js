// The baseline (baseline.js, unchanged) with its D1 binding replaced by a fixed result: the same
// Hono routing, hono/jwt verification, validation, row conversion, JSON and log line, but no
// database. Measured beside baseline.js, it splits the baseline's cost per request into its own
// code and D1's. The rows are the 20 tasks of fixed-tasks.json, as D1 returns them (completed as
// 0/1, tags as JSON text); the TaskGate Worker's `bench-fixed-store` build serves the same page.
import app from './baseline.js';
import tasks from './fixed-tasks.json';

const rows = tasks.map((t) => ({ ...t, completed: t.completed ? 1 : 0, tags: JSON.stringify(t.tags) }));
const count = [{ n: rows.length }];

class Statement {
  constructor(sql) {
    this.sql = sql;
  }
  bind(...values) {
    this.values = values;
    return this;
  }
  async first() {
    return rows[0];
  }
  async all() {
    return { results: this.sql.includes('count(*)') ? count : rows, success: true, meta: {} };
  }
}

const DB = {
  prepare: (sql) => new Statement(sql),
  batch: (statements) => Promise.all(statements.map((s) => s.all())),
};

export default {
  fetch: (request, env, ctx) => app.fetch(request, { ...env, DB }, ctx),
};
