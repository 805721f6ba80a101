import { describe, expect, it } from 'vitest';
import { inclusionStatistics } from './register.ts';

describe('inclusion statistics', () => {
  it('counts applications and outcomes by group, region and ECOSOC status', () => {
    const stats = inclusionStatistics([
      { stakeholderGroup: 'academia', region: 'african', ecosocStatus: false, outcome: 'refused' },
      {
        stakeholderGroup: 'civil-society',
        region: 'african',
        ecosocStatus: true,
        outcome: 'accredited',
      },
      {
        stakeholderGroup: 'civil-society',
        region: 'none',
        ecosocStatus: false,
        outcome: 'refused',
      },
      {
        stakeholderGroup: 'civil-society',
        region: 'weog',
        ecosocStatus: false,
        outcome: 'pending',
      },
    ]);
    expect(stats.byStakeholderGroup).toEqual([
      { value: 'civil-society', applied: 3, accredited: 1, refused: 1, pending: 1 },
      { value: 'academia', applied: 1, accredited: 0, refused: 1, pending: 0 },
    ]);
    expect(stats.byRegion.map((r) => r.value)).toEqual(['african', 'weog', 'none']);
    expect(stats.byRegion[0]).toMatchObject({ applied: 2, accredited: 1, refused: 1 });
    expect(stats.byEcosocStatus).toEqual([
      { value: 'with', applied: 1, accredited: 1, refused: 0, pending: 0 },
      { value: 'without', applied: 3, accredited: 0, refused: 2, pending: 1 },
    ]);
  });

  it('is empty for no applications', () => {
    expect(inclusionStatistics([])).toEqual({
      byStakeholderGroup: [],
      byRegion: [],
      byEcosocStatus: [],
    });
  });
});
