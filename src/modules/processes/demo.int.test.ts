import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../../test/helpers/app.ts';
import { databaseKinds } from '../../../test/helpers/db.ts';
import { ManualClock } from '../../platform/clock.ts';
import { organisationsModule } from '../organisations/index.ts';
import { processesModule, getRegister } from './index.ts';

describe.each(databaseKinds())('processes demo data on %s', (kind) => {
  let env: TestEnv;
  const clock = new ManualClock(new Date('2026-11-23T12:00:00Z'));
  beforeAll(async () => {
    env = await createTestEnv(kind, { clock });
    await organisationsModule.seedDemo!(env.ctx());
    await processesModule.seedDemo!(env.ctx());
  });
  afterAll(async () => env?.close());

  it('seeds the real processes with their public facts, and marks fictional data as demo', async () => {
    const list = (await env.app.inject('/api/v1/processes?pageSize=50')).json();
    const slugs = list.items.map((p: { slug: string }) => p.slug);
    expect(slugs).toEqual(
      expect.arrayContaining([
        'oewg-2021-2025',
        'global-mechanism-ict-security',
        'global-mechanism-dtg-capacity-building',
        'igf',
        'osce-ict-cbms',
      ]),
    );
    const oewg = list.items.find((p: { slug: string }) => p.slug === 'oewg-2021-2025');
    expect(oewg.mandate).toContain('75/240');
    expect(oewg.description).toContain('32 of the 86');
    expect(oewg.isDemo).toBe(false);
    const register = await getRegister(env.ctx(), 'oewg-2021-2025');
    expect(register.total).toBeGreaterThan(5);
    expect(register.items.every((a) => a.isDemo && a.organisation.name.includes('fictional'))).toBe(
      true,
    );
    expect(register.items.some((a) => a.outcome === 'refused')).toBe(true);
    const dtg = await getRegister(env.ctx(), 'global-mechanism-dtg-capacity-building');
    expect(dtg.items.some((a) => a.outcome === 'pending')).toBe(true);
  });

  it('serves every demo page', async () => {
    for (const url of [
      '/processes',
      '/processes/oewg-2021-2025',
      '/processes/oewg-2021-2025/register',
      '/processes/oewg-2021-2025/register.csv',
      '/processes/oewg-2021-2025/decisions.atom',
      '/processes/oewg-2021-2025/apply',
      '/processes/igf',
      '/processes/osce-ict-cbms',
      '/processes/global-mechanism-ict-security',
      '/processes/global-mechanism-dtg-capacity-building/register',
      '/consultations/demo-draft-capacity-building-principles',
      '/consultations/demo-draft-capacity-building-principles/compilation',
      '/consultations/demo-draft-capacity-building-principles/compilation/print',
      '/consultations/demo-draft-capacity-building-principles/compilation.csv',
      '/consultations/demo-igf-capacity-building-inputs',
      '/consultations/demo-igf-capacity-building-inputs/submit',
      '/receipts',
      '/fr/processes/oewg-2021-2025/register',
    ]) {
      const response = await env.app.inject({ url, headers: { accept: 'text/html' } });
      expect(response.statusCode, `${url}: ${response.body.slice(0, 500)}`).toBe(200);
    }
  });

  it('verifies the receipts of the demo submissions', async () => {
    const compilation = (
      await env.app.inject(
        '/api/v1/consultations/demo-draft-capacity-building-principles/submissions',
      )
    ).json();
    expect(compilation.published).toBe(true);
    expect(compilation.items).toHaveLength(3);
    for (const item of compilation.items) {
      const check = (await env.app.inject(`/api/v1/receipts/${item.receipt}`)).json();
      expect(check.valid).toBe(true);
    }
  });
});
