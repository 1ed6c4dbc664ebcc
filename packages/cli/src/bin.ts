/** Entry of `pnpm prunekit …` (tsx) and of bin/prunekit.mjs. */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
