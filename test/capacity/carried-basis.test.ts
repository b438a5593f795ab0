import { describe, expect, it } from 'vitest';
import { carriedBasis } from '../../src/capacity/horizon-columns.js';
import { Problem, linear, type Program } from '../../src/lp/index.js';
import { getSolver } from '../../src/solvers/registry.js';

/**
 * min 3a + 2b (+ 1c), a + b (+ c) >= 4, a <= 3 (, c <= 1 when grown): the restricted LP (without c) has its
 * optimum at b = 4 (cost 8); grown by c (cheaper) and its cap row, the optimum is c = 1, b = 3 (cost 7).
 */
function restricted(grown: boolean): Program {
  const p = new Problem();
  const a = p.addVariable({ label: 'a', objective: 3 });
  const b = p.addVariable({ label: 'b', objective: 2 });
  const c = grown ? p.addVariable({ label: 'c', objective: 1 }) : undefined;
  p.addConstraint(
    'cover',
    linear(
      c
        ? [
            [a, 1],
            [b, 1],
            [c, 1],
          ]
        : [
            [a, 1],
            [b, 1],
          ],
    ),
    '>=',
    4,
  );
  p.addConstraint('cap-a', linear([[a, 1]]), '<=', 3);
  if (c) p.addConstraint('cap-c', linear([[c, 1]]), '<=', 1);
  return p.compile();
}

describe("column generation's re-solves start from the previous basis", () => {
  it('carries statuses by label, starts new columns at their bound and new rows basic, one basic per row', async () => {
    const highs = await getSolver('highs');
    const first = await highs.solve(restricted(false));
    expect(first.objective).toBeCloseTo(8, 9);
    expect(first.basis).toBeDefined();
    const before = restricted(false);
    const after = restricted(true);
    const basis = carriedBasis(before, first.basis!, after)!;
    expect(basis).toBeDefined();
    const colOf = (program: Program, label: string) => program.columnLabels.indexOf(label);
    const rowOf = (program: Program, label: string) => program.rowLabels.indexOf(label);
    for (const label of ['a', 'b']) expect(basis.columns[colOf(after, label)]).toBe(first.basis!.columns[colOf(before, label)]);
    for (const label of ['cover', 'cap-a']) expect(basis.rows[rowOf(after, label)]).toBe(first.basis!.rows[rowOf(before, label)]);
    expect(basis.columns[colOf(after, 'c')]).toBe(0);
    expect(basis.rows[rowOf(after, 'cap-c')]).toBe(1);
    const basic = [...basis.columns, ...basis.rows].filter((status) => status === 1).length;
    expect(basic).toBe(after.rowLower.length);
    // The same optimum from the carried basis as from scratch.
    const warm = await highs.solve(after, { basis });
    const cold = await highs.solve(after);
    expect(warm.status).toBe('optimal');
    expect(warm.objective).toBeCloseTo(7, 9);
    expect([...warm.values!]).toEqual([...cold.values!]);
  });

  it('gives no basis when a binding row was dropped, and a backend ignores a basis that does not fit', async () => {
    const highs = await getSolver('highs');
    const before = restricted(false);
    const solved = await highs.solve(before);
    // At b = 4 the cover row binds (its slack nonbasic): without it, b and cap-a's slack are two basic entries
    // for one row.
    const p = new Problem();
    const a = p.addVariable({ label: 'a', objective: 3 });
    p.addVariable({ label: 'b', objective: 2 });
    p.addConstraint('cap-a', linear([[a, 1]]), '<=', 3);
    expect(carriedBasis(before, solved.basis!, p.compile())).toBeUndefined();
    const wrong = { columns: Int32Array.from([1, 1]), rows: Int32Array.from([1, 1]) };
    const answer = await highs.solve(before, { basis: wrong });
    expect(answer.status).toBe('optimal');
    expect(answer.objective).toBeCloseTo(8, 9);
  });
});
