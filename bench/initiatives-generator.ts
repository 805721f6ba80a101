/**
 * Generated initiatives for benchmarks: realistic shape (countries skewed towards a few
 * much-served ones, one or two themes, 6–36 month periods, 40–80 word descriptions), with about
 * 5 % paraphrased duplicates of earlier items. Deterministic for a given seed.
 */
import type { OverlapItem } from '../src/modules/initiatives/overlap.ts';

const COUNTRIES = (
  'GH KE NG SN CI BJ TG BF ML NE TD CM GA CG CD AO ZM ZW MW MZ TZ UG RW BI ET SO DJ SD SS ER EG LY TN DZ MA MR ' +
  'GM GN GW SL LR CV ST GQ CF NA BW ZA LS SZ MG MU SC KM IN PK BD LK NP BT MV AF IR IQ SY LB JO PS IL SA YE OM AE ' +
  'QA BH KW TR GE AM AZ KZ KG TJ TM UZ MN CN KR KP JP TW VN LA KH TH MM MY SG ID PH TL BN PG FJ SB VU WS TO KI TV ' +
  'NR MH FM PW AU NZ BR AR CL PE BO PY UY EC CO VE GY SR MX GT BZ HN SV NI CR PA CU DO HT JM TT BB BS LC VC GD AG ' +
  'KN DM UA MD BY RU PL RO BG RS BA ME MK AL XK HR SI HU SK CZ EE LV LT FI SE NO DK IS IE GB FR DE NL BE LU CH AT IT ES PT GR CY MT'
).split(' ');
const THEMES = [
  'policy-strategy',
  'incident-management',
  'cybercrime',
  'culture-skills',
  'standards',
  'international-law',
  'norms',
  'cbms',
  'data-protection',
  'internet-governance',
];
const TOPICS: Record<string, string[]> = {
  'policy-strategy': [
    'national strategy',
    'action plan',
    'governance framework',
    'costing',
    'consultation',
    'ministry',
    'coordination',
    'policy drafting',
  ],
  'incident-management': [
    'CERT',
    'incident response',
    'triage',
    'SOC',
    'malware analysis',
    'threat intelligence',
    'tabletop exercise',
    'critical infrastructure',
  ],
  cybercrime: [
    'investigators',
    'prosecutors',
    'judges',
    'electronic evidence',
    'digital forensics',
    'legislation',
    'mutual legal assistance',
    'police unit',
  ],
  'culture-skills': [
    'awareness campaign',
    'schools',
    'curriculum',
    'women in cyber',
    'scholarships',
    'university programme',
    'public servants',
    'youth',
  ],
  standards: [
    'ISO 27001',
    'certification',
    'audits',
    'baseline controls',
    'procurement',
    'IoT security',
    'secure development',
    'compliance',
  ],
  'international-law': [
    'international law',
    'national position',
    'due diligence',
    'sovereignty',
    'humanitarian law',
    'legal advisers',
    'diplomats',
    'workshops',
  ],
  norms: [
    'UN norms',
    'responsible behaviour',
    'OEWG',
    'implementation survey',
    'diplomats',
    'checklist',
    'reporting',
    'dialogue',
  ],
  cbms: [
    'points of contact',
    'confidence building',
    'regional dialogue',
    'transparency',
    'OSCE measures',
    'communication exercise',
    'hotline',
    'cooperation',
  ],
  'data-protection': [
    'data protection authority',
    'privacy law',
    'complaints',
    'guidance notes',
    'controllers',
    'data rights',
    'breach notification',
    'regulator',
  ],
  'internet-governance': [
    'IGF',
    'multistakeholder dialogue',
    'community networks',
    'IXP',
    'DNS',
    'youth forum',
    'connectivity',
    'policy research',
  ],
};
const VERBS = [
  'train',
  'support',
  'strengthen',
  'equip',
  'mentor',
  'assess',
  'build',
  'develop',
  'advise',
  'coach',
];
const FILLER = [
  'through workshops',
  'with national partners',
  'over several phases',
  'using blended learning',
  'with a final exercise',
  'in the capital and regions',
  'with peer exchanges',
  'guided by a needs assessment',
  'with regional experts',
  'and publishes lessons learned',
];
const SYNONYMS: Record<string, string> = {
  train: 'coach',
  support: 'assist',
  strengthen: 'reinforce',
  build: 'develop',
  workshops: 'sessions',
  national: 'domestic',
};

/** A small, fast, seeded PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ra',
  'tu',
  'se',
  'no',
  'vi',
  'da',
  'ke',
  'zu',
  'po',
  'ri',
  'an',
  'el',
  'or',
];
/** Invented proper names (places, partners, systems): what makes real descriptions distinct. */
function name(random: () => number): string {
  const parts = 2 + Math.floor(random() * 3);
  let word = '';
  for (let i = 0; i < parts; i++) word += pick(random, SYLLABLES);
  return word;
}

function isoDate(dayNumber: number): string {
  return new Date(dayNumber * 86_400_000).toISOString().slice(0, 10);
}

export function generateInitiatives(n: number, seed = 42): OverlapItem[] {
  const random = rng(seed);
  const items: OverlapItem[] = [];
  const base = Date.UTC(2018, 0, 1) / 86_400_000;
  for (let k = 0; k < n; k++) {
    if (k > 10 && random() < 0.05) {
      // A paraphrase of an earlier initiative: same scope, shifted dates, some words swapped.
      const src = items[Math.floor(random() * k)]!;
      const shift = Math.floor(random() * 60) - 30;
      const words = src.description.split(' ').map((w) => SYNONYMS[w] ?? w);
      items.push({
        ...src,
        id: `g${k}`,
        title: `${src.title} (phase ${1 + Math.floor(random() * 3)})`,
        description: words.reverse().join(' '),
        startsOn: src.startsOn ? isoDate(Date.parse(src.startsOn) / 86_400_000 + shift) : null,
        endsOn: src.endsOn ? isoDate(Date.parse(src.endsOn) / 86_400_000 + shift) : null,
      });
      continue;
    }
    // Skew: a third of initiatives go to 15 much-served countries.
    const country =
      random() < 0.33 ? COUNTRIES[Math.floor(random() * 15)]! : pick(random, COUNTRIES);
    const countries =
      random() < 0.15 ? [country, pick(random, COUNTRIES), pick(random, COUNTRIES)] : [country];
    const theme = pick(random, THEMES);
    const themes = random() < 0.3 ? [theme, pick(random, THEMES)] : [theme];
    const topics = TOPICS[theme]!;
    const start = base + Math.floor(random() * 3300);
    const length = 180 + Math.floor(random() * 900);
    const sentences = [];
    const count = 4 + Math.floor(random() * 3);
    for (let s = 0; s < count; s++) {
      sentences.push(
        `${pick(random, VERBS)} ${pick(random, topics)} of ${name(random)} ${pick(random, FILLER)} ${pick(random, topics)} with ${name(random)}`,
      );
    }
    items.push({
      id: `g${k}`,
      title: `${pick(random, VERBS)} ${pick(random, topics)} in ${country}`,
      description: `The project will ${sentences.join('. The team will ')}.`,
      countries: [...new Set(countries)],
      themes: [...new Set(themes)],
      startsOn: isoDate(start),
      endsOn: isoDate(start + length),
    });
  }
  return items;
}
