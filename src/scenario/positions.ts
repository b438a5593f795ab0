import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type YAMLError } from 'yaml';

/** A 1-based line and column in a scenario's text. */
export interface TextPosition {
  line: number;
  column: number;
}

/** Where a field path (`workloads.0.slo.ttftMs`) sits in the text, and whether the field itself is written there. */
export interface FieldPosition extends TextPosition {
  /** False when the field is absent and the position is that of its nearest written ancestor. */
  exact: boolean;
}

/** The parsed YAML document of a scenario with its line index: positions of fields and syntax errors. */
export class ScenarioText {
  readonly document: Document.Parsed;
  private readonly lines: LineCounter;

  /** The text parsed. */
  readonly text: string;

  constructor(text: string) {
    this.text = text;
    this.lines = new LineCounter();
    this.document = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true, logLevel: 'silent' });
  }

  get errors(): readonly YAMLError[] {
    return this.document.errors;
  }

  /** The 1-based position of a character offset. */
  position(offset: number): TextPosition {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  /**
   * The position of the field at `path` (segments as zod reports them): of its key when it is a mapping entry
   * (so an unknown key points at itself), of the item when it is a list entry. A path that is not in the
   * text (a missing field) gives the nearest ancestor that is, with `exact: false`.
   */
  locate(path: readonly PropertyKey[]): FieldPosition | undefined {
    let node: unknown = this.document.contents;
    let at: Node | undefined = isNode(node) ? node : undefined;
    let exact = true;
    for (const segment of path) {
      const step = child(node, String(segment));
      if (!step) {
        exact = false;
        break;
      }
      node = step.value;
      const here = step.key ?? (isNode(step.value) ? step.value : undefined);
      if (here) at = here;
    }
    if (!at?.range) return undefined;
    return { ...this.position(at.range[0]), exact };
  }

  /** The field path of the deepest written node that contains `offset` (for syntax errors): `workloads.0.slo`. */
  pathAt(offset: number): string[] {
    const path: string[] = [];
    let node: unknown = this.document.contents;
    for (;;) {
      let next: { segment: string; value: unknown } | undefined;
      if (isMap(node)) {
        for (const pair of node.items) {
          const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
          const start = isNode(pair.key) ? pair.key.range?.[0] : undefined;
          const end = isNode(pair.value) ? pair.value.range?.[2] : isNode(pair.key) ? pair.key.range?.[2] : undefined;
          if (key !== undefined && start !== undefined && end !== undefined && offset >= start && offset <= end) {
            next = { segment: key, value: pair.value };
          }
        }
      } else if (isSeq(node)) {
        node.items.forEach((item, i) => {
          const range = isNode(item) ? item.range : undefined;
          if (range && offset >= range[0] && offset <= range[2]) next = { segment: String(i), value: item };
        });
      }
      if (!next) return path;
      path.push(next.segment);
      node = next.value;
    }
  }
}

function isNode(value: unknown): value is Node {
  return value !== null && typeof value === 'object' && 'range' in value;
}

function child(node: unknown, segment: string): { key?: Node; value: unknown } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
    return pair ? { ...(isNode(pair.key) ? { key: pair.key } : {}), value: pair.value } : undefined;
  }
  if (isSeq(node)) {
    const index = Number(segment);
    return Number.isInteger(index) && index >= 0 && index < node.items.length ? { value: node.items[index] } : undefined;
  }
  return undefined;
}
