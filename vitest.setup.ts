// Silence tfjs's Node banner. PROD, not IS_TEST: IS_TEST makes the engine throw on tfjs-wasm's own kernels.
import * as tf from '@tensorflow/tfjs-core';
tf.env().set('PROD', true);
