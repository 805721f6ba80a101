export const ORGANISATION_KINDS = [
  'government',
  'regional-organisation',
  'international-organisation',
  'ngo',
  'company',
  'technical-body',
  'university',
  'think-tank',
  'foundation',
] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export interface Organisation {
  id: string;
  slug: string;
  name: string;
  acronym: string | null;
  stakeholderGroup: string;
  kind: string;
  country: string | null;
  website: string | null;
  description: string;
  ecosocStatus: boolean;
  memberStates: string[];
}
