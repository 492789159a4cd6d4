// Entry of the console at /console.
import { App } from './shell/app.js';
import { mount } from './shell/mount.js';

mount('/console', <App />);
