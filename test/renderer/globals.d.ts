// For plain tsc (tsconfig.test.json): the renderer's globals (window.nas, window.nasBridge).
import type {} from '../../renderer/src/env';
