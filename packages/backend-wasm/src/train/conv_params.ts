// Geometry shared by the AssemblyScript kernels' argument lists.
import type { backend_util } from '@tensorflow/tfjs-core';

/** (fh, fw, sh, sw, dh, dw, top, left) in the order the kernels take them. */
export function windowArgs(info: backend_util.Conv2DInfo): number[] {
  return [
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    info.padInfo.top,
    info.padInfo.left,
  ];
}
