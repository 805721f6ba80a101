import type { ServiceContext } from '../../platform/context.ts';
import { AppError, type FieldError } from '../../platform/errors.ts';
import { recordAudit } from '../../platform/audit.ts';
import { isUuid, newId, slugify } from '../../platform/ids.ts';
import { parseOrThrow } from '../../platform/validation.ts';
import {
  authorize,
  checkRateLimit,
  createUser,
  findUserByEmail,
  isAllowed,
} from '../accounts/index.ts';
import { organisationsById, organisationsBySlug } from '../organisations/index.ts';
import { TAXONOMIES, countries, languages, regions } from '../reference/index.ts';
import { countryName, languageName } from '../reference/index.ts';
import * as repo from './experts.repository.ts';
import {
  DEFAULT_VISIBILITY,
  audienceFor,
  experienceArea,
  isSafeHref,
  levelsFor,
  matchReasons,
  PROFILE_SAVE_LIMIT,
  searchText,
  viewOf,
  widestAudience,
  type ExpertLink,
  type ExpertProfile,
  type ExpertView,
  type FieldVisibility,
  type Geography,
  type MatchResult,
  type SearchLabels,
} from './experts.ts';
import { ProfileInput, type ExpertQuery } from './experts.schemas.ts';

type ReadCtx = Pick<ServiceContext, 'readDb' | 'actor'>;

/** Reference lookups the rules need: names of things, and which regions contain a place. */
interface Gazetteer {
  geography: Geography;
  labels: SearchLabels;
  regionSlugs: Set<string>;
  countryByToken: Map<string, string>;
  languageByToken: Map<string, string>;
}

let gazetteer: Promise<Gazetteer> | null = null;

/** Reference data changes only with a migration, so it is read once per process. */
function loadGazetteer(ctx: Pick<ServiceContext, 'readDb'>): Promise<Gazetteer> {
  gazetteer ??= (async () => {
    const [countryList, regionList, languageList] = await Promise.all([
      countries(ctx),
      regions(ctx),
      languages(ctx),
    ]);
    const parent = new Map(regionList.map((r) => [r.slug, r.parent]));
    const regionName = new Map(regionList.map((r) => [r.slug, r.name]));
    const countryRegions = new Map(
      countryList.map((c) => [
        c.iso2,
        [c.intermediateRegion, c.subRegion, c.region].filter((r): r is string => !!r),
      ]),
    );
    const ancestry = (slug: string): string[] => {
      const chain: string[] = [];
      for (let at: string | null | undefined = slug; at; at = parent.get(at)) chain.push(at);
      return chain;
    };
    const geography: Geography = (place) => {
      const viaCountry = countryRegions.get(place);
      if (viaCountry) {
        return [place, ...new Set(viaCountry.flatMap(ancestry))];
      }
      return regionName.has(place) ? ancestry(place) : [place];
    };
    const label = (taxonomy: keyof typeof TAXONOMIES) => {
      const map = new Map<string, string>(TAXONOMIES[taxonomy].map((t) => [t.code, t.label]));
      return (code: string) => map.get(code) ?? code;
    };
    const countryByToken = new Map<string, string>();
    for (const c of countryList) {
      for (const token of [c.iso2, c.iso3, c.name, countryName(c.iso2, 'en', c.name)])
        countryByToken.set(token.toLowerCase(), c.iso2);
    }
    const languageByToken = new Map<string, string>();
    for (const l of languageList) {
      for (const token of [l.code, l.name, l.nativeName, languageName(l.code, 'en')])
        if (token) languageByToken.set(token.toLowerCase(), l.code);
    }
    return {
      geography,
      regionSlugs: new Set(regionName.keys()),
      countryByToken,
      languageByToken,
      labels: {
        theme: label('theme'),
        cmmDimension: label('cmmDimension'),
        stakeholderGroup: label('stakeholderGroup'),
        language: (code) => languageName(code, 'en'),
        place: (code) => regionName.get(code) ?? countryName(code, 'en', code),
      },
    };
  })();
  gazetteer.catch(() => {
    gazetteer = null;
  });
  return gazetteer;
}

async function toProfiles(
  ctx: Pick<ServiceContext, 'readDb'>,
  rows: readonly repo.ProfileRow[],
): Promise<ExpertProfile[]> {
  const orgIds = rows.map((r) => r.organisation_id).filter((id): id is string => !!id);
  const orgs = orgIds.length ? await organisationsById(ctx, orgIds) : new Map();
  return rows.map((row) => {
    const org = row.organisation_id ? orgs.get(row.organisation_id) : undefined;
    return {
      id: row.id,
      userId: row.user_id,
      listed: row.listed,
      name: row.name,
      about: row.about,
      themes: row.themes,
      cmmDimensions: row.cmm_dimensions,
      languages: row.languages,
      regions: row.regions,
      countries: row.countries,
      stakeholderGroup: row.stakeholder_group,
      organisation: org
        ? { id: org.id, slug: org.slug, name: org.name }
        : row.organisation_name
          ? { id: null, slug: null, name: row.organisation_name }
          : null,
      availableFor: row.available_for,
      availabilityNote: row.availability_note,
      links: (row.links ?? []) as ExpertLink[],
      visibility: { ...DEFAULT_VISIBILITY, ...(row.visibility as Partial<FieldVisibility>) },
      isDemo: row.is_demo,
      createdAt: new Date(row.created_at),
      updatedAt: new Date(row.updated_at),
    };
  });
}

function readerOf(ctx: ReadCtx): repo.Reader {
  return {
    viewerId: ctx.actor.userId,
    levels: levelsFor(ctx.actor.userId ? 'members' : 'public'),
  };
}

/** The caller's own profile, or null when they have not created one. */
export async function getMyProfile(ctx: ServiceContext): Promise<ExpertProfile | null> {
  authorize(ctx, 'expert.profile');
  const row = await repo.findByUserId(ctx.db, ctx.actor.userId!);
  if (!row) return null;
  return (await toProfiles(ctx, [row]))[0] ?? null;
}

/** One profile as the caller may see it; absent (404) when nothing of it is visible to them. */
export async function getExpert(ctx: ServiceContext, id: string): Promise<ExpertView> {
  if (!isUuid(id)) throw AppError.notFound('The expert');
  const row = await repo.findById(ctx.readDb, id);
  if (!row) throw AppError.notFound('The expert');
  const [profile] = await toProfiles(ctx, [row]);
  const audience = audienceFor(ctx.actor.userId, row.user_id);
  const view = viewOf(profile!, audience);
  const seesAnything =
    audience === 'owner' ||
    (profile!.listed && levelsFor(audience).includes(widestAudience(profile!.visibility)));
  if (!seesAnything) throw AppError.notFound('The expert');
  return view;
}

export interface ExpertPage {
  items: ExpertView[];
  total: number;
  page: number;
  pageSize: number;
}

/** Search and filters; a filter or a word matches only fields the caller may see. */
export async function searchExperts(ctx: ServiceContext, query: ExpertQuery): Promise<ExpertPage> {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  const areas = [
    ...(query.region ? [query.region] : []),
    ...(query.country ? [query.country.toUpperCase()] : []),
  ];
  const { rows, total } = await repo.searchProfiles(ctx.readDb, {
    ...readerOf(ctx),
    q: query.q?.trim() || undefined,
    themes: query.theme ? [query.theme] : undefined,
    cmmDimensions: query.cmmDimension ? [query.cmmDimension] : undefined,
    languages: query.language ? [query.language] : undefined,
    areas: areas.length ? areas : undefined,
    stakeholderGroup: query.stakeholderGroup,
    available: query.available,
    limit: pageSize,
    offset: (page - 1) * pageSize,
  });
  const profiles = await toProfiles(ctx, rows);
  return {
    items: profiles.map((p) => viewOf(p, audienceFor(ctx.actor.userId, p.userId))),
    total,
    page,
    pageSize,
  };
}

export interface MatchRequest {
  themes?: readonly string[];
  cmmDimensions?: readonly string[];
  languages?: readonly string[];
  countries?: readonly string[];
  regions?: readonly string[];
  /** At most this many experts (default 5, at most 50). */
  limit?: number;
}

export interface ExpertMatch extends MatchResult {
  expert: ExpertView;
  /** The profile page, for links in the caller's pages. */
  url: string;
}

/**
 * Experts who fit a need, best first, each with its reasons in words ("works on cybercrime; speaks
 * French; experience in Western Africa"). Only what the caller may see of a profile can make it
 * match or give a reason. Used by the needs clearing house.
 */
export async function matchExperts(
  ctx: ServiceContext,
  request: MatchRequest,
): Promise<ExpertMatch[]> {
  const limit = Math.min(Math.max(Math.trunc(request.limit ?? 5), 1), 50);
  const geo = await loadGazetteer(ctx);
  const places = [
    ...(request.countries ?? []).map((c) => c.toUpperCase()),
    ...(request.regions ?? []),
  ];
  // Candidates cover the need's places and every region around them, so that an expert of
  // "Africa" is found for a need in Ghana.
  const areas = [...new Set(places.flatMap((p) => geo.geography(p)))];
  const need = {
    themes: request.themes ?? [],
    cmmDimensions: request.cmmDimensions ?? [],
    languages: request.languages ?? [],
    places,
  };
  if (!need.themes.length && !need.cmmDimensions.length && !need.languages.length && !areas.length)
    return [];
  const { rows } = await repo.searchProfiles(ctx.readDb, {
    ...readerOf(ctx),
    themes: need.themes.length ? [...need.themes] : undefined,
    cmmDimensions: need.cmmDimensions.length ? [...need.cmmDimensions] : undefined,
    languages: need.languages.length ? [...need.languages] : undefined,
    areas: areas.length ? areas : undefined,
    anyOf: true,
    // The best candidates by a rough SQL score; exact scores and reasons are worked out below.
    byOverlap: true,
    limit: Math.max(limit * 10, 50),
    offset: 0,
  });
  const profiles = await toProfiles(ctx, rows);
  return profiles
    .map((p) => {
      const view = viewOf(p, audienceFor(ctx.actor.userId, p.userId));
      return {
        expert: view,
        url: `/experts/${p.id}`,
        ...matchReasons(view, need, geo.geography, geo.labels),
      };
    })
    .filter((m) => m.score > 0)
    .sort((a, b) => b.score - a.score || +b.expert.updatedAt - +a.expert.updatedAt)
    .slice(0, limit);
}

/** Turns names or codes into codes, naming each one not recognised. */
function resolveTokens(
  tokens: readonly string[],
  known: Map<string, string>,
  path: string,
  what: string,
  example: string,
  errors: FieldError[],
): string[] {
  const out: string[] = [];
  for (const raw of tokens) {
    const token = raw.trim();
    if (!token) continue;
    const code = known.get(token.toLowerCase());
    if (!code) {
      errors.push({ path, message: `Unknown ${what} "${token.slice(0, 60)}": ${example}` });
      continue;
    }
    if (!out.includes(code)) out.push(code);
  }
  return out;
}

/** Creates or replaces the caller's profile. */
export async function saveMyProfile(ctx: ServiceContext, raw: unknown): Promise<ExpertProfile> {
  authorize(ctx, 'expert.profile');
  const userId = ctx.actor.userId;
  if (!userId) throw AppError.forbidden('Only a person with an account can have a profile.');
  return writeProfile(ctx, userId, raw, false);
}

async function writeProfile(
  ctx: ServiceContext,
  userId: string,
  raw: unknown,
  isDemo: boolean,
): Promise<ExpertProfile> {
  const input = parseOrThrow(ProfileInput, raw);
  const geo = await loadGazetteer(ctx);
  const errors: FieldError[] = [];
  const name = input.name.trim();
  if (!name) errors.push({ path: '/name', message: 'Enter the name to show on your profile.' });
  const languageCodes = resolveTokens(
    input.languages,
    geo.languageByToken,
    '/languages',
    'language',
    'use a name such as French or a code such as fr.',
    errors,
  );
  const countryCodes = resolveTokens(
    input.countries,
    geo.countryByToken,
    '/countries',
    'country',
    'use a name such as Ghana or a code such as GH.',
    errors,
  );
  const regionSlugs = [...new Set(input.regions)];
  for (const r of regionSlugs)
    if (!geo.regionSlugs.has(r))
      errors.push({ path: '/regions', message: `Unknown region "${r.slice(0, 60)}".` });
  input.links.forEach((link, i) => {
    if (!isSafeHref(link.href.trim()))
      errors.push({
        path: `/links/${i}/href`,
        message: `Link ${i + 1}: use a path on this site (starting with /) or an http(s) address.`,
      });
  });
  if (errors.length) throw AppError.validation(errors);
  if (!isDemo)
    await checkRateLimit(ctx, { key: `experts:profile:user:${userId}`, ...PROFILE_SAVE_LIMIT });

  let organisationId: string | null = null;
  let organisationName: string | null = input.organisation?.trim() || null;
  if (organisationName) {
    const found = await organisationsBySlug(ctx, [organisationName, slugify(organisationName)]);
    const org = found.get(organisationName) ?? found.get(slugify(organisationName));
    if (org) {
      organisationId = org.id;
      organisationName = org.name;
    }
  }
  const visibility = { ...DEFAULT_VISIBILITY, ...input.visibility };
  const now = ctx.clock.now();
  const content = {
    listed: input.listed,
    name,
    about: input.about.trim(),
    themes: input.themes,
    cmmDimensions: input.cmmDimensions,
    languages: languageCodes,
    regions: regionSlugs,
    countries: countryCodes,
    stakeholderGroup: input.stakeholderGroup,
    organisation: organisationName
      ? { id: organisationId, slug: null, name: organisationName }
      : null,
    availableFor: input.availableFor,
    availabilityNote: input.availabilityNote.trim(),
    links: input.links.map((l) => ({ kind: l.kind, label: l.label.trim(), href: l.href.trim() })),
    visibility,
  };
  return ctx.db.transaction().execute(async (trx) => {
    const existing = await repo.findRawByUserId(trx, userId);
    const row = await repo.upsertProfile(
      trx,
      {
        id: existing?.id ?? newId(),
        user_id: userId,
        listed: content.listed,
        name: content.name,
        about: content.about,
        themes: content.themes,
        cmm_dimensions: content.cmmDimensions,
        languages: content.languages,
        regions: content.regions,
        countries: content.countries,
        experience_area: experienceArea(content.regions, content.countries, geo.geography),
        stakeholder_group: content.stakeholderGroup,
        organisation_id: organisationId,
        organisation_name: organisationName,
        available_for: content.availableFor,
        availability_note: content.availabilityNote,
        links: JSON.stringify(content.links),
        visibility: JSON.stringify(visibility),
        audience: widestAudience(visibility),
        is_demo: isDemo,
        created_at: existing?.created_at ?? now,
        updated_at: now,
      },
      {
        public: searchText(content, 'public', geo.labels),
        members: searchText(content, 'members', geo.labels),
        owner: searchText(content, 'owner', geo.labels),
      },
    );
    // The audit keeps what changed in shape (listing and visibility), not the person's details.
    await recordAudit(trx, ctx, {
      action: existing ? 'expert.profile.update' : 'expert.profile.create',
      entityType: 'expert_profile',
      entityId: row.id,
      before: existing ? { listed: existing.listed, visibility: existing.visibility } : undefined,
      after: { listed: content.listed, visibility },
    });
    return (await toProfiles({ readDb: trx }, [{ ...row }]))[0]!;
  });
}

/** Removes the caller's profile entirely (opting out). */
export async function deleteMyProfile(ctx: ServiceContext): Promise<boolean> {
  authorize(ctx, 'expert.profile');
  const userId = ctx.actor.userId;
  if (!userId) return false;
  return ctx.db.transaction().execute(async (trx) => {
    const existing = await repo.findRawByUserId(trx, userId);
    if (!existing) return false;
    await repo.deleteByUserId(trx, userId);
    await recordAudit(trx, ctx, {
      action: 'expert.profile.delete',
      entityType: 'expert_profile',
      entityId: existing.id,
    });
    return true;
  });
}

function authorizeSelfOrAdmin(ctx: ServiceContext, userId: string): void {
  if (ctx.actor.userId === userId || ctx.actor.via === 'system') return;
  authorize(ctx, 'users.manage');
}

/** Everything this module holds about a person, for their data export. */
export async function personalData(
  ctx: ServiceContext,
  userId: string,
): Promise<{ expertProfile: ExpertProfile | null }> {
  authorizeSelfOrAdmin(ctx, userId);
  const row = await repo.findRawByUserId(ctx.db, userId);
  return { expertProfile: row ? ((await toProfiles(ctx, [row]))[0] ?? null) : null };
}

/** Erases a person's profile (account erasure). Returns how many rows went. */
export async function erasePersonalData(
  ctx: ServiceContext,
  userId: string,
): Promise<{ expertProfiles: number }> {
  authorizeSelfOrAdmin(ctx, userId);
  return ctx.db.transaction().execute(async (trx) => {
    const existing = await repo.findRawByUserId(trx, userId);
    if (!existing) return { expertProfiles: 0 };
    await repo.deleteByUserId(trx, userId);
    await recordAudit(trx, ctx, {
      action: 'expert.profile.erase',
      entityType: 'expert_profile',
      entityId: existing.id,
    });
    return { expertProfiles: 1 };
  });
}

/** Listed profiles anyone can find (for counts). */
export function countPublicExperts(ctx: Pick<ServiceContext, 'readDb'>): Promise<number> {
  return repo.countListed(ctx.readDb, ['public']);
}

/** Whether the caller may create a profile (any signed-in person). */
export function mayHaveProfile(ctx: ServiceContext): boolean {
  return !!ctx.actor.userId && isAllowed(ctx, 'expert.profile');
}

export interface DemoExpert {
  email: string;
  displayName: string;
  profile: unknown;
}

/** Fictional people, each clearly marked as demo, with their profiles. */
export async function seedDemoExperts(ctx: ServiceContext, people: readonly DemoExpert[]) {
  for (const person of people) {
    const existing = await findUserByEmail(ctx, person.email);
    const user =
      existing ?? (await createUser(ctx, { email: person.email, displayName: person.displayName }));
    await writeProfile(ctx, user.id, person.profile, true);
  }
}
