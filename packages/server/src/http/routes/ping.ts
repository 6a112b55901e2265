import type { FastifyInstance } from 'fastify';
import { routeSchema } from '../schemas.js';

export function pingRoutes(app: FastifyInstance): void {
  app.get(
    '/ping',
    { schema: routeSchema({ summary: 'PING test', tags: ['misc'], security: [], response: { 200: { type: 'string', description: 'pong' } } }) },
    async (_request, reply) => reply.type('text/plain; charset=utf-8').send('pong'),
  );
}
