// The tiny consumer app that Vite and esbuild bundle: plain `import ... from 'weightinit'`.
import * as api from 'weightinit';
import { runAndReport } from './report.js';

const name = new URLSearchParams(location.search).get('name') ?? 'bundle';
runAndReport(api, name);
