import { describe, expect, it } from 'vitest';
import {
  PROFILE_FIELDS,
  VISIBILITIES,
  canSee,
  experienceArea,
  isSafeHref,
  matchReasons,
  searchText,
  viewOf,
  widestAudience,
  type Audience,
  type ExpertProfile,
  type FieldVisibility,
} from './experts.ts';

const geography = (place: string): string[] =>
  ({
    GH: ['GH', 'western-africa', 'sub-saharan-africa', 'africa'],
    SN: ['SN', 'western-africa', 'sub-saharan-africa', 'africa'],
    KE: ['KE', 'eastern-africa', 'sub-saharan-africa', 'africa'],
    'western-africa': ['western-africa', 'sub-saharan-africa', 'africa'],
    africa: ['africa'],
  })[place] ?? [place];

const labels = {
  theme: (c: string) =>
    ({ cybercrime: 'Cybercrime', norms: 'Norms of responsible state behaviour' })[c] ?? c,
  cmmDimension: (c: string) => c,
  language: (c: string) => ({ fr: 'French', en: 'English' })[c] ?? c,
  place: (c: string) =>
    ({ GH: 'Ghana', SN: 'Senegal', 'western-africa': 'Western Africa', africa: 'Africa' })[c] ?? c,
  stakeholderGroup: (c: string) => c,
};

function profile(visibility: Partial<FieldVisibility> = {}): ExpertProfile {
  return {
    id: 'p1',
    userId: 'u1',
    listed: true,
    name: 'Name',
    about: 'About text',
    themes: ['cybercrime'],
    cmmDimensions: ['legal-regulatory'],
    languages: ['fr'],
    regions: ['western-africa'],
    countries: ['GH'],
    stakeholderGroup: 'academia',
    organisation: { id: null, slug: null, name: 'Org' },
    availableFor: ['missions'],
    availabilityNote: 'Note',
    links: [{ kind: 'resource', label: 'Link', href: '/x' }],
    visibility: {
      ...Object.fromEntries(PROFILE_FIELDS.map((f) => [f, 'public'])),
      ...visibility,
    } as FieldVisibility,
    isDemo: false,
    createdAt: new Date(0),
    updatedAt: new Date(0),
  };
}

describe('who sees what', () => {
  it('follows the level table for every audience', () => {
    const table: Record<Audience, Record<string, boolean>> = {
      public: { public: true, members: false, private: false },
      members: { public: true, members: true, private: false },
      owner: { public: true, members: true, private: true },
    };
    for (const audience of ['public', 'members', 'owner'] as const)
      for (const level of VISIBILITIES)
        expect(canSee(level, audience)).toBe(table[audience][level]);
  });

  it('nulls every hidden field of a view, field by field', () => {
    const values: Record<string, (v: ReturnType<typeof viewOf>) => unknown[]> = {
      name: (v) => [v.name],
      about: (v) => [v.about],
      expertise: (v) => [v.themes, v.cmmDimensions],
      languages: (v) => [v.languages],
      experience: (v) => [v.regions, v.countries],
      stakeholderGroup: (v) => [v.stakeholderGroup],
      organisation: (v) => [v.organisation],
      availability: (v) => [v.availableFor, v.availabilityNote],
      links: (v) => [v.links],
    };
    for (const field of PROFILE_FIELDS)
      for (const level of VISIBILITIES)
        for (const audience of ['public', 'members', 'owner'] as const) {
          const view = viewOf(profile({ [field]: level }), audience);
          for (const value of values[field]!(view))
            expect(value === null, `${field}/${level}/${audience}`).toBe(!canSee(level, audience));
          expect(view.visibility === null).toBe(audience !== 'owner');
        }
  });

  it('finds the widest audience of a profile', () => {
    expect(widestAudience(profile().visibility)).toBe('public');
    const allMembers = Object.fromEntries(
      PROFILE_FIELDS.map((f) => [f, 'members']),
    ) as FieldVisibility;
    expect(widestAudience(allMembers)).toBe('members');
    expect(widestAudience({ ...allMembers, about: 'private', name: 'private' })).toBe('members');
    const allPrivate = Object.fromEntries(
      PROFILE_FIELDS.map((f) => [f, 'private']),
    ) as FieldVisibility;
    expect(widestAudience(allPrivate)).toBe('private');
  });

  it('makes search words only from the fields an audience may see', () => {
    const p = profile({ about: 'members', languages: 'private' });
    expect(searchText(p, 'public', labels)).not.toContain('About text');
    expect(searchText(p, 'members', labels)).toContain('About text');
    expect(searchText(p, 'members', labels)).not.toContain('French');
    expect(searchText(p, 'owner', labels)).toContain('French');
    expect(searchText(p, 'public', labels)).toContain('Cybercrime');
  });
});

describe('needs matching', () => {
  it('gives reasons in words, closest places first', () => {
    const view = viewOf(profile(), 'public');
    const result = matchReasons(
      view,
      { themes: ['cybercrime', 'norms'], languages: ['fr', 'en'], places: ['SN'] },
      geography,
      labels,
    );
    expect(result.reasons).toEqual([
      'works on cybercrime',
      'speaks French',
      'experience in Western Africa',
    ]);
    // Western Africa contains Senegal: a broad match (1), beside the theme (3) and language (2).
    expect(result.score).toBe(3 + 2 + 1);
  });

  it('counts a broad region containing the need as a weaker reason', () => {
    const p = { ...profile(), regions: ['africa'], countries: [] };
    const result = matchReasons(viewOf(p, 'public'), { places: ['KE'] }, geography, labels);
    expect(result.reasons).toEqual(['experience in Africa']);
    expect(result.score).toBe(1);
  });

  it('takes no reason from a hidden field', () => {
    const view = viewOf(profile({ expertise: 'members', languages: 'private' }), 'public');
    const result = matchReasons(
      view,
      { themes: ['cybercrime'], languages: ['fr'], places: ['GH'] },
      geography,
      labels,
    );
    expect(result.reasons).toEqual(['experience in Ghana and Western Africa']);
  });

  it('expands experience to the regions containing it', () => {
    expect(experienceArea(['western-africa'], ['KE'], geography).sort()).toEqual(
      ['KE', 'africa', 'eastern-africa', 'sub-saharan-africa', 'western-africa'].sort(),
    );
  });
});

describe('profile links', () => {
  it('accepts site paths and http(s) addresses only', () => {
    for (const ok of [
      '/resources/x',
      '/catalogue?theme=cybercrime',
      'https://example.org/a',
      'http://example.org',
    ])
      expect(isSafeHref(ok), ok).toBe(true);
    for (const bad of [
      'javascript:alert(1)',
      '//evil.example',
      'data:text/html,x',
      'ftp://x.org',
      '/a/../b',
      'x',
      '',
    ])
      expect(isSafeHref(bad), bad).toBe(false);
  });
});
