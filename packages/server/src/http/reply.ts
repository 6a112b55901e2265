import type { FastifyReply } from 'fastify';

/** Semaphore labels even its 204s `application/json`; some clients check. */
export function noContent(reply: FastifyReply): FastifyReply {
  return reply.code(204).header('content-type', 'application/json').send();
}
