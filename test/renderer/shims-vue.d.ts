// For plain tsc (tsconfig.test.json): .vue files are components; vitest compiles them with @vitejs/plugin-vue.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
