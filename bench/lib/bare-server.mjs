// The framework's ceiling: a bare Fastify 5 server answering GET /api/user
// with a fixed JSON body (the one semauth returns), no authentication, no
// hooks, no logging. Usage: node bare-server.mjs PORT  (body on stdin).
import Fastify from 'fastify';

const port = Number(process.argv[2]);
let text = '';
for await (const chunk of process.stdin) text += chunk;
const body = JSON.parse(text);

const app = Fastify({ logger: false });
app.get('/api/user', async () => body);
app.get('/api/ping', async (_req, reply) => reply.type('text/plain; charset=utf-8').send('pong'));
await app.listen({ host: '127.0.0.1', port });
process.on('SIGTERM', () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
