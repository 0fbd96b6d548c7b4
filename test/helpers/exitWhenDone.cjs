// ava (since 6) waits for a test worker's event loop to empty once its tests are done; a timer or
// socket a test left behind then holds the whole run forever. The documented remedy: exit when
// ava says the file is done. registerCompletionHandler is exported by ava's ESM entry only, hence
// the dynamic import (it shares the worker's module instance).
import('ava').then(({ registerCompletionHandler }) => {
  registerCompletionHandler(() => {
    process.exit();
  });
});
