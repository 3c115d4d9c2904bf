// Mounts the app into `#app`, in place of index.html's static shell (see main.ts).
import { mount } from 'svelte';
import App from './App.svelte';

export function start(target: HTMLElement) {
  target.replaceChildren();
  return mount(App, { target });
}
