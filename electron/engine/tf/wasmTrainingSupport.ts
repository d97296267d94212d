/**
 * Whether tfjs's wasm backend can train the project's networks in this process.
 *
 * Stock @tensorflow/tfjs-backend-wasm has no Conv2DBackpropFilter (and slow or missing
 * depthwise and pooling gradients), so training on it fails. The fast CPU path (issue #3)
 * registers the missing kernels; until it reports ready, the fallback chain skips wasm.
 */
export type WasmTrainingSupport =
  | { ok: true; reason: ''; register: () => Promise<void> }
  | { ok: false; reason: string };

export function wasmTrainingSupport(): WasmTrainingSupport {
  return {
    ok: false,
    reason: "tfjs's wasm backend lacks the convolution gradients training needs (Conv2DBackpropFilter); the fast CPU kernels are not registered yet",
  };
}
