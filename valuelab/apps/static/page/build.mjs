// Builds valuelab serve's page front end from this folder:
//   ../page.js, ../page.css, the icon font, ../PAGE-LICENSES.txt
// Run `make page` (npm ci here, then `node build.mjs`). The built files are
// committed, so installing and running valuelab needs no Node.js; each starts
// with the digest of the sources it was built from, which
// tests/apps/test_server.py checks against the sources (a change not rebuilt fails).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

/** sha256 over the sources (name, NUL, bytes, NUL each), as tests/apps/test_server.py computes it. */
export const SOURCES = ['build.mjs', 'index.js', 'package-lock.json', 'page.css'];
const hash = createHash('sha256');
for (const name of SOURCES) {
  hash.update(name + '\0');
  hash.update(readFileSync(name));
  hash.update('\0');
}
const digest = hash.digest('hex');
const banner = `/*! valuelab serve page, built from valuelab/apps/static/page (sources sha256 ${digest}); bundled third-party code and licenses: PAGE-LICENSES.txt */`;

const result = await build({
  entryPoints: { page: 'index.js' },
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome100', 'firefox100', 'safari15'],
  outdir: '..',
  assetNames: '[name]-[hash]',
  loader: { '.woff2': 'file' },
  legalComments: 'none',
  banner: { js: banner, css: banner },
  metafile: true,
  logLevel: 'warning',
});

const BSD3 = (holders) => `BSD 3-Clause License

${holders}
All rights reserved.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this
   list of conditions and the following disclaimer.

2. Redistributions in binary form must reproduce the above copyright notice,
   this list of conditions and the following disclaimer in the documentation
   and/or other materials provided with the distribution.

3. Neither the name of the copyright holder nor the names of its
   contributors may be used to endorse or promote products derived from
   this software without specific prior written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.`;
// the license texts of packages whose npm tarball has no license file (from
// their repositories: jupyter-widgets/ipywidgets, jupyterlab/jupyterlab,
// jupyterlab/lumino, TehShrike/deepmerge)
const KNOWN = [
  [/^@jupyter-widgets\//, BSD3('Copyright (c) 2015 Project Jupyter Contributors')],
  [/^@jupyterlab\//, BSD3('Copyright (c) 2015-2024 Project Jupyter Contributors')],
  [
    /^@lumino\//,
    BSD3(
      'Copyright (c) 2019 Project Jupyter Contributors\nCopyright (c) 2014-2017, PhosphorJS Contributors',
    ),
  ],
  [
    /^deepmerge$/,
    `The MIT License (MIT)

Copyright (c) 2012 James Halliday, Josh Duff, and other contributors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
THE SOFTWARE.`,
  ],
];

// one entry per bundled package: name, version, license and its license text
const packages = new Map();
for (const output of Object.values(result.metafile.outputs)) {
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const match = input.match(/^(node_modules\/(@[^/]+\/)?[^/]+)\//);
    if (match && bytesInOutput > 0) packages.set(match[1], true);
  }
}
const entries = [...packages.keys()].sort().map((dir) => {
  const meta = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
  const file = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license', 'LICENSE-MIT'].find((f) =>
    existsSync(`${dir}/${f}`),
  );
  const known = KNOWN.find(([pattern]) => pattern.test(meta.name));
  const text = file ? readFileSync(`${dir}/${file}`, 'utf8').trim() : known?.[1];
  if (!text) throw new Error(`no license text for ${meta.name}: add it to KNOWN`);
  return `${meta.name} ${meta.version} (${meta.license})\n\n${text}\n`;
});
writeFileSync(
  '../PAGE-LICENSES.txt',
  'Third-party code bundled in valuelab/apps/static/page.js and page.css (with the icon font)\n' +
    `${'='.repeat(84)}\n\n` +
    entries.join(`\n${'-'.repeat(84)}\n\n`),
);
