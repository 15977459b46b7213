// The JavaScript baseline users would write instead: Hono + hono/jwt + D1, the same schema
// (../../migrations) and the same routes and checks as the TaskGate Worker's hot paths
// (GET and POST /api/:user/tasks), for the load comparison in bench/workerd/load.mjs.
import { Hono } from 'hono';
import { verify } from 'hono/jwt';

const app = new Hono();
const json = (c, status, body) => c.json(body, status);

// The same structured log line per request as the TaskGate Worker (fair comparison).
app.use('*', async (c, next) => {
  const started = Date.now();
  await next();
  let code = null;
  if (c.res.status >= 400)
    code =
      (
        await c.res
          .clone()
          .json()
          .catch(() => ({}))
      ).code ?? null;
  console.log(
    JSON.stringify({
      code,
      duration_ms: Date.now() - started,
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
    }),
  );
});

app.use('/api/:user/*', async (c, next) => {
  const auth = c.req.header('Authorization') ?? '';
  const m = /^bearer +(.+)$/i.exec(auth);
  if (!m) return json(c, 401, { detail: 'Send a bearer token.', code: 'missing_token' });
  let payload;
  try {
    payload = await verify(m[1], c.env.BETTER_AUTH_SECRET, 'HS256');
  } catch {
    return json(c, 401, { detail: 'Invalid token.', code: 'invalid_token' });
  }
  if (typeof payload.sub !== 'string' || payload.sub !== c.req.param('user')) {
    return json(c, 403, { detail: 'Forbidden.', code: 'forbidden' });
  }
  await next();
});

const COLUMNS = 'id, user_id, title, description, completed, priority, due_date, tags, created_at, updated_at';
const toTask = (r) => ({ ...r, completed: r.completed === 1, tags: JSON.parse(r.tags) });

app.get('/api/:user/tasks', async (c) => {
  const user = c.req.param('user');
  const limit = Number(c.req.query('limit') ?? 50);
  const offset = Number(c.req.query('offset') ?? 0);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200 || !Number.isInteger(offset) || offset < 0) {
    return json(c, 422, { detail: 'Bad query.', code: 'invalid_query' });
  }
  const [page, count] = await c.env.DB.batch([
    c.env.DB.prepare(
      `SELECT ${COLUMNS} FROM tasks WHERE user_id = ?1 ORDER BY created_at DESC, id DESC LIMIT ?2 OFFSET ?3`,
    ).bind(user, limit, offset),
    c.env.DB.prepare('SELECT count(*) AS n FROM tasks WHERE user_id = ?1').bind(user),
  ]);
  c.header('X-Total-Count', String(count.results[0].n));
  return c.json(page.results.map(toTask));
});

app.post('/api/:user/tasks', async (c) => {
  let body;
  try {
    body = await c.req.json();
  } catch {
    return json(c, 422, { detail: 'Not JSON.', code: 'invalid_json' });
  }
  const title = typeof body?.title === 'string' ? body.title.trim() : '';
  if (!title || title.length > 200)
    return json(c, 422, {
      detail: 'Bad title.',
      code: 'validation_failed',
      fields: { title: 'must be 1-200 characters' },
    });
  const now = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
  const row = await c.env.DB.prepare(
    `INSERT INTO tasks (user_id, title, description, completed, priority, due_date, tags, title_folded, description_folded, created_at, updated_at)
     VALUES (?1, ?2, NULL, 0, 'medium', NULL, '[]', ?3, '', ${now}, ${now}) RETURNING ${COLUMNS}`,
  )
    .bind(c.req.param('user'), title, title.toLowerCase())
    .first();
  c.header('Location', `/api/${c.req.param('user')}/tasks/${row.id}`);
  return c.json(toTask(row), 201);
});

app.get('/health', (c) => c.json({ status: 'ok' }));

export default app;
