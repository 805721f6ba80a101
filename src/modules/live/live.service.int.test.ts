import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.ts';
import { createTestUser, type TestUser } from '../../../test/helpers/auth.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { ManualClock } from '../../platform/clock.ts';
import { ANONYMOUS, type ServiceContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import * as live from './live.service.ts';

/** The error a promise rejects with (fails the test when it resolves). */
async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe.each(databaseKinds())('live sessions on %s', (kind) => {
  let env: TestEnv;
  const clock = new ManualClock(new Date('2026-06-24T09:00:00Z'));
  let organiser: TestUser;
  let moderator: TestUser;
  let rapporteur: TestUser;
  let otherModerator: TestUser;
  let anon: ServiceContext;
  let sessionId: string;
  let counter = 0;

  /** A participant: a browser token, joined from the room or remote. */
  async function participant(origin: 'room' | 'remote', name?: string) {
    const ref = { token: live.newParticipantToken() };
    await live.joinSession(anon, sessionId, ref, { origin, name: name ?? null });
    return ref;
  }
  const staff = () => env.ctx(moderator.actor);
  const question = (text?: string) =>
    `${text ?? 'How do small states fund a national CERT'} #${++counter}?`;

  beforeAll(async () => {
    env = await createTestEnv(kind, { clock });
    organiser = await createTestUser(env, [
      { role: 'event-organiser', scopeType: 'event', scopeId: 'ev-1' },
    ]);
    moderator = await createTestUser(env, [
      { role: 'moderator', scopeType: 'event', scopeId: 'ev-1' },
    ]);
    rapporteur = await createTestUser(env, [
      { role: 'rapporteur', scopeType: 'event', scopeId: 'ev-1' },
    ]);
    otherModerator = await createTestUser(env, [
      { role: 'moderator', scopeType: 'event', scopeId: 'ev-2' },
    ]);
    anon = env.ctx(ANONYMOUS);
    const session = await live.createLiveSession(env.ctx(organiser.actor), {
      eventId: 'ev-1',
      title: 'Round table: cyber capacity for small island states',
      startsAt: '2026-06-24T09:00:00Z',
      endsAt: '2026-06-24T10:30:00Z',
      timeZone: 'Pacific/Fiji',
      speakers: [
        { name: 'Panellist A', stakeholderGroup: 'government' },
        { name: 'Panellist B', stakeholderGroup: 'civil-society', origin: 'remote' },
      ],
    });
    sessionId = session.id;
  });
  afterAll(async () => env?.close());

  it('lets organisers of the event open a session, and nobody else', async () => {
    const input = {
      eventId: 'ev-1',
      title: 'Another session',
      startsAt: '2026-06-24T11:00:00Z',
      endsAt: '2026-06-24T12:00:00Z',
    };
    expect((await refusal(live.createLiveSession(anon, input))).status).toBe(401);
    expect(
      (await refusal(live.createLiveSession(env.ctx(otherModerator.actor), input))).status,
    ).toBe(403);
    expect((await refusal(live.createLiveSession(env.ctx(moderator.actor), input))).status).toBe(
      403,
    );
    const bad = await refusal(
      live.createLiveSession(env.ctx(organiser.actor), {
        ...input,
        endsAt: '2026-06-24T10:00:00Z',
        timeZone: 'Mars/Olympus',
        speakers: [{ name: 'X', stakeholderGroup: 'aliens' }],
      }),
    );
    expect(bad.status).toBe(422);
    expect(bad.errors.map((e) => e.path).sort()).toEqual([
      '/endsAt',
      '/speakers/0/stakeholderGroup',
      '/timeZone',
    ]);
    const created = await live.createLiveSession(env.ctx(organiser.actor), input);
    expect(created.code).toMatch(/^[A-Z2-9]{6}$/);
    expect(created.moderation).toBe(true);
    expect(await live.findSessionByCode(anon, created.code.toLowerCase())).toBe(created.id);
  });

  it('keeps questions in the moderation queue until a moderator approves them', async () => {
    const asker = await participant('remote', 'Amina');
    const asked = await live.askQuestion(anon, sessionId, asker, { text: question() });
    expect(asked).toMatchObject({
      status: 'pending',
      authorName: 'Amina',
      origin: 'remote',
      mine: true,
    });
    expect((await live.listQuestions(anon, sessionId)).map((q) => q.id)).not.toContain(asked.id);
    expect(
      (await live.listQuestions(staff(), sessionId, { all: true })).map((q) => q.id),
    ).toContain(asked.id);
    expect((await refusal(live.listQuestions(anon, sessionId, { all: true }))).status).toBe(401);
    await live.moderateQuestion(staff(), sessionId, asked.id, { action: 'approve' });
    expect((await live.listQuestions(anon, sessionId)).map((q) => q.id)).toContain(asked.id);
    // Moderators of another event have no say here.
    const other = await refusal(
      live.moderateQuestion(env.ctx(otherModerator.actor), sessionId, asked.id, {
        action: 'hide',
        reason: 'spam',
      }),
    );
    expect(other.status).toBe(403);
  });

  it('never shows an anonymous author to participants, and reveals it only through an audited action', async () => {
    const secretName = 'Zora Secretname';
    const asker = await participant('room', secretName);
    const asked = await live.askQuestion(anon, sessionId, asker, {
      text: question('Which norms apply to ransomware on hospitals'),
      anonymous: true,
    });
    expect(asked.authorName).toBeNull();
    await live.moderateQuestion(staff(), sessionId, asked.id, { action: 'approve' });
    const everything = JSON.stringify([
      await live.listQuestions(anon, sessionId),
      await live.listQuestions(staff(), sessionId, { all: true }),
      await live.participantPage(anon, sessionId, await participant('room')),
      await live.readEvents(env.deps, sessionId, 0, 10_000),
      await env.deps.db.selectFrom('audit_log').selectAll().execute(),
    ]);
    expect(everything).toContain('ransomware on hospitals');
    expect(everything).not.toContain(secretName);

    const voter = await participant('room');
    expect(
      (
        await refusal(
          live.revealAuthor(anon, sessionId, asked.id, { reason: 'abusive content reported' }),
        )
      ).status,
    ).toBe(401);
    expect(
      (await refusal(live.revealAuthor(staff(), sessionId, asked.id, { reason: 'why' }))).status,
    ).toBe(422);
    const revealed = await live.revealAuthor(staff(), sessionId, asked.id, {
      reason: 'A participant reported a threat in this question',
    });
    expect(revealed).toMatchObject({
      participantName: secretName,
      origin: 'room',
      accountName: null,
    });
    const audit = await env.deps.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'live.question.reveal-author')
      .where('entity_id', '=', asked.id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_id).toBe(moderator.id);
    expect(JSON.stringify(audit[0]!.after)).toContain('reported a threat');
    void voter;
  });

  it('counts one vote per participant, never for one’s own or an unpublished question', async () => {
    const asker = await participant('room', 'Kofi');
    const q = await live.askQuestion(anon, sessionId, asker, { text: question() });
    const voter = await participant('remote');
    expect((await refusal(live.voteQuestion(anon, sessionId, q.id, voter))).status).toBe(409);
    await live.moderateQuestion(staff(), sessionId, q.id, { action: 'approve' });
    expect(await live.voteQuestion(anon, sessionId, q.id, voter)).toEqual({ id: q.id, votes: 1 });
    const again = await refusal(live.voteQuestion(anon, sessionId, q.id, voter));
    expect(again.status).toBe(409);
    expect((await refusal(live.voteQuestion(anon, sessionId, q.id, asker))).status).toBe(409);
    expect((await refusal(live.voteQuestion(anon, sessionId, q.id, { token: null }))).status).toBe(
      422,
    );
    expect(await live.voteQuestion(anon, sessionId, q.id, await participant('room'))).toEqual({
      id: q.id,
      votes: 2,
    });
  });

  it('applies the moderation rules: hide with a reason the asker sees, one pinned, answer, merge', async () => {
    const asker = await participant('remote', 'Lin');
    const [a, b, c] = [
      await live.askQuestion(anon, sessionId, asker, { text: question('A') }),
      await live.askQuestion(anon, sessionId, await participant('room', 'Ravi'), {
        text: question('B'),
      }),
      await live.askQuestion(anon, sessionId, await participant('room', 'Ana'), {
        text: question('C'),
      }),
    ] as const;
    const noReason = await refusal(
      live.moderateQuestion(staff(), sessionId, a.id, { action: 'hide' }),
    );
    expect(noReason.status).toBe(422);
    expect(noReason.errors[0]!.path).toBe('/reason');

    await live.moderateQuestion(staff(), sessionId, a.id, { action: 'pin' });
    await live.moderateQuestion(staff(), sessionId, b.id, { action: 'pin' });
    const listed = await live.listQuestions(anon, sessionId);
    expect(listed.find((q) => q.id === a.id)?.status).toBe('approved');
    expect(listed[0]).toMatchObject({ id: b.id, status: 'pinned' });

    await live.moderateQuestion(staff(), sessionId, a.id, {
      action: 'hide',
      reason: 'off-topic',
      note: 'Please ask it in the next session.',
    });
    expect((await live.listQuestions(anon, sessionId)).map((q) => q.id)).not.toContain(a.id);
    const own = await live.participantPage(anon, sessionId, asker);
    expect(own.mine.find((q) => q.id === a.id)).toMatchObject({
      status: 'hidden',
      hideReason: 'off-topic',
      hideNote: 'Please ask it in the next session.',
    });
    const events = await live.readEvents(env.deps, sessionId, 0, 10_000);
    const forAsker = events.filter((e) => e.audience.startsWith('p:') && e.data.includes(a.id));
    expect(forAsker.at(-1)!.data).toContain('off-topic');
    const removed = events.filter((e) => e.type === 'question-removed' && e.data.includes(a.id));
    expect(removed).toHaveLength(1);
    expect(removed[0]!.audience).toBe('all');

    const answered = await live.moderateQuestion(staff(), sessionId, b.id, {
      action: 'answer',
      answer: 'Through regional pooling.',
    });
    expect(answered).toMatchObject({ status: 'answered', answer: 'Through regional pooling.' });
    expect(
      (await refusal(live.moderateQuestion(staff(), sessionId, b.id, { action: 'answer' }))).status,
    ).toBe(409);

    // Merging moves the votes, and a person who voted for both counts once.
    await live.moderateQuestion(staff(), sessionId, c.id, { action: 'approve' });
    const d = await live.askQuestion(anon, sessionId, await participant('room', 'Dee'), {
      text: question('C again'),
    });
    await live.moderateQuestion(staff(), sessionId, d.id, { action: 'approve' });
    const both = await participant('room');
    await live.voteQuestion(anon, sessionId, c.id, both);
    await live.voteQuestion(anon, sessionId, d.id, both);
    await live.voteQuestion(anon, sessionId, d.id, await participant('remote'));
    const merged = await live.moderateQuestion(staff(), sessionId, d.id, {
      action: 'merge',
      into: c.id,
    });
    expect(merged.status).toBe('merged');
    const kept = (await live.listQuestions(anon, sessionId)).find((q) => q.id === c.id)!;
    expect(kept).toMatchObject({ votes: 2, mergedCount: 1 });
    expect(
      (await refusal(live.moderateQuestion(staff(), sessionId, d.id, { action: 'approve' })))
        .status,
    ).toBe(409);
    expect(
      (
        await refusal(
          live.moderateQuestion(staff(), sessionId, c.id, { action: 'merge', into: c.id }),
        )
      ).status,
    ).toBe(422);
  });

  it('takes votes and moderation at the same time without deadlock or lost votes', async () => {
    const q = await live.askQuestion(anon, sessionId, await participant('room', 'Busy'), {
      text: question('Contended'),
    });
    await live.moderateQuestion(staff(), sessionId, q.id, { action: 'approve' });
    const voters = await Promise.all(Array.from({ length: 16 }, () => participant('remote')));
    const moderation = (async () => {
      for (let i = 0; i < 8; i++) {
        await live.moderateQuestion(staff(), sessionId, q.id, { action: i % 2 ? 'unpin' : 'pin' });
      }
    })();
    const votes = await Promise.all(voters.map((v) => live.voteQuestion(anon, sessionId, q.id, v)));
    await moderation;
    expect(Math.max(...votes.map((v) => v.votes))).toBe(16);
    const listed = (await live.listQuestions(anon, sessionId)).find((x) => x.id === q.id)!;
    expect(listed).toMatchObject({ votes: 16, status: 'approved' });
  });

  it('limits how fast one participant can ask, per minute', async () => {
    const asker = await participant('room', 'Quick');
    for (let i = 0; i < 5; i++)
      await live.askQuestion(anon, sessionId, asker, { text: question() });
    const written = async () => ({
      questions: (
        await env.deps.db
          .selectFrom('live_questions')
          .select('id')
          .where('session_id', '=', sessionId)
          .execute()
      ).length,
      audit: (
        await env.deps.db
          .selectFrom('audit_log')
          .select('id')
          .where('action', '=', 'live.question.ask')
          .execute()
      ).length,
      lastSeq: (await live.getLiveSession(anon, sessionId)).lastSeq,
      events: (await live.readEvents(env.deps, sessionId, 0, 100_000)).length,
      window: (
        await env.deps.db.selectFrom('live_rate_limits').select(['key', 'count']).execute()
      ).filter((r) => r.key.startsWith('question:')),
    });
    const before = await written();
    const limited = await refusal(live.askQuestion(anon, sessionId, asker, { text: question() }));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // A refused question leaves nothing behind: no row, no event, no number taken, no audit, and
    // it does not count in the window either.
    expect(await written()).toEqual(before);
    expect(Math.max(...before.window.map((r) => Number(r.count)))).toBe(5);
    // Someone else is not affected, and the limit lifts in the next window.
    await live.askQuestion(anon, sessionId, await participant('room', 'Other'), {
      text: question(),
    });
    clock.advance(60_000);
    await live.askQuestion(anon, sessionId, asker, { text: question() });
  });

  it('never writes a question into a session that closed meanwhile, and keeps the numbers whole', async () => {
    const racing = await live.createLiveSession(env.ctx(organiser.actor), {
      eventId: 'ev-1',
      title: 'Closing while people ask',
      startsAt: '2026-06-24T11:00:00Z',
      endsAt: '2026-06-24T12:00:00Z',
      moderation: false,
    });
    const askers = await Promise.all(
      Array.from({ length: 12 }, async () => {
        const ref = { token: live.newParticipantToken() };
        await live.joinSession(anon, racing.id, ref, { origin: 'remote', name: 'Racer' });
        return ref;
      }),
    );
    const outcomes = await Promise.all([
      ...askers.map((ref, i) =>
        live.askQuestion(anon, racing.id, ref, { text: question(`Racing question ${i}`) }).then(
          (q) => q.id,
          (e: AppError) => e.status,
        ),
      ),
      live.updateSettings(staff(), racing.id, { status: 'closed' }).then(() => 'closed'),
    ]);
    const asked = outcomes.filter((o): o is string => typeof o === 'string' && o !== 'closed');
    expect(outcomes.filter((o) => typeof o === 'number').every((o) => o === 409)).toBe(true);
    const rows = await env.deps.db
      .selectFrom('live_questions')
      .select('id')
      .where('session_id', '=', racing.id)
      .execute();
    expect(rows.map((r) => r.id).sort()).toEqual([...asked].sort());
    const events = await live.readEvents(env.deps, racing.id, 0, 100_000);
    const final = await live.getLiveSession(anon, racing.id);
    expect(events.map((e) => e.seq)).toEqual(
      Array.from({ length: final.lastSeq }, (_, i) => i + 1),
    );
    // Each question's event comes before the closing state: nothing is asked after closing.
    const closing = events.find((e) => e.type === 'state' && e.data.includes('"closed"'))!;
    const questionSeqs = events.filter((e) => e.type === 'question').map((e) => e.seq);
    expect(questionSeqs).toHaveLength(asked.length);
    expect(questionSeqs.every((seq) => seq < closing.seq)).toBe(true);
  });

  it('refuses bad questions with field errors', async () => {
    const asker = await participant('room');
    const short = await refusal(live.askQuestion(anon, sessionId, asker, { text: ' hi ' }));
    expect(short.errors.map((e) => e.path)).toEqual(['/text', '/name']);
    const long = await refusal(
      live.askQuestion(anon, sessionId, asker, { text: 'x'.repeat(501), anonymous: true }),
    );
    expect(long.errors.map((e) => e.path)).toEqual(['/text']);
    const badJoin = await refusal(
      live.joinSession(anon, sessionId, { token: null }, { origin: 'moon' }),
    );
    expect(badJoin.errors[0]!.path).toBe('/origin');
  });

  it('keeps backstage messages among moderators', async () => {
    const message = await live.postBackstage(staff(), sessionId, {
      body: 'Remote hand raised: Samoa',
    });
    expect(message.authorLabel).toBe(moderator.actor.label);
    expect((await refusal(live.postBackstage(anon, sessionId, { body: 'hello' }))).status).toBe(
      401,
    );
    const events = await live.readEvents(env.deps, sessionId, 0, 10_000, ['all']);
    expect(JSON.stringify(events)).not.toContain('Samoa');
    const staffEvents = await live.readEvents(env.deps, sessionId, 0, 10_000, ['all', 'staff']);
    expect(JSON.stringify(staffEvents)).toContain('Samoa');
  });

  it('times turns with one tap, totals them by person, group and place, and warns past a fair share', async () => {
    const session = await live.createLiveSession(env.ctx(organiser.actor), {
      eventId: 'ev-1',
      title: 'Timed panel',
      startsAt: '2026-06-24T13:00:00Z',
      endsAt: '2026-06-24T14:00:00Z',
      speakers: [
        { name: 'Gov speaker', stakeholderGroup: 'government' },
        { name: 'CSO speaker', stakeholderGroup: 'civil-society', origin: 'remote' },
      ],
    });
    const [gov, cso] = session.speakers;
    expect((await live.toggleTurn(staff(), session.id, gov!.id)).speaker).toBe(gov!.id);
    clock.advance(240_000);
    // Tapping another speaker ends the current turn.
    expect((await live.toggleTurn(staff(), session.id, cso!.id)).speaker).toBe(cso!.id);
    clock.advance(60_000);
    expect((await live.toggleTurn(staff(), session.id, 'floor:remote')).speaker).toBe(
      'floor:remote',
    );
    clock.advance(30_000);
    expect((await live.toggleTurn(staff(), session.id, 'floor:remote')).speaker).toBeNull();
    const bad = await refusal(live.toggleTurn(staff(), session.id, 'somebody'));
    expect(bad.status).toBe(422);

    const figures = await live.speakingTimeFigures(staff(), session.id);
    expect(figures.totalSeconds).toBe(330);
    expect(figures.voices).toBe(3);
    expect(figures.fairShareSeconds).toBe(110);
    expect(figures.speakers.find((s) => s.key === gov!.id)).toMatchObject({
      seconds: 240,
      overFairShare: true,
    });
    expect(figures.warnings).toEqual([gov!.id]);
    expect(figures.byOrigin).toEqual({ room: 240, remote: 90 });
    expect(figures.floor).toEqual({ room: 0, remote: 30 });
    expect(figures.byGroup.find((g) => g.group === 'government')!.seconds).toBe(240);
    expect((await refusal(live.speakingTimeFigures(anon, session.id))).status).toBe(401);

    // The rapporteur's export carries the same figures; closing ends the turn in progress.
    await live.toggleTurn(staff(), session.id, gov!.id);
    clock.advance(10_000);
    await live.updateSettings(staff(), session.id, { status: 'closed' });
    clock.advance(100_000);
    const report = await live.exportSessionFigures(env.ctx(rapporteur.actor), session.id);
    expect(report.speakingTime.totalSeconds).toBe(340);
    expect((await refusal(live.exportSessionFigures(anon, session.id))).status).toBe(401);
    expect((await refusal(live.toggleTurn(staff(), session.id, gov!.id))).status).toBe(409);
  });

  it('publishes a moderation summary when the session closes, and exports questions and answers', async () => {
    const session = await live.createLiveSession(env.ctx(organiser.actor), {
      eventId: 'ev-1',
      title: 'Summarised session',
      startsAt: '2026-06-24T15:00:00Z',
      endsAt: '2026-06-24T16:00:00Z',
    });
    const join = async (origin: 'room' | 'remote') => {
      const ref = { token: live.newParticipantToken() };
      await live.joinSession(anon, session.id, ref, { origin, name: 'Someone' });
      return ref;
    };
    const ask = async (origin: 'room' | 'remote', anonymous = false) =>
      live.askQuestion(anon, session.id, await join(origin), { text: question(), anonymous });
    const q1 = await ask('remote', true);
    const q2 = await ask('room');
    const q3 = await ask('remote');
    const q4 = await ask('room');
    await ask('room');
    await live.moderateQuestion(staff(), session.id, q1.id, { action: 'answer', answer: 'Yes.' });
    await live.moderateQuestion(staff(), session.id, q2.id, {
      action: 'hide',
      reason: 'off-topic',
    });
    await live.moderateQuestion(staff(), session.id, q3.id, {
      action: 'hide',
      reason: 'off-topic',
    });
    await live.moderateQuestion(staff(), session.id, q4.id, { action: 'approve' });

    expect((await refusal(live.moderationSummary(anon, session.id))).status).toBe(409);
    await live.updateSettings(staff(), session.id, { status: 'closed' });
    const summary = await live.moderationSummary(anon, session.id);
    expect(summary.questions).toEqual({
      total: 5,
      fromRoom: 3,
      fromRemote: 2,
      published: 2,
      answered: 1,
      answeredFromRoom: 0,
      answeredFromRemote: 1,
      hidden: 2,
      hiddenByReason: { 'off-topic': 2 },
      merged: 0,
      pending: 1,
    });
    const closed = await refusal(
      live.askQuestion(anon, session.id, await join('room'), { text: question() }),
    );
    expect(closed.status).toBe(409);

    const report = await live.exportSessionFigures(env.ctx(rapporteur.actor), session.id);
    expect(report.questions.map((q) => q.id).sort()).toEqual([q1.id, q4.id].sort());
    expect(report.questions.find((q) => q.id === q1.id)).toMatchObject({
      anonymous: true,
      authorName: null,
      answer: 'Yes.',
    });
    expect(report.summary.questions.total).toBe(5);
  });
});
