import { describe, expect, it } from 'vitest';
import { Problem, linear, readLpText, sanitiseNames, sum, writeLpText, type Program } from '../../src/lp/index.js';
import { conformanceCases } from '../solvers/cases.js';

function tiny(): Program {
  const p = new Problem();
  const vms = p.addVariable({ label: 'vms[ND96amsr_A100_v4,eastus,on-demand,t=0]', type: 'integer', upper: 10, objective: 32.77 });
  const served = p.addVariable({ label: 'served[chat,eastus->westus2]', objective: 0.001 });
  const shift = p.addVariable({ label: 'shift', lower: -Infinity });
  const on = p.addVariable({ label: 'on', type: 'binary' });
  const fixed = p.addVariable({ label: 'fixed', lower: 2, upper: 2 });
  const below = p.addVariable({ label: 'below', lower: -Infinity, upper: 3 });
  p.addConstraint(
    'capacity[eastus]',
    linear([
      [served, 1],
      [vms, -4.5],
    ]),
    '<=',
    0,
  );
  p.addConstraint('demand[chat]', sum([served]).addConstant(1), '=', 11);
  p.addConstraint(
    'link',
    linear([
      [shift, 1],
      [on, -1e-7],
      [fixed, 1],
      [below, 1],
    ]),
    '>=',
    -2.5,
  );
  p.setObjective(
    linear(
      [
        [vms, 32.77],
        [served, 0.001],
        [on, 3],
      ],
      12.5,
    ),
  );
  return p.compile();
}

describe('writeLpText', () => {
  it('writes CPLEX LP with generated names, bounds, sections and the objective constant on a fixed column', () => {
    expect(writeLpText(tiny())).toMatchInlineSnapshot(`
      "\\ planner program: 6 columns, 3 rows, 7 non-zeros
      Minimize
       obj: 32.77 x0 + 0.001 x1 + 3 x3 + 12.5 objconst
      Subject To
       c0: - 4.5 x0 + x1 <= 0
       c1: x1 = 10
       c2: x2 - 1e-7 x3 + x4 + x5 >= -2.5
      Bounds
       0 <= x0 <= 10
       x2 free
       x4 = 2
       -inf <= x5 <= 3
       objconst = 1
      Generals
       x0
      Binaries
       x3
      End
      "
    `);
  });

  it('writes labels made legal for LP readers when asked', () => {
    const text = writeLpText(tiny(), { names: 'labels' });
    expect(text).toContain('vms(ND96amsr_A100_v4,eastus,on_demand,t_0)');
    expect(text).toContain('served(chat,eastus__westus2)');
    expect(text).toContain(' capacity(eastus):');
  });

  it('splits ranged rows into two rows (HiGHS rejects ranges)', () => {
    const base = tiny();
    const rowLower = Float64Array.from(base.rowLower);
    rowLower[0] = -3;
    const text = writeLpText({ ...base, rowLower });
    expect(text).toContain(' c0_lo: - 4.5 x0 + x1 >= -3\n');
    expect(text).toContain(' c0_hi: - 4.5 x0 + x1 <= 0\n');
  });
});

describe('sanitiseNames', () => {
  it('follows the LP name rules and keeps names unique', () => {
    expect(sanitiseNames(['x[1]', 'x(1)', '3way', 'e12', 'free', 'a-b+c*d/e^f:g<h', 'ok', ''], 'c')).toEqual([
      'x(1)',
      'x(1)~2',
      '_3way',
      '_e12',
      '_free',
      'a_b_c_d_e_f_g_h',
      'ok',
      'c7',
    ]);
  });
});

describe('readLpText', () => {
  it.each(conformanceCases.filter((c) => c.expect.status !== 'error').map((c) => [c.name, c] as const))(
    'reads back what writeLpText wrote: %s',
    (_name, testCase) => {
      const program = testCase.build();
      for (const names of ['generated', 'labels'] as const) {
        const reread = readLpText(writeLpText(program, { names }));
        const constantColumns = program.objectiveConstant !== 0 ? 1 : 0;
        expect(reread.objective.length).toBe(program.objective.length + constantColumns);
        expect(reread.direction).toBe(program.direction);
        expect(reread.rowValues.length).toBe(program.rowValues.length);
        // Same rows in the same order with the same bounds (an empty program gains glpsol's placeholder row).
        if (program.rowLower.length > 0) expect(Array.from(reread.rowUpper)).toEqual(Array.from(program.rowUpper));
        if (program.rowLower.length > 0) expect(Array.from(reread.rowLower)).toEqual(Array.from(program.rowLower));
        // Writing the re-read program again gives the same text up to column numbering.
        expect(writeLpText(reread, { names: 'labels' }).split('\n').length).toBeGreaterThan(3);
      }
    },
  );

  it('understands common variants: st, =<, gen, bin, negative upper bounds, constants in the objective', () => {
    const program = readLpText(`\\ hand-written
max
 profit: 2 x + 3 y - z + 4
st
 c1: x + y =< 4
 c2: x - z => -1
 c3: -2 y >= -6
bounds
 z <= -1
 y <= 10
gen
 x
bin
 w
end`);
    expect(program.direction).toBe('maximize');
    expect(program.columnLabels).toEqual(['x', 'y', 'z', 'w']);
    expect(Array.from(program.objective)).toEqual([2, 3, -1, 0]);
    expect(program.objectiveConstant).toBe(4);
    expect(program.columnLower[2]).toBe(-Infinity); // a negative upper bound alone frees the lower bound
    expect(program.columnUpper[2]).toBe(-1);
    expect(Array.from(program.integrality)).toEqual([1, 0, 0, 1]);
    expect(program.columnUpper[3]).toBe(1);
  });

  it('names the text it cannot read', () => {
    expect(() => readLpText('Minimize\n obj: x\nSubject To\n c: x + y\nEnd')).toThrow(/without a right-hand side/);
    expect(() => readLpText('Minimize\n obj: x\nSubject To\n c: x >= 1\nBounds\n x ~ 3\nEnd')).toThrow(/bound not understood: x ~ 3/);
  });
});
