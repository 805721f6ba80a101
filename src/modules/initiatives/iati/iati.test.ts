import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { initiativesToIati, parseIati } from './iati.ts';
import { validateIati } from './iati.service.ts';
import type { Initiative } from '../initiatives.ts';

const regions = [
  { slug: 'western-africa', m49: '011' },
  { slug: 'oceania', m49: '009' },
];

function sample(overrides: Partial<Initiative> = {}): Initiative {
  return {
    id: '0190b8a0-0000-7000-8000-000000000001',
    slug: 'cert-gh-training',
    externalId: null,
    title: 'Incident response training for CERT-GH',
    description: 'Analysts of the national CERT learn triage & log analysis <in Accra>.',
    language: 'en',
    translations: {
      fr: { title: 'Formation CERT-GH', description: 'Les analystes apprennent le tri.' },
    },
    participants: [
      { role: 'implementing', organisationId: 'x', slug: 'first', name: 'FIRST', ref: null },
      {
        role: 'funding',
        organisationId: null,
        slug: null,
        name: 'Ministry of Foreign Affairs of Somewhere',
        ref: 'XM-DAC-99',
      },
      {
        role: 'partner',
        organisationId: 'y',
        slug: 'ghana-cyber-security-authority',
        name: 'Cyber Security Authority',
        ref: null,
      },
    ],
    countries: ['GH'],
    regions: ['western-africa'],
    themes: ['incident-management'],
    cmm: ['knowledge-capabilities'],
    startsOn: '2024-02-01',
    endsOn: '2025-07-31',
    status: 'completion',
    budget: 250000,
    currency: 'EUR',
    outputs: ['40 analysts trained', 'A national exercise'],
    links: ['https://www.example.org/cert-gh'],
    workflow: 'published',
    reviewNote: null,
    createdBy: null,
    submittedAt: null,
    publishedAt: new Date('2024-01-01T00:00:00Z'),
    isDemo: false,
    createdAt: new Date('2024-01-01T00:00:00Z'),
    updatedAt: new Date('2024-03-01T10:00:00Z'),
    ...overrides,
  };
}

const options = {
  generatedAt: new Date('2026-11-23T00:00:00Z'),
  baseUrl: 'https://commons.example',
  regions,
};

describe('IATI activity XML', () => {
  it('rejects the standard’s worked example, an IATI 1.x document, naming each schema error with its line', async () => {
    const xml = readFileSync(
      new URL('../../../../test/fixtures/iati-worked-example.xml', import.meta.url),
      'utf8',
    );
    const errors = await validateIati(xml);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => /^\/lines\/\d+$/.test(e.path))).toBe(true);
    expect(errors.map((e) => e.message).join('\n')).toMatch(
      /reporting-org|narrative|budget-planned/,
    );
  });

  it('accepts the worked example rewritten in 2.03 and reads its narratives, dates and country', async () => {
    const xml = readFileSync(
      new URL('../../../../test/fixtures/iati-worked-example-2.03.xml', import.meta.url),
      'utf8',
    );
    expect(await validateIati(xml)).toEqual([]);
    const { records, problems } = parseIati(xml, regions);
    expect(problems).toEqual([]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      externalId: 'GB-1-12345',
      title: 'Worked example of an activity report',
      language: 'en',
      translations: { fr: { title: "Exemple artificiel d'un rapport d'activité" } },
      countries: ['HT'],
      startsOn: '2010-04-01',
      endsOn: '2011-03-31',
      status: 'post-completion',
      budget: 1000000,
      currency: 'GBP',
    });
  });

  it('exports initiatives as schema-valid 2.03 XML and reads them back unchanged', async () => {
    const list = [
      sample(),
      sample({
        id: 'b',
        slug: 'second',
        externalId: 'GB-GOV-1-300',
        status: 'pipeline',
        translations: {},
        budget: null,
        currency: null,
        endsOn: null,
        outputs: [],
        links: [],
      }),
    ];
    const xml = initiativesToIati(list, options);
    expect(await validateIati(xml)).toEqual([]);
    const { records } = parseIati(xml, regions);
    expect(records[0]).toMatchObject({
      externalId: null,
      slug: 'cert-gh-training',
      title: sample().title,
      description: sample().description,
      translations: sample().translations,
      countries: ['GH'],
      regions: ['western-africa'],
      themes: ['incident-management'],
      cmm: ['knowledge-capabilities'],
      startsOn: '2024-02-01',
      endsOn: '2025-07-31',
      status: 'completion',
      budget: 250000,
      currency: 'EUR',
      outputs: sample().outputs,
      links: sample().links,
    });
    expect(records[0]!.participants).toEqual([
      { role: 'implementing', organisation: 'first', name: 'FIRST', ref: null },
      {
        role: 'funding',
        organisation: null,
        name: 'Ministry of Foreign Affairs of Somewhere',
        ref: 'XM-DAC-99',
      },
      {
        role: 'partner',
        organisation: 'ghana-cyber-security-authority',
        name: 'Cyber Security Authority',
        ref: null,
      },
    ]);
    expect(records[1]).toMatchObject({
      externalId: 'GB-GOV-1-300',
      slug: 'second',
      status: 'pipeline',
      endsOn: null,
      budget: null,
    });
  });

  it('reports malformed XML instead of throwing', async () => {
    expect((await validateIati('<iati-activities><oops')).length).toBeGreaterThan(0);
    expect(
      parseIati('<iati-activities version="2.03"></iati-activities>', regions).problems[0]?.message,
    ).toMatch(/No iati-activity/);
  });

  it('infers themes from the text of activities that carry none of ours', () => {
    const xml = initiativesToIati([sample({ themes: [] })], options).replace(
      /<sector[^]*?<\/sector>/g,
      '',
    );
    const { records } = parseIati(xml, regions);
    expect(records[0]!.themes).toContain('incident-management');
  });
});
