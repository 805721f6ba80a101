/**
 * Similar proposals: pairs kept as proposals are submitted, edited and withdrawn; shown to the
 * event's organisers (API, the call's page, the decision page) and to nobody else; "suggest
 * merging" writes to both proposers, is audited, and happens once per pair.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, TestAgent, type TestEnv } from '../../../test/helpers/app.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { createTestUser, signedInAgent, type TestUser } from '../../../test/helpers/auth.ts';
import { ManualClock } from '../../platform/clock.ts';
import { createCall, createEvent, loadEvent } from './events.service.ts';
import { saveProposal, withdrawProposal } from './proposals.service.ts';
import type { EventRecord } from './events.present.ts';

const CABLES = {
  title: 'Protecting submarine cables from sabotage',
  content:
    'Submarine cables carry most international traffic. Operators, navies and regulators discuss how to protect cables, repair them quickly and share information about incidents.',
  policyQuestion:
    'How can states and operators cooperate to protect submarine cable infrastructure?',
};
const UNDERSEA = {
  title: 'Undersea cable resilience: cooperation between operators and states',
  content:
    'Damage to undersea and submarine cables shows how fragile connectivity is. This panel looks at repair ships, incident information sharing and the protection of cable landing stations.',
  policyQuestion: 'What cooperation protects submarine cables and speeds their repair?',
};
const HYGIENE = {
  title: 'Cyber hygiene training for small businesses in West Africa',
  content:
    'Small and medium enterprises lack security staff. Trainers from Ghana and Senegal present a cyber hygiene curriculum, its results and how chambers of commerce spread it.',
  policyQuestion: 'How can training reach small businesses at scale?',
};
const CHILDREN = {
  title: 'Child online protection and age assurance',
  content:
    'Regulators, platforms and child rights advocates debate age assurance methods, privacy trade-offs and what evidence says about harm.',
  policyQuestion: 'Which age assurance methods respect privacy?',
};

const proposalOf = (
  text: { title: string; content: string; policyQuestion: string },
  who: string,
  submit = true,
) => ({
  ...text,
  format: 'panel',
  relevance: 'Relevant to the forum’s theme.',
  tags: ['norms'],
  people: [
    {
      role: 'proposer' as const,
      name: `Proposer ${who}`,
      email: `proposer-${who}@example.org`,
      organisation: `${who} Institute`,
      stakeholderGroup: 'civil-society',
      country: 'KE',
    },
  ],
  submit,
});

describe.each(databaseKinds())('similar proposals on %s', (kind) => {
  let env: TestEnv;
  let organiser: TestUser;
  let owner1: TestUser;
  let owner2: TestUser;
  let forum: EventRecord;
  let callId: string;
  let organiserAgent: TestAgent;
  const ids: Record<string, string> = {};

  const apiPairs = async (agent: TestAgent) => {
    const res = await agent.request('GET', `/api/v1/calls/${callId}/similar-proposals`, {
      headers: { accept: 'application/json' },
    });
    return res;
  };
  const pairSet = async () =>
    (
      (await apiPairs(organiserAgent)).json() as {
        items: Array<{ a: { id: string }; b: { id: string } }>;
      }
    ).items.map((p) => [p.a.id, p.b.id].sort().join('+'));
  const pairOf = (x: string, y: string) => [ids[x]!, ids[y]!].sort().join('+');

  beforeAll(async () => {
    const clock = new ManualClock(new Date('2025-03-12T00:00:00Z'));
    env = await createTestEnv(kind, { clock });
    organiser = await createTestUser(env, [{ role: 'event-organiser', scopeType: 'site' }], 'Olga');
    owner1 = await createTestUser(env, [], 'Owner One');
    owner2 = await createTestUser(env, [], 'Owner Two');
    forum = await createEvent(env.ctx(organiser.actor), {
      name: 'Similarity Forum',
      slug: 'similarity-forum',
      place: 'Suva',
      startsOn: '2025-06-23',
      endsOn: '2025-06-24',
      timeZone: 'Pacific/Fiji',
      rooms: [{ name: 'Hall' }],
    });
    await createCall(env.ctx(organiser.actor), forum.id, {
      title: 'Workshops',
      opensAt: '2025-03-01T00:00:00Z',
      closesAt: '2025-04-01T00:00:00Z',
    });
    forum = await loadEvent(env.ctx(), forum.id);
    callId = forum.calls[0]!.id;
    organiserAgent = await signedInAgent(env, organiser);
  });
  afterAll(async () => env?.close());

  it('flags pairs when proposals are submitted and edited, and drops them on withdrawal', async () => {
    const save = (owner: TestUser, text: typeof CABLES, who: string, submit = true) =>
      saveProposal(env.ctx(owner.actor), { callId }, proposalOf(text, who, submit));
    ids.cables = (await save(owner1, CABLES, 'cables')).id;
    ids.hygiene = (await save(owner1, HYGIENE, 'hygiene')).id;
    ids.children = (await save(owner2, CHILDREN, 'children')).id;
    expect(await pairSet()).toEqual([]);
    ids.undersea = (await save(owner2, UNDERSEA, 'undersea')).id;
    expect(await pairSet()).toEqual([pairOf('cables', 'undersea')]);

    // A draft is not the organisers' business yet; submitting it is.
    const draft = await save(
      owner2,
      { ...HYGIENE, title: 'Cyber hygiene for small enterprises' },
      'draft',
      false,
    );
    ids.draft = draft.id;
    expect(await pairSet()).toEqual([pairOf('cables', 'undersea')]);
    await saveProposal(
      env.ctx(owner2.actor),
      { proposalId: draft.id },
      {
        ...proposalOf({ ...HYGIENE, title: 'Cyber hygiene for small enterprises' }, 'draft'),
      },
    );
    expect((await pairSet()).sort()).toEqual(
      [pairOf('cables', 'undersea'), pairOf('hygiene', 'draft')].sort(),
    );

    // Editing a proposal away from the subject takes its pair away, and back again.
    await saveProposal(
      env.ctx(owner2.actor),
      { proposalId: ids.undersea },
      proposalOf(CHILDREN, 'undersea'),
    );
    expect(await pairSet()).not.toContain(pairOf('cables', 'undersea'));
    expect(await pairSet()).toContain(pairOf('children', 'undersea'));
    await saveProposal(
      env.ctx(owner2.actor),
      { proposalId: ids.undersea },
      proposalOf(UNDERSEA, 'undersea'),
    );
    expect(await pairSet()).toContain(pairOf('cables', 'undersea'));
    expect(await pairSet()).not.toContain(pairOf('children', 'undersea'));

    await withdrawProposal(env.ctx(owner2.actor), draft.id);
    expect(await pairSet()).toEqual([pairOf('cables', 'undersea')]);
    const stored = await env.deps.db
      .selectFrom('proposal_similarities')
      .select(['proposal_a', 'proposal_b', 'similarity', 'shared_terms'])
      .execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.proposal_a < stored[0]!.proposal_b).toBe(true);
    expect(stored[0]!.similarity).toBeGreaterThan(0.25);
    expect(stored[0]!.shared_terms).toEqual(expect.arrayContaining(['cable', 'submarine']));
  });

  it('shows pairs to the event’s organisers only', async () => {
    const res = await apiPairs(organiserAgent);
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      items: Array<{ similarity: number; sharedTerms: string[]; mergeSuggestedAt: null }>;
      total: number;
    };
    expect(body.total).toBe(1);
    expect(body.items[0]!.sharedTerms).toContain('cable');
    expect(body.items[0]!.mergeSuggestedAt).toBeNull();
    expect((await apiPairs(new TestAgent(env.app))).statusCode).toBe(401);
    expect((await apiPairs(await signedInAgent(env, owner1))).statusCode).toBe(403);
    const other = await createEvent(env.ctx(organiser.actor), {
      name: 'Elsewhere',
      place: 'Lima',
      startsOn: '2025-09-01',
      endsOn: '2025-09-01',
      timeZone: 'America/Lima',
      rooms: [],
    });
    const otherOrganiser = await createTestUser(env, [
      { role: 'event-organiser', scopeType: 'event', scopeId: other.id },
    ]);
    const stranger = await signedInAgent(env, otherOrganiser);
    expect((await apiPairs(stranger)).statusCode).toBe(403);
    const base = `/events/${forum.slug}/manage/calls/${callId}`;
    expect((await stranger.get(`${base}/similar`)).statusCode).toBe(403);
    const refused = await stranger.request(
      'POST',
      `/api/v1/proposals/${ids.cables}/merge-suggestions`,
      {
        json: { with: ids.undersea },
        headers: { accept: 'application/json' },
      },
    );
    expect(refused.statusCode).toBe(403);
  });

  it('lists pairs on the organisers’ pages and suggests a merge to both proposers, once', async () => {
    const base = `/events/${forum.slug}/manage/calls/${callId}`;
    let res = await organiserAgent.get(`${base}/similar`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(CABLES.title);
    expect(res.body).toContain(UNDERSEA.title);
    expect(res.body).toContain('submarine');
    expect(res.body).not.toContain(HYGIENE.title);
    expect(res.body).toContain('Suggest merging');

    // The decision page of one proposal names its similar one, with the same form.
    res = await organiserAgent.get(`${base}/decisions/${ids.cables}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Similar proposals');
    expect(res.body).toContain(UNDERSEA.title);
    expect(res.body).toContain(`action="${base}/similar/suggest"`);

    // A pair that is not similar is refused beside the form, not with an error page.
    await organiserAgent.get(`${base}/similar`);
    res = await organiserAgent.postForm(`${base}/similar/suggest`, {
      proposal: ids.cables!,
      with: ids.children!,
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('not flagged as similar');
    res = await organiserAgent.postForm(`${base}/similar/suggest`, {
      proposal: ids.cables!,
      with: 'not-an-id',
    });
    expect(res.statusCode).toBe(422);

    const [a, b] = [ids.cables!, ids.undersea!].sort();
    await organiserAgent.get(`${base}/similar`);
    res = await organiserAgent.postForm(`${base}/similar/suggest`, {
      proposal: a!,
      with: b!,
      note: 'Both panels could share one slot.',
    });
    expect(res.statusCode).toBe(303);
    expect(String(res.headers.location)).toBe(`${base}/similar?done=merge-suggested&n=4`);
    res = await organiserAgent.get(String(res.headers.location));
    expect(res.body).toContain('Merge suggested: 4 people were written to.');
    expect(res.body).toContain('Merge suggested to both proposers on');

    const mails = await env.deps.db
      .selectFrom('mail_outbox')
      .select(['to_address', 'subject', 'text_body'])
      .where('category', '=', 'events.merge-suggestion')
      .execute();
    // Each side: the proposer named in the proposal and the account that owns it.
    expect(mails.map((m) => m.to_address).sort()).toEqual(
      [
        'proposer-cables@example.org',
        owner1.email.toLowerCase(),
        'proposer-undersea@example.org',
        owner2.email.toLowerCase(),
      ].sort(),
    );
    const toCables = mails.find((m) => m.to_address === 'proposer-cables@example.org')!;
    expect(toCables.subject).toContain(CABLES.title);
    expect(toCables.text_body).toContain(UNDERSEA.title);
    expect(toCables.text_body).toContain('Proposer undersea (undersea Institute)');
    expect(toCables.text_body).toContain('submarine');
    expect(toCables.text_body).toContain('Both panels could share one slot.');

    const audit = await env.deps.db
      .selectFrom('audit_log')
      .select(['actor_id', 'entity_id', 'after'])
      .where('action', '=', 'proposal.merge-suggest')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_id).toBe(organiser.id);
    expect(JSON.stringify(audit[0]!.after)).toContain(b!);
    expect(JSON.stringify(audit[0]!.after)).not.toContain('@');

    // Once per pair: the API says so, and nobody is written to twice.
    const again = await organiserAgent.request('POST', `/api/v1/proposals/${b}/merge-suggestions`, {
      json: { with: a },
      headers: { accept: 'application/json' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
    const listed = (await apiPairs(organiserAgent)).json() as {
      items: Array<{ mergeSuggestedAt: string | null }>;
    };
    expect(listed.items[0]!.mergeSuggestedAt).toBe('2025-03-12T00:00:00.000Z');
  });

  it('refuses bad API input with problem JSON', async () => {
    const post = (id: string, json: unknown) =>
      organiserAgent.request('POST', `/api/v1/proposals/${id}/merge-suggestions`, {
        json,
        headers: { accept: 'application/json' },
      });
    expect((await post(ids.cables!, { with: 'nope' })).statusCode).toBe(422);
    expect((await post(ids.cables!, { with: ids.undersea, extra: 1 })).statusCode).toBe(422);
    expect(
      (await post(ids.cables!, { with: ids.undersea, note: 'x'.repeat(2001) })).statusCode,
    ).toBe(422);
    const notSimilar = await post(ids.hygiene!, { with: ids.children });
    expect(notSimilar.statusCode).toBe(422);
    expect(notSimilar.json()).toMatchObject({ status: 422 });
    expect(
      (await post('00000000-0000-4000-8000-000000000000', { with: ids.cables })).statusCode,
    ).toBe(404);
  });
});
