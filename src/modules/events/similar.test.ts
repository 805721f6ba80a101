import { describe, expect, it } from 'vitest';
import { pairKey, PROPOSAL_SIMILARITY_THRESHOLD, similarProposals } from './similar.ts';

const p = (id: string, title: string, content: string, policyQuestion = '') => ({
  id,
  title,
  content,
  policyQuestion,
});

// One forum's proposals: two pairs on one subject each, written by different people, and others.
const CALL = [
  p(
    'a',
    'Protecting submarine cables from sabotage',
    'Submarine cables carry most international traffic. Operators, navies and regulators discuss how to protect cables, repair them quickly and share information about incidents.',
    'How can states and operators cooperate to protect submarine cable infrastructure?',
  ),
  p(
    'b',
    'Undersea cable resilience: cooperation between operators and states',
    'Damage to undersea and submarine cables shows how fragile connectivity is. This panel looks at repair ships, incident information sharing and the protection of cable landing stations.',
    'What cooperation protects submarine cables and speeds their repair?',
  ),
  p(
    'c',
    'Cyber hygiene training for small businesses in West Africa',
    'Small and medium enterprises lack security staff. Trainers from Ghana and Senegal present a cyber hygiene curriculum, its results and how chambers of commerce spread it.',
    'How can training reach small businesses at scale?',
  ),
  p(
    'd',
    'Training small enterprises in cyber hygiene',
    'A curriculum of cyber hygiene for small enterprises and their staff, delivered with chambers of commerce, and what trainers learned about reaching businesses at scale.',
    'What makes cyber hygiene training for small businesses work?',
  ),
  p(
    'e',
    'Norms of responsible state behaviour after the OEWG',
    'Diplomats and researchers take stock of the implementation of the UN framework of responsible state behaviour in cyberspace and the future permanent mechanism.',
  ),
  p(
    'f',
    'Gender and inclusion in national CERTs',
    'How incident response teams recruit and keep women, what mentoring programmes achieved, and which hiring practices widen the pool.',
  ),
  p(
    'g',
    'Child online protection and age assurance',
    'Regulators, platforms and child rights advocates debate age assurance methods, privacy trade-offs and what evidence says about harm.',
  ),
];

describe('similar proposals', () => {
  const similarOf = (id: string) =>
    similarProposals(
      CALL.find((x) => x.id === id)!,
      CALL.filter((x) => x.id !== id),
    );

  it('pairs proposals on one subject and explains them with shared words', () => {
    const ofA = similarOf('a');
    expect(ofA.map((s) => s.id)).toEqual(['b']);
    expect(ofA[0]!.sharedTerms).toEqual(expect.arrayContaining(['cables', 'submarine']));
    const ofC = similarOf('c');
    expect(ofC.map((s) => s.id)).toEqual(['d']);
    expect(ofC[0]!.sharedTerms).toEqual(expect.arrayContaining(['hygiene', 'small']));
  });

  it('leaves proposals on other subjects alone', () => {
    for (const id of ['e', 'f', 'g']) expect(similarOf(id)).toEqual([]);
  });

  it('is symmetric in who is saved last', () => {
    const ab = similarOf('a').find((s) => s.id === 'b')!;
    const ba = similarOf('b').find((s) => s.id === 'a')!;
    expect(ab.similarity).toBeCloseTo(ba.similarity, 6);
    expect(ab.similarity).toBeGreaterThanOrEqual(PROPOSAL_SIMILARITY_THRESHOLD);
  });

  it('finds nothing without another proposal, or with empty texts', () => {
    expect(similarProposals(CALL[0]!, [])).toEqual([]);
    expect(similarProposals(p('x', '', ''), [p('y', '', '')])).toEqual([]);
  });

  it('orders a pair by id, whatever the case', () => {
    const x = '0b6c1f58-0000-4000-8000-000000000001';
    const y = 'A1000000-0000-4000-8000-000000000002';
    expect(pairKey(y, x)).toEqual({ a: x, b: y.toLowerCase() });
    expect(pairKey(x, y)).toEqual(pairKey(y, x));
  });
});
