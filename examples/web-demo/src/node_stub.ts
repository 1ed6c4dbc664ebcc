/** Stand-ins for node:fs / node:fs/promises / node:path in the page; calling one is a bug. */
const unavailable = (name: string) => (): never => {
  throw new Error(`${name} is not available in the browser (prunekit file IO is Node-only).`);
};
export const basename = unavailable('path.basename');
export const dirname = unavailable('path.dirname');
export const join = unavailable('path.join');
export const resolve = unavailable('path.resolve');
export const isAbsolute = unavailable('path.isAbsolute');
export const relative = unavailable('path.relative');
export const sep = '/';
export const mkdir = unavailable('fs.mkdir');
export const mkdtemp = unavailable('fs.mkdtemp');
export const open = unavailable('fs.open');
export const readdir = unavailable('fs.readdir');
export const realpath = unavailable('fs.realpath');
export const rename = unavailable('fs.rename');
export const rm = unavailable('fs.rm');
export const stat = unavailable('fs.stat');
export const readFile = unavailable('fs.readFile');
export default {};
