import { describe, expect, it } from 'vitest';
import { renderToString } from 'preact-render-to-string';
import { JsonLd } from '../../web/components/island.tsx';
import { checkNode, extractJsonLd } from '../../../test/helpers/schema-org.ts';
import {
  courseJsonLd,
  creativeWorkJsonLd,
  eventJsonLd,
  organizationJsonLd,
} from './structured-data.ts';

const itu = { name: 'ITU Academy', url: 'https://academy.itu.int', country: 'CH' };

/** Renders the data as a page would, then reads it back as a crawler would. */
function roundTrip(data: Record<string, unknown>) {
  const html = `<html><head>${renderToString(<JsonLd data={data} />)}</head><body></body></html>`;
  const blocks = extractJsonLd(html);
  expect(blocks).toHaveLength(1);
  return blocks[0]!;
}

describe('schema.org JSON-LD', () => {
  it('describes a course with its provider, offer and instance', () => {
    const node = roundTrip(
      courseJsonLd({
        name: 'Cybersecurity policy for diplomats',
        description: 'An introduction to norms, international law and confidence-building.',
        url: 'https://commons.example/resources/cyber-policy-diplomats',
        provider: itu,
        languages: ['en', 'fr'],
        free: true,
        mode: 'online',
        hours: 12,
        startDate: '2027-01-10',
        certificate: true,
      }),
    );
    expect(checkNode(node)).toEqual([]);
    expect(node).toMatchObject({
      '@type': 'Course',
      provider: { '@type': 'Organization', name: 'ITU Academy' },
      hasCourseInstance: [
        { '@type': 'CourseInstance', courseMode: 'Online', courseWorkload: 'PT12H' },
      ],
      offers: [{ '@type': 'Offer', category: 'Free', price: 0 }],
    });
  });

  it('describes online, in-person and hybrid events', () => {
    const base = {
      name: 'IGF 2026 workshop: Cyber norms in practice',
      url: 'https://commons.example/events/igf-2026',
      startDate: '2026-12-10T09:00:00+01:00',
      endDate: '2026-12-10T10:30:00+01:00',
      organizer: { name: 'Internet Governance Forum' },
    };
    const hybrid = roundTrip(
      eventJsonLd({
        ...base,
        venue: { name: 'Palais des Nations', city: 'Geneva', country: 'CH' },
        onlineUrl: 'https://meet.example/igf',
      }),
    );
    expect(checkNode(hybrid)).toEqual([]);
    expect(hybrid.eventAttendanceMode).toBe('https://schema.org/MixedEventAttendanceMode');
    const online = roundTrip(eventJsonLd({ ...base, onlineUrl: 'https://meet.example/igf' }));
    expect(checkNode(online)).toEqual([]);
    expect(online.location).toMatchObject({ '@type': 'VirtualLocation' });
  });

  it('describes organisations and publications', () => {
    expect(checkNode(roundTrip(organizationJsonLd({ ...itu, alternateName: 'ITU' })))).toEqual([]);
    const report = roundTrip(
      creativeWorkJsonLd({
        type: 'Report',
        name: 'Report of the Group of Governmental Experts (A/70/174)',
        url: 'https://commons.example/resources/a-70-174',
        publisher: { name: 'United Nations' },
        datePublished: '2015-07-22',
        languages: ['ar', 'zh', 'en', 'fr', 'ru', 'es'],
      }),
    );
    expect(checkNode(report)).toEqual([]);
  });

  it('keeps hostile text inside the JSON-LD block', () => {
    const node = roundTrip(
      organizationJsonLd({ name: 'Evil </script><script>alert(1)</script> Org' }),
    );
    expect(node.name).toBe('Evil </script><script>alert(1)</script> Org');
  });

  it('the checker finds what is missing or malformed', () => {
    expect(checkNode({ '@type': 'Course', name: 'x' })).toEqual([
      '$: @context must be https://schema.org',
      '$: Course needs description',
      '$: Course needs provider',
    ]);
    const event = {
      '@context': 'https://schema.org',
      '@type': 'Event',
      name: 'x',
      startDate: '10 December 2026',
      url: '/events/x',
      location: { '@type': 'Organization', name: 'y' },
      eventStatus: 'Scheduled',
    };
    expect(checkNode(event)).toEqual([
      '$.url: not an absolute URL: /events/x',
      '$.startDate: not an ISO 8601 date: 10 December 2026',
      '$.eventStatus: Scheduled is not one of https://schema.org/EventScheduled, https://schema.org/EventCancelled, https://schema.org/EventPostponed, https://schema.org/EventRescheduled, https://schema.org/EventMovedOnline',
      '$.location: type Organization is not Place or VirtualLocation',
    ]);
    expect(
      checkNode({
        '@context': 'https://schema.org',
        '@type': 'Course',
        name: 'x',
        description: 'y',
        provider: { '@type': 'Organization' },
      }),
    ).toEqual(['$.provider: Organization needs name']);
    expect(checkNode({ '@context': 'https://schema.org', '@type': 'Recipe' })).toEqual([
      '$: no rule for type Recipe',
    ]);
  });
});
