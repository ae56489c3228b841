// An independent check of our credentials with Digital Bazaar's W3C libraries.
//
// stdin: {"credentials": [...], "contexts": {url: file}, "didDocuments": {did: doc},
//         "statusLists": {url: credential}, "rounds": n, "now": iso}
// stdout: {"results": [{"verified": bool, "error": str|null}], "seconds": [per round]}
// The document loader answers only from what it is given: nothing is fetched.
import {readFileSync} from 'node:fs';
import {gunzipSync} from 'node:zlib';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

const input = JSON.parse(readFileSync(0, 'utf8'));
const documents = new Map();
for(const [url, file] of Object.entries(input.contexts)) {
  documents.set(url, JSON.parse(readFileSync(file, 'utf8')));
}
const DID_V1 = 'https://www.w3.org/ns/did/v1';
const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';

function didKeyDocument(did) {
  const multibase = did.slice('did:key:'.length);
  const id = `${did}#${multibase}`;
  return {
    '@context': [DID_V1, MULTIKEY_V1], id: did,
    verificationMethod: [{id, type: 'Multikey', controller: did, publicKeyMultibase: multibase}],
    assertionMethod: [id], authentication: [id]
  };
}

function didDocument(did) {
  if(input.didDocuments[did]) {
    return input.didDocuments[did];
  }
  if(did.startsWith('did:key:')) {
    return didKeyDocument(did);
  }
  return null;
}

async function documentLoader(url) {
  if(documents.has(url)) {
    return {contextUrl: null, documentUrl: url, document: documents.get(url)};
  }
  const [did, fragment] = url.split('#');
  const doc = didDocument(did);
  if(doc) {
    if(!fragment) {
      return {contextUrl: null, documentUrl: url, document: doc};
    }
    const method = doc.verificationMethod.find(m => m.id === url);
    if(method) {
      return {contextUrl: null, documentUrl: url,
        document: {'@context': MULTIKEY_V1, ...method}};
    }
  }
  throw new Error(`the test loader does not serve ${url}`);
}

async function checkStatus({credential}) {
  const entry = credential.credentialStatus;
  const list = input.statusLists[entry.statusListCredential];
  if(!list) {
    return {verified: false, error: new Error('unknown status list')};
  }
  const encoded = list.credentialSubject.encodedList.slice(1);
  const bits = gunzipSync(Buffer.from(encoded, 'base64url'));
  const index = parseInt(entry.statusListIndex, 10);
  const revoked = (bits[index >> 3] & (0x80 >> (index % 8))) !== 0;
  return revoked ?
    {verified: false, error: new Error('revoked')} : {verified: true};
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
const now = input.now ? new Date(input.now) : new Date();

async function verifyOne(credential) {
  const result = await vc.verifyCredential({
    credential, suite, documentLoader, checkStatus, now
  });
  let error = null;
  if(!result.verified) {
    const errors = [
      result.error, result.statusResult?.error, ...(result.results || []).map(r => r.error)
    ].filter(Boolean);
    error = errors.map(e => (e.errors || [e]).map(x => x.message).join('; ')).join('; ') ||
      'not verified';
  }
  return {verified: result.verified, error};
}

const rounds = input.rounds || 1;
const seconds = [];
let results = [];
for(let round = 0; round < rounds; round++) {
  const started = process.hrtime.bigint();
  results = [];
  for(const credential of input.credentials) {
    results.push(await verifyOne(credential));
  }
  seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
}
process.stdout.write(JSON.stringify({results, seconds}));
