import { LinearExpr, Problem, linear, sum, type Program, type Variable } from '../../src/lp/index.js';
import type { SolveOptions, SolveStatus } from '../../src/solvers/types.js';

/**
 * The conformance suite: every backend must give these answers unchanged. Optima are known by hand or
 * by enumeration (see the comments and test/solvers/brute-force.test.ts).
 */
export interface ConformanceCase {
  name: string;
  build: () => Program;
  expect: {
    status: SolveStatus;
    objective?: number;
    /** Column values by label that the optimum is unique in. */
    values?: Record<string, number>;
  };
  options?: SolveOptions;
  /** Whether the outcome is the same on any machine (time-limited cases are not). */
  deterministic: boolean;
}

/** Deterministic pseudo-random numbers (LCG) so generated instances are identical everywhere. */
export function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

export const KNAPSACK_P01 = {
  // Burkardt's P01 0/1 knapsack: optimum 309 (items 1, 2, 3, 4, 6).
  capacity: 165,
  weights: [23, 31, 29, 44, 53, 38, 63, 85, 89, 82],
  values: [92, 57, 49, 68, 60, 43, 67, 84, 87, 72],
  optimum: 309,
};

export const MELANGE = {
  // Mélange's example: 2x2 request-size buckets, two GPU types, rate 30 req/s.
  gpus: [
    {
      id: 'A10G',
      usdPerHour: 1.01,
      throughputs: [
        [2, 1],
        [5, 2],
      ],
    },
    {
      id: 'A100-80GB',
      usdPerHour: 3.67,
      throughputs: [
        [20, 20],
        [40, 20],
      ],
    },
  ],
  shares: [
    [0.2, 0.1],
    [0.5, 0.2],
  ],
  requestsPerSec: 30,
  optimumUsdPerHour: 6.7, // 3 x A10G + 1 x A100
};

/** Mélange's ILP: integer GPU counts, each bucket served whole by one GPU type (slice factor 1). */
export function buildMelange(): Program {
  const problem = new Problem();
  const counts = MELANGE.gpus.map((gpu) => problem.addVariable({ label: `gpus[${gpu.id}]`, type: 'integer', objective: gpu.usdPerHour }));
  const load = MELANGE.gpus.map(() => new LinearExpr());
  MELANGE.shares.forEach((row, i) => {
    row.forEach((share, j) => {
      const assign = MELANGE.gpus.map((gpu) => problem.addVariable({ label: `assign[b${i}${j},${gpu.id}]`, type: 'binary' }));
      problem.addConstraint(`bucket[b${i}${j}]`, sum(assign), '=', 1);
      MELANGE.gpus.forEach((gpu, g) => {
        load[g]!.add(assign[g]!, (share * MELANGE.requestsPerSec) / gpu.throughputs[i]![j]!);
      });
    });
  });
  MELANGE.gpus.forEach((gpu, g) => {
    problem.addConstraint(`capacity[${gpu.id}]`, load[g]!.add(counts[g]!, -1), '<=', 0);
  });
  return problem.compile();
}

function vars(problem: Problem, labels: string[], spec: Omit<Parameters<Problem['addVariable']>[0], 'label'> = {}): Variable[] {
  return labels.map((label) => problem.addVariable({ label, ...spec }));
}

/** A multidimensional 0/1 knapsack that no backend proves optimal in a second. */
export function buildHardKnapsack(items = 120, dimensions = 10, seed = 42): Program {
  const random = lcg(seed);
  const problem = new Problem();
  const weights = Array.from({ length: dimensions }, () => Array.from({ length: items }, () => 1 + Math.floor(random() * 1000)));
  const picks = Array.from({ length: items }, (_, j) => {
    const meanWeight = weights.reduce((total, row) => total + row[j]!, 0) / dimensions;
    return problem.addVariable({ label: `pick[${j}]`, type: 'binary', objective: Math.round(meanWeight + random() * 200) });
  });
  weights.forEach((row, i) => {
    const capacity = Math.floor(row.reduce((a, b) => a + b, 0) / 2);
    problem.addConstraint(`capacity[${i}]`, linear(picks.map((p, j) => [p, row[j]!] as const)), '<=', capacity);
  });
  problem.setDirection('maximize');
  return problem.compile();
}

/** Cornuéjols-Dawande market split: finding any feasible point is hard, so a short limit leaves none. */
export function buildMarketSplit(rows = 6, seed = 7): Program {
  const random = lcg(seed);
  const columns = 10 * (rows - 1);
  const problem = new Problem();
  const x = Array.from({ length: columns }, (_, j) => problem.addVariable({ label: `x[${j}]`, type: 'binary' }));
  for (let i = 0; i < rows; i++) {
    const coefficients = x.map(() => Math.floor(random() * 100));
    const rhs = Math.floor(coefficients.reduce((a, b) => a + b, 0) / 2);
    problem.addConstraint(`split[${i}]`, linear(x.map((v, j) => [v, coefficients[j]!] as const)), '=', rhs);
  }
  return problem.compile();
}

export const conformanceCases: ConformanceCase[] = [
  {
    name: 'LP maximise',
    deterministic: true,
    build: () => {
      // max 3x + 2y st x + y <= 4, x + 3y <= 6, x <= 3: vertex (3, 1), value 11.
      const p = new Problem();
      const [x, y] = vars(p, ['x', 'y']);
      p.addConstraint(
        'a',
        linear([
          [x!, 1],
          [y!, 1],
        ]),
        '<=',
        4,
      );
      p.addConstraint(
        'b',
        linear([
          [x!, 1],
          [y!, 3],
        ]),
        '<=',
        6,
      );
      p.addConstraint('c', sum([x!]), '<=', 3);
      p.setObjective(
        linear([
          [x!, 3],
          [y!, 2],
        ]),
        'maximize',
      );
      return p.compile();
    },
    expect: { status: 'optimal', objective: 11, values: { x: 3, y: 1 } },
  },
  {
    name: 'LP minimise with >= rows',
    deterministic: true,
    build: () => {
      // min 2x + 3y st x + y >= 10, x <= 6: x = 6, y = 4, value 24.
      const p = new Problem();
      const [x, y] = vars(p, ['x', 'y']);
      p.addConstraint(
        'cover',
        linear([
          [x!, 1],
          [y!, 1],
        ]),
        '>=',
        10,
      );
      p.addConstraint('xcap', sum([x!]), '<=', 6);
      p.setObjective(
        linear([
          [x!, 2],
          [y!, 3],
        ]),
      );
      return p.compile();
    },
    expect: { status: 'optimal', objective: 24, values: { x: 6, y: 4 } },
  },
  {
    name: 'equality rows',
    deterministic: true,
    build: () => {
      // x + y + z = 10, x - z = 2, x <= 5; min 4x + y + 3z = 5x + 6 over x in [2, 5]: x = 2, y = 8, z = 0.
      const p = new Problem();
      const x = p.addVariable({ label: 'x', upper: 5 });
      const [y, z] = vars(p, ['y', 'z']);
      p.addConstraint('total', sum([x, y!, z!]), '=', 10);
      p.addConstraint(
        'link',
        linear([
          [x, 1],
          [z!, -1],
        ]),
        '=',
        2,
      );
      p.setObjective(
        linear([
          [x, 4],
          [y!, 1],
          [z!, 3],
        ]),
      );
      return p.compile();
    },
    expect: { status: 'optimal', objective: 16, values: { x: 2, y: 8, z: 0 } },
  },
  {
    name: 'free variables and an objective constant',
    deterministic: true,
    build: () => {
      // min t + 7 st t >= x + 5, t >= -x - 5, x <= -1, x and t free: t = |x + 5| = 0 at x = -5.
      const p = new Problem();
      const x = p.addVariable({ label: 'x', lower: -Infinity, upper: -1 });
      const t = p.addVariable({ label: 't', lower: -Infinity });
      p.addConstraint(
        'above',
        linear([
          [t, 1],
          [x, -1],
        ]),
        '>=',
        5,
      );
      p.addConstraint(
        'below',
        linear([
          [t, 1],
          [x, 1],
        ]),
        '>=',
        -5,
      );
      p.setObjective(linear([[t, 1]], 7));
      return p.compile();
    },
    expect: { status: 'optimal', objective: 7, values: { x: -5, t: 0 } },
  },
  {
    name: 'bounded variables with negative bounds',
    deterministic: true,
    build: () => {
      // min x + 2y with -2 <= x <= 3, -4 <= y <= -1, x - y <= 4: y = -4 forces x <= 0, x = -2: value -10.
      const p = new Problem();
      const x = p.addVariable({ label: 'x', lower: -2, upper: 3 });
      const y = p.addVariable({ label: 'y', lower: -4, upper: -1 });
      p.addConstraint(
        'gap',
        linear([
          [x, 1],
          [y, -1],
        ]),
        '<=',
        4,
      );
      p.setObjective(
        linear([
          [x, 1],
          [y, 2],
        ]),
      );
      return p.compile();
    },
    expect: { status: 'optimal', objective: -10, values: { x: -2, y: -4 } },
  },
  {
    name: 'MIP where the LP optimum is fractional',
    deterministic: true,
    build: () => {
      // max 5x + 4y st 6x + 4y <= 24, x + 2y <= 6, integer: LP (3, 1.5) = 21; integer (4, 0) = 20.
      const p = new Problem();
      const [x, y] = vars(p, ['x', 'y'], { type: 'integer' });
      p.addConstraint(
        'a',
        linear([
          [x!, 6],
          [y!, 4],
        ]),
        '<=',
        24,
      );
      p.addConstraint(
        'b',
        linear([
          [x!, 1],
          [y!, 2],
        ]),
        '<=',
        6,
      );
      p.setObjective(
        linear([
          [x!, 5],
          [y!, 4],
        ]),
        'maximize',
      );
      return p.compile();
    },
    expect: { status: 'optimal', objective: 20, values: { x: 4, y: 0 } },
  },
  {
    name: 'binaries: 3x3 assignment',
    deterministic: true,
    build: () => {
      // costs [[9,2,7],[6,4,3],[5,8,1]]: best assignment 0->1, 1->0, 2->2 = 2 + 6 + 1 = 9 (of 6 permutations).
      const cost = [
        [9, 2, 7],
        [6, 4, 3],
        [5, 8, 1],
      ];
      const p = new Problem();
      const assign = cost.map((row, i) => row.map((c, j) => p.addVariable({ label: `a${i}${j}`, type: 'binary', objective: c })));
      for (let i = 0; i < 3; i++) p.addConstraint(`worker${i}`, sum(assign[i]!), '=', 1);
      for (let j = 0; j < 3; j++) p.addConstraint(`task${j}`, sum(assign.map((row) => row[j]!)), '=', 1);
      return p.compile();
    },
    expect: { status: 'optimal', objective: 9, values: { a01: 1, a10: 1, a22: 1 } },
  },
  {
    name: 'knapsack P01 (optimum 309)',
    deterministic: true,
    build: () => {
      const p = new Problem();
      const picks = KNAPSACK_P01.values.map((value, j) => p.addVariable({ label: `pick${j}`, type: 'binary', objective: value }));
      p.addConstraint('capacity', linear(picks.map((v, j) => [v, KNAPSACK_P01.weights[j]!] as const)), '<=', KNAPSACK_P01.capacity);
      p.setDirection('maximize');
      return p.compile();
    },
    expect: { status: 'optimal', objective: KNAPSACK_P01.optimum },
  },
  {
    name: 'Mélange example (3 x A10G + 1 x A100 = $6.70/h)',
    deterministic: true,
    build: buildMelange,
    expect: { status: 'optimal', objective: MELANGE.optimumUsdPerHour, values: { 'gpus[A10G]': 3, 'gpus[A100-80GB]': 1 } },
  },
  {
    name: 'degenerate LP (Beale cycling example)',
    deterministic: true,
    build: () => {
      // Beale (1955): cycles under textbook Dantzig pivoting from the degenerate origin (r1, r2 tight at 0).
      // With x2 = x4 = 0: x1 <= x3 <= 1, so max 0.75x1 + 0.5x3 = 1.25; raising x2 frees x1 by 24 per unit
      // (gain 18) at cost 20, and x4 only tightens rows: optimum 1.25 at (1, 0, 1, 0).
      const p = new Problem();
      const [x1, x2, x3, x4] = vars(p, ['x1', 'x2', 'x3', 'x4']);
      p.addConstraint(
        'r1',
        linear([
          [x1!, 0.25],
          [x2!, -8],
          [x3!, -1],
          [x4!, 9],
        ]),
        '<=',
        0,
      );
      p.addConstraint(
        'r2',
        linear([
          [x1!, 0.5],
          [x2!, -12],
          [x3!, -0.5],
          [x4!, 3],
        ]),
        '<=',
        0,
      );
      p.addConstraint('r3', sum([x3!]), '<=', 1);
      p.setObjective(
        linear([
          [x1!, 0.75],
          [x2!, -20],
          [x3!, 0.5],
          [x4!, -6],
        ]),
        'maximize',
      );
      return p.compile();
    },
    expect: { status: 'optimal', objective: 1.25, values: { x1: 1, x2: 0, x3: 1, x4: 0 } },
  },
  {
    name: 'feasibility problem (zero objective)',
    deterministic: true,
    build: () => {
      const p = new Problem();
      const [x, y] = vars(p, ['x', 'y'], { type: 'integer' });
      p.addConstraint(
        'sum',
        linear([
          [x!, 1],
          [y!, 1],
        ]),
        '=',
        2,
      );
      p.addConstraint(
        'diff',
        linear([
          [x!, 1],
          [y!, -1],
        ]),
        '=',
        0,
      );
      return p.compile();
    },
    expect: { status: 'optimal', objective: 0, values: { x: 1, y: 1 } },
  },
  {
    name: 'infeasible LP',
    deterministic: true,
    build: () => {
      const p = new Problem();
      const [x, y] = vars(p, ['x', 'y']);
      p.addConstraint('atMost1', sum([x!, y!]), '<=', 1);
      p.addConstraint('atLeast2', sum([x!, y!]), '>=', 2);
      p.setObjective(sum([x!, y!]));
      return p.compile();
    },
    expect: { status: 'infeasible' },
  },
  {
    name: 'infeasible MIP with a feasible LP relaxation',
    deterministic: true,
    build: () => {
      // 2x + 2y = 3 has no integer solution.
      const p = new Problem();
      const [x, y] = vars(p, ['x', 'y'], { type: 'integer', upper: 5 });
      p.addConstraint(
        'odd',
        linear([
          [x!, 2],
          [y!, 2],
        ]),
        '=',
        3,
      );
      p.setObjective(sum([x!, y!]));
      return p.compile();
    },
    expect: { status: 'infeasible' },
  },
  {
    name: 'column with lower bound above upper bound',
    deterministic: true,
    build: () => {
      const p = new Problem();
      const x = p.addVariable({ label: 'x', lower: 3, upper: 1 });
      p.setObjective(sum([x]));
      return p.compile();
    },
    expect: { status: 'infeasible' },
  },
  {
    name: 'unbounded LP',
    deterministic: true,
    build: () => {
      const p = new Problem();
      const [x, y] = vars(p, ['x', 'y']);
      p.addConstraint(
        'slope',
        linear([
          [x!, 1],
          [y!, -1],
        ]),
        '<=',
        1,
      );
      p.setObjective(sum([x!, y!]), 'maximize');
      return p.compile();
    },
    expect: { status: 'unbounded' },
  },
  {
    name: 'unbounded MIP',
    deterministic: true,
    build: () => {
      const p = new Problem();
      const [x, y] = vars(p, ['x', 'y'], { type: 'integer' });
      p.addConstraint(
        'ray',
        linear([
          [x!, 1],
          [y!, -2],
        ]),
        '<=',
        1,
      );
      p.setObjective(sum([x!]), 'maximize');
      return p.compile();
    },
    expect: { status: 'unbounded' },
  },
  {
    name: 'time-limited hard MIP returns its incumbent',
    deterministic: false,
    build: () => buildHardKnapsack(),
    options: { timeLimitSec: 1, relativeGap: 0 },
    expect: { status: 'feasible' },
  },
  {
    name: 'time-limited MIP without an incumbent',
    deterministic: false,
    build: () => buildMarketSplit(),
    options: { timeLimitSec: 0.5, relativeGap: 0 },
    expect: { status: 'no_solution' },
  },
  {
    name: 'NaN coefficient is a backend error, not a crash',
    deterministic: true,
    build: () => {
      const p = new Problem();
      const [x, y] = vars(p, ['x', 'y']);
      p.addConstraint('row', sum([x!, y!]), '<=', 1);
      const compiled = p.compile();
      const rowValues = Float64Array.from(compiled.rowValues);
      rowValues[0] = Number.NaN;
      return { ...compiled, rowValues };
    },
    expect: { status: 'error' },
  },
];
