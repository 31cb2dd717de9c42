/** COOP same-origin, COEP require-corp, CORP same-origin: the headers that make the lab page cross-origin isolated. */
export const ISOLATION_HEADERS: Readonly<Record<string, string>>;
/** Serves `root` (default web/dist) on 127.0.0.1, with the isolation headers unless `isolate` is false; port 0 picks a free one. */
export function start(opts?: { root?: string; port?: number; host?: string; isolate?: boolean }): Promise<{ url: string; close(): Promise<void> }>;
