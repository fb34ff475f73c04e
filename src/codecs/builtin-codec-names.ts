/**
 * The built-in codecs' names, without loading the codecs (the CLI's help lists them at start-up);
 * test/codecs/builtin-codec-names.test.ts keeps the list equal to BUILTIN_CODECS.
 */
export const BUILTIN_CODEC_NAMES: readonly string[] = ['jt808', 'sl651', 'line-monitor', 'dlt645'];
