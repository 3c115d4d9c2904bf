// The entry: it only waits for the first paint. index.html holds a static shell (the header bar)
// that WebKit paints as soon as the page has loaded; the app itself (Svelte, the dictionaries, the
// start screen, `./start`) is loaded and mounted after that paint, replacing the shell. Until then
// the page has one small script and the stylesheet to load, like a bare window
// (docs/decisions/0059-start-screen-paints-a-static-shell-first.md, docs/measurements.md).
import './app.css';

const found = document.getElementById('app');
if (!found) throw new Error('index.html has no #app element');
const target: HTMLElement = found;

/**
 * Runs `then` once, after the next frame has been painted (a frame, then a task after it), or
 * after 250 ms if no frame comes (a window that is not shown gets no frames).
 */
function afterPaint(then: () => void) {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    then();
  };
  requestAnimationFrame(() => setTimeout(once, 0));
  setTimeout(once, 250);
}

function start() {
  afterPaint(() => {
    import('./start')
      .then((m) => m.start(target))
      .catch((e: unknown) => {
        // Nothing else can show it: the app's own error screen is in the chunk that failed.
        target.append(`Scopebook could not start: ${String(e)}`);
      });
  });
}

if (document.readyState === 'complete') start();
else addEventListener('load', start, { once: true });
