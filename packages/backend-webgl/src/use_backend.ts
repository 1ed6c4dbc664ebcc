import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgl';
import { type AdapterInfo, BackendError, activate } from '@prunekit/core';
import { registerAllKernels } from './register_all_kernels.js';

/** What WebGL context the page got: version and the renderer string (unmasked where allowed). */
export interface WebglInfo extends AdapterInfo {
  readonly webglVersion: number;
  readonly renderer: string;
  readonly floatRender: boolean;
}

/** Reads the renderer of the context tfjs created (WEBGL_debug_renderer_info where exposed). */
export function webglInfo(): WebglInfo {
  const version = tf.env().getNumber('WEBGL_VERSION');
  const backend = tf.backend() as unknown as { gpgpu?: { gl: WebGL2RenderingContext } };
  const gl = backend.gpgpu?.gl;
  let renderer = 'unknown';
  if (gl) {
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  }
  return {
    name: `WebGL${version} ${renderer}`,
    webglVersion: version,
    renderer,
    floatRender: tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED'),
  };
}

/**
 * Starts tfjs's 'webgl' backend and registers prunekit's sparse programs for it. prunekit's programs
 * need WebGL2 and float32 render targets: without them this throws a BackendError (naming what is
 * missing and which backend to use instead) rather than running on a silent fallback.
 */
export async function useBackend(): Promise<WebglInfo> {
  if (tf.env().getNumber('WEBGL_VERSION') < 2) {
    throw new BackendError(
      'WebGL2 is not available in this environment (WEBGL_VERSION ' +
        `${tf.env().getNumber('WEBGL_VERSION')}); prunekit's sparse programs need WebGL2. ` +
        "Use the 'wasm' backend (@prunekit/backend-wasm) or 'cpu' instead.",
      { missing: 'WebGL2' },
    );
  }
  registerAllKernels();
  await activate('webgl');
  const info = webglInfo();
  if (!info.floatRender) {
    throw new BackendError(
      'This WebGL2 context cannot render to float32 textures (WEBGL_RENDER_FLOAT32_ENABLED is false), so ' +
        "sparse results would lose precision. Use the 'wasm' backend (@prunekit/backend-wasm) or 'cpu' instead.",
      { missing: 'EXT_color_buffer_float' },
    );
  }
  return info;
}
