/**
 * CSV (or TSV) of numeric features with a label column as a `--data` format, parsed with csv-parse. The first
 * row names the columns unless told otherwise; the label column is named (or numbered from 0), else a column
 * called `label`, else the last. Every other column is a feature and must hold numbers; the features of a row
 * fill the model's input in row-major order (a flat input, or an image of as many values). Labels that are not
 * all numbers are class names (sorted, unless the classes are given); numbers are class indices or numeric
 * targets, as the model's output and loss say.
 */
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { parse, CsvError } from 'csv-parse';
import { CancelledError, DataError, UsageError } from '../../../errors.js';
import { FeatureDataset, type FeatureLabels } from '../features.js';
import { describeShape } from '../source.js';
import { splitForValidation } from './splits.js';
import type { DataExpectation, DataFormat, DataRequest } from './types.js';

/** A CSV file as read: column names, feature rows and the raw labels, with the line each row came from. */
interface CsvTable {
  readonly file: string;
  readonly columns: readonly string[];
  readonly labelColumn: number;
  readonly features: Float32Array;
  readonly labels: readonly string[];
  readonly lines: readonly number[];
}

function isTsv(file: string): boolean {
  return /\.tsv$/i.test(file);
}

function labelIndex(file: string, columns: readonly string[], wanted: string | number | undefined): number {
  if (wanted === undefined) {
    const named = columns.indexOf('label');
    return named >= 0 ? named : columns.length - 1;
  }
  const byName = typeof wanted === 'string' ? columns.indexOf(wanted) : -1;
  if (byName >= 0) return byName;
  const n = typeof wanted === 'number' ? wanted : /^-?\d+$/.test(wanted) ? Number(wanted) : Number.NaN;
  const index = n < 0 ? columns.length + n : n;
  if (!(Number.isInteger(index) && index >= 0 && index < columns.length)) {
    throw new DataError(`${file}: no label column \`${wanted}\`; the columns are ${columns.join(', ')}`);
  }
  return index;
}

async function readTable(file: string, request: DataRequest, expectedColumns?: readonly string[]): Promise<CsvTable> {
  const header = request.header ?? true;
  const input = createReadStream(file);
  const parser = parse({ delimiter: isTsv(file) ? '\t' : ',', bom: true, trim: true, skip_empty_lines: true, info: true });
  input.on('error', (e) => parser.destroy(e));
  input.pipe(parser);
  let columns: string[] | undefined;
  let labelColumn = 0;
  const features: number[] = [];
  const labels: string[] = [];
  const lines: number[] = [];
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (request.signal?.aborted === true) throw new CancelledError(`reading ${file} cancelled`);
      if (columns === undefined) {
        columns = header ? record : record.map((_, i) => `column ${i}`);
        if (expectedColumns !== undefined && columns.join('\u0000') !== expectedColumns.join('\u0000')) {
          throw new DataError(`${file}: the columns ${columns.join(', ')} differ from the training file's ${expectedColumns.join(', ')}`);
        }
        labelColumn = labelIndex(file, columns, request.labelColumn);
        if (columns.length < 2) throw new DataError(`${file}: one column; expected feature columns and a label column`);
        if (header) continue;
      }
      record.forEach((field, c) => {
        if (c === labelColumn) return;
        const value = field === '' ? Number.NaN : Number(field);
        if (!Number.isFinite(value)) throw new DataError(`${file}: line ${info.lines}, column \`${columns?.[c]}\`: \`${field}\` is not a number`);
        features.push(value);
      });
      labels.push(record[labelColumn] ?? '');
      lines.push(info.lines);
    }
  } catch (e) {
    if (e instanceof CsvError) {
      const found = (e as CsvError & { record?: unknown[] }).record?.length;
      throw new DataError(
        e.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH'
          ? `${file}: line ${e.lines}: ${found ?? 'a different number of'} fields, but the ${header ? 'header has' : 'first row has'} ${columns?.length ?? '?'}`
          : `${file}: ${e.message}`,
        { cause: e },
      );
    }
    if ((e as NodeJS.ErrnoException).code !== undefined && !(e instanceof DataError)) {
      throw new DataError(`${file}: cannot read (${(e as Error).message})`, { cause: e });
    }
    throw e;
  }
  if (columns === undefined || labels.length === 0) throw new DataError(`${file}: no rows`);
  return { file, columns, labelColumn, features: Float32Array.from(features), labels, lines };
}

/** The model input a row's features fill: the model's shape when it holds as many values, else a flat vector. */
function inputShapeFor(table: CsvTable, expect: DataExpectation | undefined): number[] {
  const count = table.columns.length - 1;
  if (expect === undefined) return [count];
  const known = expect.inputShape.every((d) => d !== null);
  const values = expect.inputShape.reduce<number>((a, b) => a * (b ?? 1), 1);
  if (known && values === count) return expect.inputShape as number[];
  if (expect.inputShape.length === 1 && expect.inputShape[0] === null) return [count];
  const features = table.columns.filter((_, i) => i !== table.labelColumn);
  throw new DataError(`${table.file}: ${count} feature columns (${features.join(', ')}) but the model takes ${describeShape(expect.inputShape)} inputs (${known ? values : 'a fixed number of'} values)`);
}

/** How labels are read: class names, class indices, or numeric targets. */
type LabelReading = { readonly kind: 'names'; readonly names: readonly string[] } | { readonly kind: 'indices'; readonly count: number } | { readonly kind: 'values' };

function chooseReading(table: CsvTable, request: DataRequest, expect: DataExpectation | undefined): LabelReading {
  if (request.classes !== undefined) return { kind: 'names', names: request.classes };
  const numeric = table.labels.every((l) => l !== '' && Number.isFinite(Number(l)));
  if (!numeric) {
    if (expect?.labels === 'values') {
      const row = table.labels.findIndex((l) => !(l !== '' && Number.isFinite(Number(l))));
      throw new DataError(`${table.file}: line ${table.lines[row]}: label \`${table.labels[row]}\` is not a number, and the loss needs numeric targets`);
    }
    return { kind: 'names', names: [...new Set(table.labels)].sort() };
  }
  const integral = table.labels.every((l) => Number.isInteger(Number(l)));
  const units = expect?.outputUnits;
  const classes = expect?.labels === 'classes' || (expect?.labels !== 'values' && integral && (units === undefined || units > 1));
  if (!classes) return { kind: 'values' };
  const count = units === undefined ? Math.max(...table.labels.map(Number)) + 1 : units > 1 ? units : 2;
  return { kind: 'indices', count };
}

function readLabels(table: CsvTable, reading: LabelReading): FeatureLabels {
  const at = (row: number): string => `${table.file}: line ${table.lines[row]}`;
  if (reading.kind === 'values') return { kind: 'values', values: Float32Array.from(table.labels, Number), width: 1 };
  const indices = new Int32Array(table.labels.length);
  table.labels.forEach((label, row) => {
    if (reading.kind === 'names') {
      const index = reading.names.indexOf(label);
      if (index < 0) throw new DataError(`${at(row)}: label \`${label}\` is not one of the classes ${reading.names.join(', ')}`);
      indices[row] = index;
    } else {
      const index = Number(label);
      if (!(Number.isInteger(index) && index >= 0 && index < reading.count)) {
        throw new DataError(`${at(row)}: label \`${label}\` is not one of the classes 0..${reading.count - 1}`);
      }
      indices[row] = index;
    }
  });
  const names = reading.kind === 'names' ? { names: reading.names } : {};
  return { kind: 'classes', indices, count: reading.kind === 'names' ? reading.names.length : reading.count, ...names };
}

/** Reads a CSV file as features and labels; `reading` fixes how labels read (from the training file, for validation). */
export async function readCsv(
  file: string,
  request: DataRequest,
  expect: DataExpectation | undefined,
  from?: { readonly columns: readonly string[]; readonly reading: LabelReading },
): Promise<{ data: FeatureDataset; columns: readonly string[]; reading: LabelReading }> {
  const table = await readTable(file, request, from?.columns);
  const inputShape = inputShapeFor(table, expect);
  const reading = from?.reading ?? chooseReading(table, request, expect);
  return { data: new FeatureDataset(table.features, inputShape, readLabels(table, reading), file), columns: table.columns, reading };
}

export const csvFormat: DataFormat = {
  name: 'csv',
  describe: 'a CSV (or .tsv) file of numeric feature columns and a label column',
  async matches(p) {
    return /\.(csv|tsv)$/i.test(p) && statSync(p, { throwIfNoEntry: false })?.isFile() === true;
  },
  async load(request, expect) {
    const file = request.path ?? '';
    if (request.classes !== undefined && expect?.labels === 'values') throw new UsageError('class names were given, but the loss needs numeric targets');
    const first = await readCsv(file, request, expect);
    const read = async (p: string): Promise<FeatureDataset> => (await readCsv(p, request, expect, first)).data;
    const { train, validation } = await splitForValidation(first.data, request, read);
    const labels = first.reading.kind === 'values' ? 'numeric targets' : first.reading.kind === 'names' ? `classes ${first.reading.names.join(', ')}` : `classes 0..${first.reading.count - 1}`;
    return {
      format: 'csv',
      examples: 'rows',
      train,
      ...(validation === undefined ? {} : { validation }),
      description: `${first.data.size} rows of ${first.columns.length - 1} features and ${labels} from ${path.normalize(file)}`,
    };
  },
};
