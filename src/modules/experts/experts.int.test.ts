import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, TestAgent, type TestEnv } from '../../../test/helpers/app.ts';
import { createTestUser, signedInAgent, type TestUser } from '../../../test/helpers/auth.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { ANONYMOUS } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import {
  erasePersonalData,
  getMyProfile,
  matchExperts,
  personalData,
  saveMyProfile,
  searchExperts,
  expertsModule,
} from './index.ts';

const base = {
  listed: true,
  about: '',
  themes: [] as string[],
  cmmDimensions: [] as string[],
  languages: [] as string[],
  regions: [] as string[],
  countries: [] as string[],
  stakeholderGroup: null,
  organisation: null,
  availableFor: [] as string[],
  availabilityNote: '',
  links: [] as unknown[],
};
const everyonePublic = {
  name: 'public',
  about: 'public',
  expertise: 'public',
  languages: 'public',
  experience: 'public',
  stakeholderGroup: 'public',
  organisation: 'public',
  availability: 'public',
  links: 'public',
};

describe.each(databaseKinds())('expert profiles on %s', (kind) => {
  let env: TestEnv;
  let amina: TestUser;
  let kofi: TestUser;
  beforeAll(async () => {
    env = await createTestEnv(kind);
    amina = await createTestUser(env, [], 'Amina Test');
    kofi = await createTestUser(env, [], 'Kofi Test');
  });
  afterAll(async () => env?.close());

  it('saves a profile from names or codes and links a known organisation', async () => {
    const saved = await saveMyProfile(env.ctx(amina.actor), {
      ...base,
      name: 'Amina Test',
      about: 'Drafts cybercrime laws.',
      themes: ['cybercrime'],
      languages: ['French', 'en', 'Wolof'],
      countries: ['Ghana', 'sn'],
      regions: ['western-africa'],
      organisation: 'African Union',
      stakeholderGroup: 'government',
      availableFor: ['missions'],
      links: [{ kind: 'resource', label: 'A course', href: '/resources/a-course' }],
      visibility: everyonePublic,
    });
    expect(saved.languages).toEqual(['fr', 'en', 'wo']);
    expect(saved.countries).toEqual(['GH', 'SN']);
    // The organisations index may be empty in a fresh test database: then the name is kept as typed.
    expect(saved.organisation?.name).toBe('African Union');
    const mine = await getMyProfile(env.ctx(amina.actor));
    expect(mine?.id).toBe(saved.id);
  });

  it('refuses bad input with a message tied to each field', async () => {
    const attempt = saveMyProfile(env.ctx(kofi.actor), {
      ...base,
      name: 'Kofi',
      languages: ['Klingon'],
      countries: ['Atlantis'],
      regions: ['middle-earth'],
      links: [{ kind: 'resource', label: 'x', href: 'javascript:alert(1)' }],
      visibility: { ...everyonePublic, name: 'friends' },
    });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    const error = (await attempt.catch((e: AppError) => e)) as AppError;
    expect(error.code).toBe('validation');
    expect(error.errors.map((e) => e.path)).toContain('/visibility/name');
    const second = (await saveMyProfile(env.ctx(kofi.actor), {
      ...base,
      name: 'Kofi',
      languages: ['Klingon'],
      countries: ['Atlantis'],
      regions: ['middle-earth'],
      links: [{ kind: 'resource', label: 'x', href: 'javascript:alert(1)' }],
      visibility: everyonePublic,
    }).catch((e: AppError) => e)) as AppError;
    const messages = Object.fromEntries(second.errors.map((e) => [e.path, e.message]));
    expect(messages['/languages']).toMatch(/Unknown language "Klingon"/);
    expect(messages['/countries']).toMatch(/Unknown country "Atlantis"/);
    expect(messages['/regions']).toMatch(/Unknown region/);
    expect(messages['/links/0/href']).toMatch(/http\(s\) address/);
  });

  it('refuses anonymous callers', async () => {
    await expect(saveMyProfile(env.ctx(ANONYMOUS), { ...base })).rejects.toMatchObject({
      code: 'unauthenticated',
    });
  });

  it('searches by region containing the countries of experience', async () => {
    const result = await searchExperts(env.ctx(ANONYMOUS), { region: 'africa' });
    expect(result.items.map((i) => i.name)).toContain('Amina Test');
    const none = await searchExperts(env.ctx(ANONYMOUS), { region: 'europe' });
    expect(none.items.map((i) => i.name)).not.toContain('Amina Test');
  });

  it('matches a need with reasons in words', async () => {
    const matches = await matchExperts(env.ctx(ANONYMOUS), {
      themes: ['cybercrime'],
      languages: ['fr'],
      countries: ['SN'],
    });
    const first = matches.find((m) => m.expert.name === 'Amina Test');
    expect(first?.reasons).toEqual([
      'works on cybercrime',
      'speaks French',
      'experience in Senegal and Western Africa',
    ]);
    expect(first?.url).toBe(`/experts/${first?.expert.id}`);
  });

  it('exports and erases personal data', async () => {
    const data = await personalData(env.ctx(amina.actor), amina.id);
    expect(data.expertProfile?.name).toBe('Amina Test');
    await expect(personalData(env.ctx(kofi.actor), amina.id)).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect(await erasePersonalData(env.ctx(amina.actor), amina.id)).toEqual({ expertProfiles: 1 });
    expect((await personalData(env.ctx(amina.actor), amina.id)).expertProfile).toBeNull();
  });

  it('edits a profile through the page form, keeping values and showing errors', async () => {
    const agent = await signedInAgent(env, kofi);
    const form = await agent.get('/account/expert-profile');
    expect(form.statusCode).toBe(200);
    const bad = await agent.postForm('/account/expert-profile', {
      listed: 'yes',
      name: 'Kofi Page',
      languages: 'Twi, Elvish',
      visibility_name: 'public',
      visibility_about: 'public',
      visibility_expertise: 'public',
      visibility_languages: 'public',
      visibility_experience: 'public',
      visibility_stakeholderGroup: 'public',
      visibility_organisation: 'public',
      visibility_availability: 'public',
      visibility_links: 'public',
      linkKind: ['resource', 'resource'],
      linkLabel: ['', ''],
      linkHref: ['', ''],
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('Unknown language &quot;Elvish&quot;');
    expect(bad.body).toContain('value="Twi, Elvish"');
    const good = await agent.postForm('/account/expert-profile', {
      listed: 'yes',
      name: 'Kofi Page',
      languages: 'Twi, English',
      themes: ['norms'],
      visibility_name: 'public',
      visibility_about: 'public',
      visibility_expertise: 'public',
      visibility_languages: 'members',
      visibility_experience: 'public',
      visibility_stakeholderGroup: 'public',
      visibility_organisation: 'public',
      visibility_availability: 'public',
      visibility_links: 'private',
    });
    expect(good.statusCode).toBe(303);
    const location = String(good.headers.location);
    expect(location).toMatch(/^\/experts\/[0-9a-f-]{36}\?saved=1$/);
    const mine = await agent.get(location);
    expect(mine.body).toContain('Your profile is saved.');
    expect(mine.body).toContain('visible to members');
    const anonymous = await new TestAgent(env.app).get(location.replace('?saved=1', ''));
    expect(anonymous.statusCode).toBe(200);
    expect(anonymous.body).toContain('Kofi Page');
    expect(anonymous.body).not.toContain('Twi');
    const api = await env.app.inject(`/api/v1${location.replace('?saved=1', '')}`);
    expect(api.json()).toMatchObject({ name: 'Kofi Page', languages: null, themes: ['norms'] });
  });

  it('answers 400 for unknown or bad query parameters', async () => {
    const unknown = await env.app.inject('/api/v1/experts?colour=blue');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().detail).toMatch(/Unknown query parameter: colour/);
    const bad = await env.app.inject('/api/v1/experts?theme=gardening');
    expect(bad.statusCode).toBe(400);
    const page = await env.app.inject({
      url: '/experts?theme=gardening',
      headers: { accept: 'text/html' },
    });
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('Choose one of the offered values.');
  });

  it('seeds demo profiles clearly marked as demo', async () => {
    await expertsModule.seedDemo!(env.ctx());
    const result = await searchExperts(env.ctx(ANONYMOUS), { q: 'demo', pageSize: 50 });
    expect(result.items.filter((i) => i.isDemo).length).toBeGreaterThanOrEqual(5);
    for (const item of result.items.filter((i) => i.isDemo)) {
      expect(item.name ?? '(demo)').toMatch(/\(demo\)/);
    }
    const page = await env.app.inject({ url: '/experts', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Expert (name shown to members only)');
  });
});
