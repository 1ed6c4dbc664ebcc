/**
 * finetune's checkpoint format builds a Buffer constant when its module loads (Node-only code the
 * page never calls). A byte-array stand-in lets that module load in the worker; goes away with the
 * packages' browser entries.
 */
const g = globalThis as { Buffer?: unknown };
g.Buffer ??= { from: (s: string) => new TextEncoder().encode(String(s)), byteLength: (s: string) => new TextEncoder().encode(s).length };
