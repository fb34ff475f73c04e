import type { PayloadCodec } from '../codec.js';
import { decodeDlt645 } from './decode.js';

/** `--codec dlt645`: one DL/T 645-2007 meter frame (a meter's reply, or a master's request) per payload. */
export const dlt645Codec: PayloadCodec = {
  name: 'dlt645',
  description:
    'DL/T 645-2007 electricity meter frame (read requests, data and error replies; energy, voltage, ' +
    'current, power DIs)',
  decode: (bytes) => decodeDlt645(bytes),
};
