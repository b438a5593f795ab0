import type { LinearExpr } from './expr.js';
import type { ConstraintRef, Direction, Program, Sense, Variable, VarType } from './types.js';

export interface VariableSpec {
  label: string;
  type?: VarType;
  lower?: number;
  upper?: number;
  /** Objective coefficient; setObjective replaces all of them. */
  objective?: number;
}

/**
 * A mixed-integer linear problem under construction. Rows are merged (repeated columns summed, zeros
 * dropped, columns sorted) as they are added, so compile() is a copy and memory stays proportional to the
 * non-zeros. Build with addVariable / addConstraint / setObjective, then compile() once.
 */
export class Problem {
  private direction: Direction = 'minimize';
  private objective: number[] = [];
  private objectiveConstant = 0;
  private readonly columnLower: number[] = [];
  private readonly columnUpper: number[] = [];
  private readonly integrality: number[] = [];
  private readonly columnLabels: string[] = [];

  private readonly rowLower: number[] = [];
  private readonly rowUpper: number[] = [];
  private readonly rowLabels: string[] = [];
  private readonly rowStarts: number[] = [0];
  private readonly rowColumns: number[] = [];
  private readonly rowValues: number[] = [];

  // Scratch space for merging a row's repeated columns in O(terms).
  private scratch = new Float64Array(0);
  private seenInRow = new Int32Array(0);
  private rowStamp = 0;

  get columnCount(): number {
    return this.columnLabels.length;
  }

  get rowCount(): number {
    return this.rowLabels.length;
  }

  addVariable(spec: VariableSpec): Variable {
    const type = spec.type ?? 'continuous';
    let lower = spec.lower ?? 0;
    let upper = spec.upper ?? Infinity;
    if (type === 'binary') {
      lower = Math.max(lower, 0);
      upper = Math.min(upper, 1);
    }
    if (Number.isNaN(lower) || Number.isNaN(upper)) throw new RangeError(`variable ${spec.label}: NaN bound`);
    const objective = spec.objective ?? 0;
    assertFinite(objective, `objective coefficient of ${spec.label}`);
    const index = this.columnLabels.length;
    this.columnLabels.push(spec.label);
    this.columnLower.push(lower);
    this.columnUpper.push(upper);
    this.integrality.push(type === 'continuous' ? 0 : 1);
    this.objective.push(objective);
    return { index, label: spec.label };
  }

  /** Adds the row `expr sense rhs`; a constant inside expr moves to the right-hand side. */
  addConstraint(label: string, expr: LinearExpr, sense: Sense, rhs: number): ConstraintRef {
    assertFinite(rhs, `right-hand side of ${label}`);
    assertFinite(expr.constant, `constant of ${label}`);
    const bound = rhs - expr.constant;
    this.appendMergedRow(expr, label);
    this.rowLower.push(sense === '<=' ? -Infinity : bound);
    this.rowUpper.push(sense === '>=' ? Infinity : bound);
    const index = this.rowLabels.length;
    this.rowLabels.push(label);
    return { index, label };
  }

  /** Replaces the objective. Repeated columns are summed. */
  setObjective(expr: LinearExpr, direction: Direction = 'minimize'): void {
    assertFinite(expr.constant, 'objective constant');
    const objective = new Array<number>(this.columnCount).fill(0);
    for (let i = 0; i < expr.columns.length; i++) {
      const column = expr.columns[i]!;
      this.assertColumn(column, 'objective');
      const coefficient = expr.coefficients[i]!;
      assertFinite(coefficient, `objective coefficient of ${this.columnLabels[column]}`);
      objective[column]! += coefficient;
    }
    this.objective = objective;
    this.objectiveConstant = expr.constant;
    this.direction = direction;
  }

  /** Sets the direction, keeping the objective coefficients given so far. */
  setDirection(direction: Direction): void {
    this.direction = direction;
  }

  /** Adds to the objective coefficient of one column (keeps the rest). */
  addObjectiveTerm(variable: Variable, coefficient: number): void {
    assertFinite(coefficient, `objective coefficient of ${variable.label}`);
    this.objective[variable.index]! += coefficient;
  }

  compile(): Program {
    return Object.freeze({
      direction: this.direction,
      objective: Float64Array.from(this.objective),
      objectiveConstant: this.objectiveConstant,
      columnLower: Float64Array.from(this.columnLower),
      columnUpper: Float64Array.from(this.columnUpper),
      integrality: Uint8Array.from(this.integrality),
      rowLower: Float64Array.from(this.rowLower),
      rowUpper: Float64Array.from(this.rowUpper),
      rowStarts: Int32Array.from(this.rowStarts),
      rowColumns: Int32Array.from(this.rowColumns),
      rowValues: Float64Array.from(this.rowValues),
      columnLabels: Object.freeze([...this.columnLabels]),
      rowLabels: Object.freeze([...this.rowLabels]),
    });
  }

  private appendMergedRow(expr: LinearExpr, label: string): void {
    this.ensureScratch();
    const stamp = ++this.rowStamp;
    const touched: number[] = [];
    for (let i = 0; i < expr.columns.length; i++) {
      const column = expr.columns[i]!;
      this.assertColumn(column, label);
      const coefficient = expr.coefficients[i]!;
      assertFinite(coefficient, `coefficient of ${this.columnLabels[column]} in ${label}`);
      if (this.seenInRow[column] !== stamp) {
        this.seenInRow[column] = stamp;
        this.scratch[column] = 0;
        touched.push(column);
      }
      this.scratch[column]! += coefficient;
    }
    touched.sort((a, b) => a - b);
    for (const column of touched) {
      const value = this.scratch[column]!;
      if (value !== 0) {
        this.rowColumns.push(column);
        this.rowValues.push(value);
      }
    }
    this.rowStarts.push(this.rowColumns.length);
  }

  private ensureScratch(): void {
    if (this.scratch.length >= this.columnCount) return;
    const size = Math.max(this.columnCount, this.scratch.length * 2, 64);
    this.scratch = new Float64Array(size);
    const seen = new Int32Array(size);
    seen.set(this.seenInRow);
    this.seenInRow = seen;
  }

  private assertColumn(column: number, where: string): void {
    if (!Number.isInteger(column) || column < 0 || column >= this.columnCount) {
      throw new RangeError(`${where}: column ${column} does not belong to this problem`);
    }
  }
}

function assertFinite(value: number, what: string): void {
  if (!Number.isFinite(value)) throw new RangeError(`${what} is ${value}; coefficients must be finite numbers`);
}
