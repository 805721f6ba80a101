/**
 * Events plug into the awareness module: calls for proposals closing reach the public calendars (a
 * proposer's unsent drafts their private one), events the sitemap, and "events" is a saved-search
 * kind with an Atom feed and alert digests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFeed } from '@rowanmanning/feed-parser';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.ts';
import {
  calendarEvents,
  mailTextsTo,
  saveDailySearch,
  sitemapUrls,
} from '../../../test/helpers/awareness.ts';
import { createTestUser, signedInAgent, type TestUser } from '../../../test/helpers/auth.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { ManualClock } from '../../platform/clock.ts';
import { resetCalendarLink, sendDigests } from '../awareness/index.ts';
import { createCall, createEvent, saveProposal, type Call, type EventRecord } from './index.ts';

const BASE = 'https://commons.example';

describe.each(databaseKinds())('events in calendars, feeds and the sitemap on %s', (kind) => {
  let env: TestEnv;
  const clock = new ManualClock(new Date('2025-02-01T09:00:00Z'));
  let organiser: TestUser;
  let event: EventRecord;
  let call: Call;

  beforeAll(async () => {
    env = await createTestEnv(kind, { clock, config: { baseUrl: BASE } });
    organiser = await createTestUser(env, [{ role: 'event-organiser', scopeType: 'site' }]);
    event = await createEvent(env.ctx(organiser.actor), {
      name: 'Calendar Forum',
      place: 'Oslo',
      startsOn: '2025-06-23',
      endsOn: '2025-06-24',
      timeZone: 'Europe/Oslo',
      rooms: [{ name: 'A' }],
    });
    call = await createCall(env.ctx(organiser.actor), event.id, {
      title: 'Workshop proposals',
      opensAt: '2025-03-01T00:00:00Z',
      closesAt: '2025-04-01T12:00:00Z',
      reviewsPerProposal: 1,
    });
  });
  afterAll(async () => env?.close());

  it('puts the call’s closing in the public calendars, and a proposer’s draft in theirs', async () => {
    const expected = {
      uid: `call-${call.id}@commons.example`,
      summary: 'Workshop proposals — Calendar Forum',
      start: '2025-04-01T12:00:00.000Z',
      end: '2025-04-01T12:00:00.000Z',
      url: `${BASE}/en/events/${event.slug}`,
      categories: ['Call for proposals closes'],
    };
    const all = calendarEvents((await env.app.inject('/calendar/deadlines.ics')).body);
    expect(all).toContainEqual(expected);
    const own = calendarEvents((await env.app.inject(`/calendar/events/${event.slug}.ics`)).body);
    expect(own).toEqual([expected]);

    clock.set(new Date('2025-03-02T09:00:00Z'));
    const proposer = await createTestUser(env, [], 'Cal Proposer');
    const draft = await saveProposal(
      env.ctx(proposer.actor),
      { callId: call.id },
      { title: 'Calendars for all' },
    );
    const token = await resetCalendarLink(env.ctx(proposer.actor));
    const mine = calendarEvents((await env.app.inject(`/calendar/${token}.ics`)).body);
    expect(mine).toContainEqual(
      expect.objectContaining({
        uid: `proposal-${draft.id}@commons.example`,
        summary: 'Calendars for all — Workshop proposals',
        categories: ['Your draft proposal: call closes'],
        url: `${BASE}/en/proposals/${draft.id}/edit`,
      }),
    );
    expect(mine.map((e) => e.uid)).toContain(expected.uid);
    // Nobody else sees the draft.
    const publicUids = calendarEvents((await env.app.inject('/calendar/deadlines.ics')).body).map(
      (e) => e.uid,
    );
    expect(publicUids).not.toContain(`proposal-${draft.id}@commons.example`);

    clock.set(new Date('2025-04-01T12:00:01Z'));
    const after = calendarEvents((await env.app.inject(`/calendar/${token}.ics`)).body);
    expect(after.map((e) => e.uid)).not.toContain(expected.uid);
    expect(after.map((e) => e.uid)).not.toContain(`proposal-${draft.id}@commons.example`);
  });

  it('lists each event and its programme in the sitemap', async () => {
    const locs = sitemapUrls((await env.app.inject('/sitemap.xml')).body).map((u) => u.loc);
    expect(locs).toEqual(
      expect.arrayContaining([
        `${BASE}/events/${event.slug}`,
        `${BASE}/events/${event.slug}/programme`,
      ]),
    );
    for (const loc of locs.filter((l) => l.includes('/events/'))) {
      expect((await env.app.inject(loc.slice(BASE.length))).statusCode, loc).toBe(200);
    }
  });

  it('offers "events" as a saved search: an Atom feed, and a digest of new events', async () => {
    const feed = parseFeed((await env.app.inject('/feeds/events.atom')).body);
    expect(feed.items.map((i) => i.url)).toContain(`${BASE}/events/${event.slug}`);

    clock.set(new Date('2025-05-05T09:00:00Z'));
    const follower = await createTestUser(env, [], 'Event Follower');
    const list = await (await signedInAgent(env, follower)).get('/events');
    expect(list.body).toContain('<input type="hidden" name="kind" value="events"/>');
    expect(list.body).toContain('href="/feeds/events.atom"');
    expect(await saveDailySearch(env, follower, { kind: 'events', query: '' })).toBe(303);

    clock.set(new Date('2025-05-06T09:00:00Z'));
    await createEvent(env.ctx(organiser.actor), {
      name: 'Digest Summit',
      place: 'Accra',
      startsOn: '2025-09-01',
      endsOn: '2025-09-02',
      timeZone: 'Africa/Accra',
      rooms: [{ name: 'Main' }],
    });
    clock.set(new Date('2025-05-07T00:10:00Z'));
    await sendDigests(env.ctx());
    const mail = await mailTextsTo(env, follower.email);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toContain('Digest Summit');
    expect(mail[0]).not.toContain('Calendar Forum');
  });
});
