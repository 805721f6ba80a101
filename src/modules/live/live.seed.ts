import type { ServiceContext } from '../../platform/context.ts';
import { createLiveSession } from './live.service.ts';

/**
 * One demo live session, so that a first visit can try the live pages. Its panellists are invented
 * and say so; the event id is a placeholder until the events module's programme is linked.
 */
export async function seedDemoLiveSession(ctx: ServiceContext): Promise<void> {
  const start = new Date(ctx.clock.now());
  start.setUTCHours(start.getUTCHours() + 1, 0, 0, 0);
  await createLiveSession(ctx, {
    eventId: 'demo-event',
    title: 'Demo: hybrid round table on cyber capacity building in small island states',
    startsAt: start,
    endsAt: new Date(start.getTime() + 90 * 60 * 1000),
    timeZone: 'UTC',
    room: 'Demo room 1',
    isDemo: true,
    speakers: [
      { name: 'Demo panellist A (invented)', stakeholderGroup: 'government' },
      { name: 'Demo panellist B (invented)', stakeholderGroup: 'civil-society', origin: 'remote' },
      { name: 'Demo panellist C (invented)', stakeholderGroup: 'technical-community' },
      { name: 'Demo panellist D (invented)', stakeholderGroup: 'private-sector', origin: 'remote' },
    ],
  });
}
