// Docker's detach keys, as the CLI's commands import them: the matcher lives in the engine
// (engine/container/detach-keys.ts), where the TUI's attach pane finds it too.
export { DEFAULT_DETACH_KEYS, DetachMatcher, parseDetachKeys } from '../engine/container/index.js';
