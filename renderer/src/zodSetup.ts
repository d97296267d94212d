/**
 * Must be imported before anything that builds zod schemas (main.ts imports it first).
 *
 * zod 4 compiles fast object parsers with `new Function` and, to find out whether it may, tries
 * one when the first object schema is built. Our CSP forbids eval, so that probe would be
 * reported as a CSP violation on every start; `jitless` skips both probe and compilation.
 */
import { z } from 'zod';

z.config({ jitless: true });
