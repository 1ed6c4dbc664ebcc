/**
 * Stand-ins for the node:* modules some package main entries still import (file IO, checkpoints,
 * worker threads); the page never calls them, and calling one throws. Goes away when the packages'
 * browser entries keep Node-only code behind their `/node` subpaths.
 */
const unavailable = (name: string) => (): never => {
  throw new Error(`${name} is not available in the browser (Node-only prunekit code).`);
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
export const readFileSync = unavailable('fs.readFileSync');
export const closeSync = unavailable('fs.closeSync');
export const mkdirSync = unavailable('fs.mkdirSync');
export const openSync = unavailable('fs.openSync');
export const writeSync = unavailable('fs.writeSync');
export const createHash = unavailable('crypto.createHash');
export const createRequire = unavailable('module.createRequire');
export const availableParallelism = unavailable('os.availableParallelism');
export const hostname = unavailable('os.hostname');
export const receiveMessageOnPort = unavailable('worker_threads.receiveMessageOnPort');
export const workerData = undefined;
export class Worker {
  constructor() {
    unavailable('worker_threads.Worker')();
  }
}
export class MessageChannel {
  constructor() {
    unavailable('worker_threads.MessageChannel')();
  }
}
export default {};
export const fsyncSync = unavailable('node.fsyncSync');
export const readdirSync = unavailable('node.readdirSync');
export const renameSync = unavailable('node.renameSync');
export const rmSync = unavailable('node.rmSync');
export const statSync = unavailable('node.statSync');
