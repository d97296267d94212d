/** Entry point: choose the transport, install Pinia and the router, mount the shell. */
import './zodSetup'; // first: before any zod schema is built
import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { setApi } from './api';
import { selectApi } from './api/selectApi';
import { createAppRouter } from './router';
import { useConnectionStore } from './stores/connection';
import { useThemeStore } from './stores/theme';
import './styles/theme.css';
import './styles/base.css';

// Before the router starts: selectApi moves the ?token= from the URL into sessionStorage.
const handle = selectApi();
setApi(handle.api);

const app = createApp(App);
const pinia = createPinia();
app.use(pinia);
app.use(createAppRouter());
useConnectionStore(pinia).attach(handle);
useThemeStore(pinia);
app.mount('#app');
