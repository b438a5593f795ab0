import type { Variable } from './types.js';

/**
 * A linear expression sum(coef_i * x_i) + constant, stored as parallel arrays so that building rows with
 * thousands of terms stays linear. The same column may appear more than once; compile() merges repeats.
 */
export class LinearExpr {
  readonly columns: number[] = [];
  readonly coefficients: number[] = [];
  constant = 0;

  /** Adds coef * variable; returns this for chaining. */
  add(variable: Variable | number, coefficient = 1): this {
    this.columns.push(typeof variable === 'number' ? variable : variable.index);
    this.coefficients.push(coefficient);
    return this;
  }

  /** Adds a constant term. */
  addConstant(value: number): this {
    this.constant += value;
    return this;
  }

  /** Adds scale * other. */
  addExpr(other: LinearExpr, scale = 1): this {
    for (let i = 0; i < other.columns.length; i++) {
      this.columns.push(other.columns[i]!);
      this.coefficients.push(other.coefficients[i]! * scale);
    }
    this.constant += other.constant * scale;
    return this;
  }

  get termCount(): number {
    return this.columns.length;
  }
}

/** Builds an expression from (variable, coefficient) pairs and an optional constant. */
export function linear(terms: Iterable<readonly [Variable, number]> = [], constant = 0): LinearExpr {
  const expr = new LinearExpr();
  for (const [variable, coefficient] of terms) expr.add(variable, coefficient);
  expr.constant = constant;
  return expr;
}

/** The sum of variables, each with coefficient 1 (or `coefficient`). */
export function sum(variables: Iterable<Variable>, coefficient = 1): LinearExpr {
  const expr = new LinearExpr();
  for (const variable of variables) expr.add(variable, coefficient);
  return expr;
}
