// The floor: the least any Worker can do for the benchmark's requests under `wrangler dev`. No
// routing, no token, no database: it reads the body of a POST, answers the fixed page of
// fixed-tasks.json (or its first task, 201, for a POST) and logs the same one line per request as
// both Workers. Its CPU per request is what workerd, its local request path and the log line cost
// by themselves; each Worker's own code costs what it spends above this.
import tasks from './fixed-tasks.json';

const page = JSON.stringify(tasks);
const one = JSON.stringify(tasks[0]);

export default {
  async fetch(request) {
    const started = Date.now();
    const post = request.method === 'POST';
    if (post) await request.text();
    const response = new Response(post ? one : page, {
      status: post ? 201 : 200,
      headers: { 'Content-Type': 'application/json' },
    });
    console.log(
      JSON.stringify({
        code: null,
        duration_ms: Date.now() - started,
        method: request.method,
        route: '/api/{user_id}/tasks',
        status: response.status,
      }),
    );
    return response;
  },
};
