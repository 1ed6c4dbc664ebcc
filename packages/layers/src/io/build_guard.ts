import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs `build` (something that makes a model from JSON and weights) so that a failure leaks no
 * tensor: what it makes on the way is disposed by an engine scope, and the variables of a half-built
 * model (which outlive scopes) are disposed by name. The model it returns holds only variables, so
 * the scope keeps it whole. `onError` maps the failure to the error to throw.
 */
export async function buildWithoutLeaks<T>(
  build: () => Promise<T>,
  onError: (e: unknown) => Error,
): Promise<T> {
  const engine = tf.engine();
  const before = new Set(Object.keys(engine.state.registeredVariables));
  engine.startScope();
  try {
    return await build();
  } catch (e) {
    for (const [name, v] of Object.entries(engine.state.registeredVariables))
      if (!before.has(name)) v.dispose();
    throw onError(e);
  } finally {
    engine.endScope(); // variables survive a scope; the model's weights are variables
  }
}
