import type { PayloadCodec } from './codec.js';
import { dlt645Codec } from './dlt645/index.js';
import { jt808Codec } from './jt808/index.js';
import { lineMonitorCodec } from './line-monitor/index.js';
import { sl651Codec } from './sl651/index.js';

/** The built-in payload codecs by name (`satiot decode --codec NAME`, a terminal's `codec`). */
export const BUILTIN_CODECS: ReadonlyMap<string, PayloadCodec> = new Map(
  [jt808Codec, sl651Codec, lineMonitorCodec, dlt645Codec].map((c) => [c.name, c]),
);
