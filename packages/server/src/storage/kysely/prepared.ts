/**
 * Hot-path queries (one per authenticated request) built and compiled by
 * Kysely once, then run with new parameter values: the same SQL Kysely
 * generates for the dialect, without rebuilding and recompiling its syntax
 * tree on every call (Kysely's recipe "splitting query building and
 * execution"). Each placeholder stands for one parameter of the query.
 */
import type { Compilable, Kysely } from 'kysely';

const placeholder = (i: number) => `\u0000semauth-parameter-${i}\u0000`;

export function preparedQuery<Row, Args extends unknown[]>(
  db: Kysely<any>,
  arity: Args['length'],
  // Placeholders are strings standing in for values of any column type.
  build: (...placeholders: any[]) => Compilable<Row>,
): (...args: Args) => Promise<Row[]> {
  const slots = Array.from({ length: arity }, (_, i) => placeholder(i));
  const compiled = build(...slots).compile();
  const positions = compiled.parameters.map((v) => slots.indexOf(v as string));
  if (slots.some((_, i) => positions.filter((p) => p === i).length !== 1)) {
    throw new Error(`prepared query: each placeholder must be exactly one parameter of ${compiled.sql}`);
  }
  return async (...args) => {
    const parameters = positions.map((slot, i) => (slot >= 0 ? args[slot] : compiled.parameters[i]));
    return (await db.executeQuery<Row>({ ...compiled, parameters })).rows;
  };
}
