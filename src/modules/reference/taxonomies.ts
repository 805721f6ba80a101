/**
 * The platform's controlled vocabularies (DESIGN.md section 5). Codes are stable identifiers used
 * in URLs, the API and imports; English labels here, every UI language in the message catalogue
 * under "taxonomy.<taxonomy>.<code>".
 */
export interface TaxonomyTerm {
  code: string;
  label: string;
  /** e.g. the minutes of a session format. */
  extra?: Record<string, unknown>;
}

export const TAXONOMIES = {
  stakeholderGroup: [
    { code: 'government', label: 'Government' },
    { code: 'igo', label: 'Intergovernmental organisation' },
    { code: 'civil-society', label: 'Civil society' },
    { code: 'private-sector', label: 'Private sector' },
    { code: 'technical-community', label: 'Technical community' },
    { code: 'academia', label: 'Academia' },
  ],
  theme: [
    { code: 'policy-strategy', label: 'Cyber Security Policy and Strategy' },
    {
      code: 'incident-management',
      label: 'Cyber Incident Management and Critical Information Infrastructure Protection',
    },
    { code: 'cybercrime', label: 'Cybercrime' },
    { code: 'culture-skills', label: 'Cyber Security Culture and Skills' },
    { code: 'standards', label: 'Cyber Security Standards' },
    {
      code: 'international-law',
      label: 'International law in cyberspace (incl. international humanitarian law)',
    },
    { code: 'norms', label: 'Norms of responsible state behaviour' },
    { code: 'cbms', label: 'Confidence-building measures' },
    { code: 'data-protection', label: 'Data protection and privacy' },
    { code: 'internet-governance', label: 'Internet governance' },
  ],
  cmmDimension: [
    { code: 'policy-strategy', label: 'Cybersecurity Policy and Strategy' },
    { code: 'culture-society', label: 'Cyber Culture and Society' },
    { code: 'knowledge-capabilities', label: 'Building Cybersecurity Knowledge and Capabilities' },
    { code: 'legal-regulatory', label: 'Legal and Regulatory Frameworks' },
    { code: 'standards-technologies', label: 'Standards and Technologies' },
  ],
  maturityStage: [
    { code: 'start-up', label: 'Start-up' },
    { code: 'formative', label: 'Formative' },
    { code: 'established', label: 'Established' },
    { code: 'strategic', label: 'Strategic' },
    { code: 'dynamic', label: 'Dynamic' },
  ],
  ggeNorm: [
    { code: 'a', label: 'Cooperate to increase stability and security' },
    { code: 'b', label: 'Consider all relevant information in case of ICT incidents' },
    {
      code: 'c',
      label: 'Do not knowingly allow territory to be used for internationally wrongful acts',
    },
    {
      code: 'd',
      label: 'Cooperate to exchange information and prosecute terrorist and criminal use of ICTs',
    },
    { code: 'e', label: 'Respect human rights and privacy' },
    { code: 'f', label: 'Do not damage critical infrastructure' },
    { code: 'g', label: 'Protect critical infrastructure' },
    { code: 'h', label: 'Respond to requests for assistance' },
    { code: 'i', label: 'Ensure the integrity of the supply chain' },
    { code: 'j', label: 'Report ICT vulnerabilities' },
    { code: 'k', label: 'Do not harm emergency response teams' },
  ],
  unRegionalGroup: [
    { code: 'african', label: 'African Group' },
    { code: 'asia-pacific', label: 'Asia-Pacific Group' },
    { code: 'eastern-european', label: 'Eastern European Group' },
    { code: 'latin-american-caribbean', label: 'Latin American and Caribbean Group' },
    { code: 'weog', label: 'Western European and Others Group' },
  ],
  sessionFormat: [
    { code: 'round-table-u', label: 'Round Table – U-shape', extra: { minutes: 60 } },
    { code: 'round-table-circle', label: 'Round Table – Circle', extra: { minutes: 90 } },
    { code: 'panel', label: 'Panel', extra: { minutes: 60 } },
    { code: 'workshop', label: 'Workshop / break-out groups', extra: { minutes: 90 } },
    { code: 'debate', label: 'Debate', extra: { minutes: 60 } },
    { code: 'birds-of-a-feather', label: 'Birds of a feather', extra: { minutes: 60 } },
    { code: 'lightning-talk', label: 'Lightning talk', extra: { minutes: 20 } },
    { code: 'open-forum', label: 'Open forum', extra: { minutes: 60 } },
  ],
  resourceKind: [
    { code: 'course', label: 'Course' },
    { code: 'programme', label: 'Programme' },
    { code: 'tool', label: 'Tool' },
    { code: 'publication', label: 'Publication' },
    { code: 'guide', label: 'Guide' },
    { code: 'toolkit', label: 'Toolkit' },
    { code: 'dataset', label: 'Dataset' },
    { code: 'recorded-event', label: 'Recorded event' },
  ],
  audience: [
    { code: 'diplomats', label: 'Diplomats' },
    { code: 'policy-makers', label: 'Policy makers' },
    { code: 'legal-professionals', label: 'Legal professionals' },
    { code: 'law-enforcement', label: 'Law enforcement' },
    { code: 'technical-cert', label: 'Technical and CERT staff' },
    { code: 'parliamentarians', label: 'Parliamentarians' },
    { code: 'civil-society', label: 'Civil society' },
    { code: 'general-public', label: 'General public' },
  ],
  level: [
    { code: 'introductory', label: 'Introductory' },
    { code: 'intermediate', label: 'Intermediate' },
    { code: 'advanced', label: 'Advanced' },
  ],
  format: [
    { code: 'online-self-paced', label: 'Online, self-paced' },
    { code: 'online-instructor-led', label: 'Online, instructor-led' },
    { code: 'face-to-face', label: 'Face-to-face' },
    { code: 'blended', label: 'Blended' },
  ],
  registration: [
    { code: 'direct', label: 'Direct registration' },
    { code: 'application', label: 'Application and selection' },
  ],
  cost: [
    { code: 'free', label: 'Free' },
    { code: 'paid', label: 'Paid' },
    { code: 'scholarships', label: 'Paid, with scholarships' },
    { code: 'funded', label: 'Fully funded' },
  ],
  activityStatus: [
    { code: 'pipeline', label: 'Pipeline / identification', extra: { iati: '1' } },
    { code: 'implementation', label: 'Implementation', extra: { iati: '2' } },
    { code: 'completion', label: 'Finalisation', extra: { iati: '3' } },
    { code: 'post-completion', label: 'Closed', extra: { iati: '4' } },
    { code: 'cancelled', label: 'Cancelled', extra: { iati: '5' } },
    { code: 'suspended', label: 'Suspended', extra: { iati: '6' } },
  ],
  participatingRole: [
    { code: 'funding', label: 'Funding', extra: { iati: '1' } },
    { code: 'accountable', label: 'Accountable', extra: { iati: '2' } },
    { code: 'extending', label: 'Extending', extra: { iati: '3' } },
    { code: 'implementing', label: 'Implementing', extra: { iati: '4' } },
  ],
} as const satisfies Record<string, readonly TaxonomyTerm[]>;

export type TaxonomyName = keyof typeof TAXONOMIES;
export type TermCode<T extends TaxonomyName> = (typeof TAXONOMIES)[T][number]['code'];

export function termCodes<T extends TaxonomyName>(taxonomy: T): TermCode<T>[] {
  return TAXONOMIES[taxonomy].map((term) => term.code) as TermCode<T>[];
}

export function isTerm<T extends TaxonomyName>(taxonomy: T, code: string): code is TermCode<T> {
  return (TAXONOMIES[taxonomy] as readonly TaxonomyTerm[]).some((term) => term.code === code);
}
