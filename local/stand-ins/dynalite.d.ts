/** dynalite ships no types: the part the local store uses. */
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    readonly createTableMs?: number;
    readonly deleteTableMs?: number;
    readonly updateTableMs?: number;
    /** A LevelDB directory; absent keeps everything in memory. */
    readonly path?: string;
  }
  export default function dynalite(options?: DynaliteOptions): Server;
}
