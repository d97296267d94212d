// Type-checking the renderer tests with tsconfig.test.json (plain tsc): the renderer's globals,
// and .vue files as components (vitest compiles them with @vitejs/plugin-vue).
/// <reference path="../../renderer/src/env.d.ts" />

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
