import type { FastifyInstance } from 'fastify';

export async function eventsPages(_app: FastifyInstance): Promise<void> {}
