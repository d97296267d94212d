/**
 * Routes. Hash history, so the same build works from file:// (Electron) and over http (serve):
 * the server only ever sees "/".
 */
import { createRouter, createWebHashHistory, type Router, type RouteRecordRaw } from 'vue-router';
// The landing view is in the entry bundle: a lazy one would cost a second round of requests
// before the first list shows. The others load when first visited.
import ExperimentsView from './views/ExperimentsView.vue';

export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/experiments' },
  // Without a jobId: the lists; with one: the lists and that job's live view.
  { path: '/experiments/:jobId?', name: 'experiments', component: ExperimentsView, props: true },
  // An experiment directory opened read-only by its id (folder name).
  { path: '/experiment/:experimentId', name: 'experiment', component: ExperimentsView, props: true },
  { path: '/new', name: 'new', component: () => import('./views/NewExperimentView.vue') },
  // Every experiment folder in a table (filter, sort, export); `?ids=a,b` compares them.
  { path: '/compare', name: 'compare', component: () => import('./views/CompareView.vue') },
  { path: '/environment', name: 'environment', component: () => import('./views/EnvironmentView.vue') },
  { path: '/:pathMatch(.*)*', redirect: '/experiments' },
];

export function createAppRouter(): Router {
  return createRouter({ history: createWebHashHistory(), routes });
}
