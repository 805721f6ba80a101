/**
 * The visibility of every profile field, for every role, through every route: the JSON API (one
 * profile, lists, text search, filters), the pages (profile, directory, search) and needs matching.
 * Three profiles rotate the three levels over the nine fields, so that each field is tried at each
 * level; each field holds a value found nowhere else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, TestAgent, type TestEnv } from '../../../test/helpers/app.ts';
import { createTestUser, signedInAgent, type TestUser } from '../../../test/helpers/auth.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { ANONYMOUS, type Actor } from '../../platform/context.ts';
import {
  PROFILE_FIELDS,
  VISIBILITIES,
  canSee,
  matchExperts,
  saveMyProfile,
  type Audience,
  type ProfileField,
} from './index.ts';

const ROLES = ['anonymous', 'member', 'groupMember', 'moderator', 'owner'] as const;
type Role = (typeof ROLES)[number];
const KEYS = ['Alpha', 'Bravo', 'Charlie'] as const;

const THEMES = ['cybercrime', 'cbms', 'data-protection'];
const THEME_LABELS = ['Cybercrime', 'Confidence-building measures', 'Data protection and privacy'];
const LANGUAGES = ['sw', 'pt', 'am'];
const LANGUAGE_NAMES = ['Swahili', 'Portuguese', 'Amharic'];
const COUNTRIES = ['GH', 'FJ', 'PE'];
const COUNTRY_NAMES = ['Ghana', 'Fiji', 'Peru'];
const REGIONS = ['western-africa', 'melanesia', 'south-america'];
const GROUPS = ['academia', 'technical-community', 'civil-society'];
const GROUP_LABELS = ['Academia', 'Technical community', 'Civil society'];

function levelOf(field: ProfileField, k: number) {
  return VISIBILITIES[(PROFILE_FIELDS.indexOf(field) + k) % 3]!;
}

/** For each field: what identifies profile k by it in JSON, in a page, and in a search. */
const PROBES: Record<
  ProfileField,
  {
    json: (item: Record<string, unknown>) => unknown;
    page: (k: number) => string;
    search: (k: number) => string;
  }
> = {
  name: {
    json: (i) => i.name,
    page: (k) => `Namesentinel${KEYS[k]}`,
    search: (k) => `q=Namesentinel${KEYS[k]}`,
  },
  about: {
    json: (i) => i.about,
    page: (k) => `Aboutsentinel${KEYS[k]}`,
    search: (k) => `q=Aboutsentinel${KEYS[k]}`,
  },
  expertise: {
    json: (i) => i.themes,
    page: (k) => THEME_LABELS[k]!,
    search: (k) => `theme=${THEMES[k]}`,
  },
  languages: {
    json: (i) => i.languages,
    page: (k) => LANGUAGE_NAMES[k]!,
    search: (k) => `language=${LANGUAGES[k]}`,
  },
  experience: {
    json: (i) => i.countries,
    page: (k) => COUNTRY_NAMES[k]!,
    search: (k) => `region=${REGIONS[k]}`,
  },
  stakeholderGroup: {
    json: (i) => i.stakeholderGroup,
    page: (k) => GROUP_LABELS[k]!,
    search: (k) => `stakeholderGroup=${GROUPS[k]}`,
  },
  organisation: {
    json: (i) => i.organisation,
    page: (k) => `Orgsentinel${KEYS[k]}`,
    search: (k) => `q=Orgsentinel${KEYS[k]}`,
  },
  availability: {
    json: (i) => i.availabilityNote,
    page: (k) => `Availsentinel${KEYS[k]}`,
    search: (k) => `q=Availsentinel${KEYS[k]}`,
  },
  links: {
    json: (i) => i.links,
    page: (k) => `Linksentinel${KEYS[k]}`,
    search: (k) => `q=Linksentinel${KEYS[k]}`,
  },
};

function audienceOf(role: Role): Audience {
  if (role === 'owner') return 'owner';
  return role === 'anonymous' ? 'public' : 'members';
}

/** The expert card of one profile in a directory page, or null when the profile is not listed. */
function card(html: string, id: string): string | null {
  const start = html.indexOf(`id="expert-${id}"`);
  if (start < 0) return null;
  return html.slice(start, html.indexOf('</article>', start));
}

describe.each(databaseKinds())('expert profile visibility on %s', (kind) => {
  let env: TestEnv;
  const owners: TestUser[] = [];
  const ids: string[] = [];
  const users = new Map<Exclude<Role, 'owner' | 'anonymous'>, TestUser>();

  beforeAll(async () => {
    env = await createTestEnv(kind);
    users.set('member', await createTestUser(env, [], 'Plain Member'));
    users.set('groupMember', await createTestUser(env, [], 'Group Member'));
    users.set(
      'moderator',
      await createTestUser(env, [{ role: 'moderator', scopeType: 'site' }], 'Site Moderator'),
    );
    for (let k = 0; k < 3; k++) {
      const owner = await createTestUser(env, [], `Owner ${KEYS[k]}`);
      owners.push(owner);
      const profile = await saveMyProfile(env.ctx(owner.actor), {
        listed: true,
        name: `Zed Namesentinel${KEYS[k]}`,
        about: `Aboutsentinel${KEYS[k]} has long practice.`,
        themes: [THEMES[k]!],
        cmmDimensions: [],
        languages: [LANGUAGES[k]!],
        regions: [REGIONS[k]!],
        countries: [COUNTRIES[k]!],
        stakeholderGroup: GROUPS[k]!,
        organisation: `Orgsentinel${KEYS[k]} Institute`,
        availableFor: ['missions'],
        availabilityNote: `Availsentinel${KEYS[k]}`,
        links: [{ kind: 'resource', label: `Linksentinel${KEYS[k]}`, href: `/resources/r${k}` }],
        visibility: Object.fromEntries(PROFILE_FIELDS.map((f) => [f, levelOf(f, k)])),
      });
      ids.push(profile.id);
    }
    // The group member really is in a private discussion group (it must change nothing here).
    const { createGroup } = await import('../discussions/index.ts');
    await createGroup(env.ctx(), {
      name: 'Visibility walk group',
      description: '',
      adminEmail: users.get('groupMember')!.email,
    });
  });
  afterAll(async () => env?.close());

  async function viewerFor(role: Role, k: number): Promise<{ agent: TestAgent; actor: Actor }> {
    if (role === 'anonymous') return { agent: new TestAgent(env.app), actor: ANONYMOUS };
    const user = role === 'owner' ? owners[k]! : users.get(role)!;
    return { agent: await signedInAgent(env, user), actor: user.actor };
  }

  for (const role of ROLES) {
    it(`shows ${role} exactly the fields they may see, through the API, pages, search and matching`, async () => {
      const audience = audienceOf(role);
      let checks = 0;
      for (let k = 0; k < 3; k++) {
        const { agent, actor } = await viewerFor(role, k);
        const id = ids[k]!;
        const detail = (await agent.request('GET', `/api/v1/experts/${id}`)).json();
        const list = (await agent.request('GET', '/api/v1/experts?pageSize=100')).json();
        const listed = list.items.find((i: { id: string }) => i.id === id);
        const page = (await agent.get(`/experts/${id}`)).body;
        const directory = card((await agent.get('/experts?pageSize=100')).body, id);
        expect(listed, `${role} lists profile ${k}`).toBeTruthy();
        expect(directory, `${role} sees profile ${k} in the directory`).toBeTruthy();
        for (const field of PROFILE_FIELDS) {
          const level = levelOf(field, k);
          const visible = canSee(level, audience);
          const where = `${role} / profile ${k} / ${field} (${level})`;
          const probe = PROBES[field];
          const jsonValue = (item: Record<string, unknown>) => probe.json(item);
          if (visible) {
            expect(jsonValue(detail), `${where}: API profile`).not.toBeNull();
            expect(jsonValue(listed), `${where}: API list`).not.toBeNull();
            expect(page, `${where}: profile page`).toContain(probe.page(k));
            // Directory cards are short: they leave links to the profile page.
            if (field !== 'links')
              expect(directory, `${where}: directory card`).toContain(probe.page(k));
          } else {
            expect(jsonValue(detail), `${where}: API profile`).toBeNull();
            expect(jsonValue(listed), `${where}: API list`).toBeNull();
            expect(page, `${where}: profile page`).not.toContain(probe.page(k));
            expect(directory, `${where}: directory card`).not.toContain(probe.page(k));
          }
          // A search or a filter on the field finds the profile only if the field is visible.
          const apiSearch = (
            await agent.request('GET', `/api/v1/experts?${probe.search(k)}`)
          ).json();
          const found = apiSearch.items.some((i: { id: string }) => i.id === id);
          expect(found, `${where}: API search ${probe.search(k)}`).toBe(visible);
          const pageSearch = (await agent.get(`/experts?${probe.search(k)}`)).body;
          expect(!!card(pageSearch, id), `${where}: page search ${probe.search(k)}`).toBe(visible);
          checks += 6;
        }
        // Needs matching gives reasons only from visible fields.
        const matches = await matchExperts(env.ctx(actor), {
          themes: [THEMES[k]!],
          languages: [LANGUAGES[k]!],
          countries: [COUNTRIES[k]!],
          limit: 50,
        });
        const match = matches.find((m) => m.expert.id === id);
        const reasons = match?.reasons.join('; ') ?? '';
        expect(reasons.includes('works on'), `${role} / profile ${k}: theme reason`).toBe(
          canSee(levelOf('expertise', k), audience),
        );
        expect(reasons.includes('speaks'), `${role} / profile ${k}: language reason`).toBe(
          canSee(levelOf('languages', k), audience),
        );
        expect(reasons.includes('experience in'), `${role} / profile ${k}: place reason`).toBe(
          canSee(levelOf('experience', k), audience),
        );
      }
      expect(checks).toBe(3 * PROFILE_FIELDS.length * 6);
    });
  }

  it('hides a profile entirely from readers who may see none of it, and an unlisted one from all but its owner', async () => {
    const shy = await createTestUser(env, [], 'Shy Expert');
    const input = {
      listed: true,
      name: 'Shysentinel',
      about: '',
      themes: [],
      cmmDimensions: [],
      languages: [],
      regions: [],
      countries: [],
      stakeholderGroup: null,
      organisation: null,
      availableFor: [],
      availabilityNote: '',
      links: [],
      visibility: Object.fromEntries(PROFILE_FIELDS.map((f) => [f, 'members'])),
    };
    const profile = await saveMyProfile(env.ctx(shy.actor), input);
    const anonymous = new TestAgent(env.app);
    expect((await anonymous.request('GET', `/api/v1/experts/${profile.id}`)).statusCode).toBe(404);
    expect((await anonymous.get(`/experts/${profile.id}`)).statusCode).toBe(404);
    expect(card((await anonymous.get('/experts?q=Shysentinel')).body, profile.id)).toBeNull();
    expect((await anonymous.get('/experts')).body).not.toContain('Shysentinel');
    const member = await signedInAgent(env, users.get('member')!);
    expect((await member.request('GET', `/api/v1/experts/${profile.id}`)).json().name).toBe(
      'Shysentinel',
    );
    await saveMyProfile(env.ctx(shy.actor), { ...input, listed: false });
    expect((await member.request('GET', `/api/v1/experts/${profile.id}`)).statusCode).toBe(404);
    expect(card((await member.get('/experts?q=Shysentinel')).body, profile.id)).toBeNull();
    expect((await member.get('/experts')).body).not.toContain('Shysentinel');
    const own = await signedInAgent(env, shy);
    expect((await own.get(`/experts/${profile.id}`)).body).toContain('Your profile is not listed');
  });
});
