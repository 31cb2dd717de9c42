/** Serves `root` (default web/dist) on 127.0.0.1 with COOP/COEP headers; port 0 picks a free one. */
export function start(opts?: { root?: string; port?: number; host?: string }): Promise<{ url: string; close(): Promise<void> }>;
