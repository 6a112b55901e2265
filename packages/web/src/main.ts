/**
 * Entry point. The web root comes from the page's <base href>, which the
 * server sets to its own (`/` or e.g. `/semaphore/`); the API is `api/`
 * below it, on this same origin.
 */
import { createApi } from './api/index.js';
import { startApp } from './app.js';

const root = new URL('.', document.baseURI).pathname;
startApp(createApi(`${window.location.origin}${root}api`), root);
