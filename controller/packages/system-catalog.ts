// The public packages of /whisk.system that OpenWhisk users find (openwhisk-catalog packages/utils,
// the samples of OpenWhisk's own deployment, the feed packages): ordinary JavaScript actions run in
// isolates like any user's, written for photon after the documented parameters and results of
// OpenWhisk's (utils/manifest.yaml sampleInput/sampleOutput). Installed at start by
// system-installer.ts.
import type { KeyValue } from '../../shared/model/action.js';

export const SYSTEM_NAMESPACE = 'whisk.system';

export interface CatalogAction {
  name: string;
  code: string;
  annotations: KeyValue[];
}

export interface CatalogPackage {
  name: string;
  description: string;
  actions: CatalogAction[];
  /** Shared with every namespace (default true); apimgmt is not (OpenWhisk installs it `--shared no`): its web actions need no sharing. */
  publish?: boolean;
}

const fn = (name: string, description: string, code: string, extra: KeyValue[] = []): CatalogAction => ({
  name, code: `${code.trim()}\n`, annotations: [{ key: 'description', value: description }, ...extra],
});

/** A feed's action: run by the controller itself (the REST edge answers /whisk.system feed calls), listed as a feed. */
const feed = (name: string, description: string): CatalogAction => fn(name, description, `
function main() {
  return { error: 'The ${name} feed is run by the photon controller: create it with the openwhisk client\\'s feeds.create.' };
}`, [{ key: 'feed', value: true }]);

/** An API gateway management action: a web action the controller answers itself (web/api-gateway.ts). */
const apimgmt = (name: string, description: string): CatalogAction => fn(name, description, `
function main() {
  return { error: 'The ${name} web action is answered by the photon controller: call it at /api/v1/web/whisk.system/apimgmt/${name}.' };
}`, [{ key: 'web-export', value: true }, { key: 'final', value: true }]);

export const SYSTEM_CATALOG: readonly CatalogPackage[] = [
  {
    name: 'utils',
    description: 'Building blocks that format and assemble data',
    actions: [
      fn('echo', 'Returns the input', `
function main(params) {
  return params || {};
}`),
      fn('cat', 'Concatenates input into a string', `
function main(params) {
  const lines = params.lines || [];
  return { lines, payload: lines.join('\\n') };
}`),
      fn('sort', 'Sorts an array', `
function main(params) {
  const lines = params.lines || [];
  lines.sort();
  return { length: lines.length, lines };
}`),
      fn('head', 'Extract prefix of an array', `
function main(params) {
  const lines = params.lines || [];
  const num = params.num || 1;
  return { lines: lines.slice(0, num), num };
}`),
      fn('split', 'Split a string into an array', `
function main(params) {
  const separator = params.separator || /\\r?\\n/;
  const payload = String(params.payload);
  return { lines: payload.split(separator), payload: params.payload };
}`),
      fn('date', 'Current date and time', `
function main() {
  return { date: new Date() };
}`),
      fn('namespace', 'Returns namespace for the authorization key used to invoke this action', `
function main() {
  return { namespace: process.env.__OW_NAMESPACE };
}`),
      fn('hosturl', 'Returns the URL to activate an action or trigger', `
function main(params) {
  const host = process.env.__OW_API_HOST;
  const ns = process.env.__OW_NAMESPACE;
  const web = host + '/api/v1/experimental/web/' + ns;
  const post = host + '/api/v1/namespaces/' + ns + '/' + (params.trigger === true ? 'triggers' : 'actions');
  const exts = ['.json', '.text', '.html', '.http'];
  if (params.web === true && params.trigger) return { error: 'triggers are not allowed for web actions.' };
  if (params.web === true && params.ext && !exts.includes(params.ext)) return { error: 'extension for web action must be one of [".json", ".text", ".html", ".http"].' };
  if (params.web !== true && params.trigger && String(params.path || '').includes('/')) return { error: 'triggers are not allowed in packages.' };
  const base = params.web === true ? web : post;
  if (!params.path) return { url: base };
  const path = params.web === true && !params.path.includes('/') ? 'default/' + params.path : params.path;
  return { url: base + '/' + path + (params.web === true ? (params.ext || '.json') : '') };
}`),
      fn('smash', 'Nests all properties under given property', `
function main(params) {
  const field = params.$fieldName;
  if (typeof field !== 'string') return { error: "Expected an argument '$fieldName' of type 'string'." };
  delete params.$fieldName;
  return { [field]: params };
}`),
    ],
  },
  {
    name: 'samples',
    description: 'A suite of simple actions',
    actions: [
      fn('helloWorld', 'Demonstrates logging facilities', `
function main(params) {
  console.log('hello', params.payload + '!');
  return {};
}`),
      fn('greeting', 'Returns a friendly greeting', `
function main(params) {
  const name = params.name || params.payload || 'stranger';
  const place = params.place || 'somewhere';
  return { payload: 'Hello, ' + name + ' from ' + place + '!' };
}`),
      fn('wordCount', 'Count words in a string', `
function main(params) {
  const str = String(params.payload);
  const count = str.split(' ').length;
  console.log("The message '" + str + "' has", count, 'words');
  return { count };
}`),
    ],
  },
  { name: 'alarms', description: 'Alarms and periodic utility', actions: [feed('alarm', 'Fire trigger when alarm occurs'), feed('interval', 'Fire trigger at specified interval'), feed('once', 'Fire trigger once when alarm occurs')] },
  { name: 'messaging', description: 'Kafka topics as trigger feeds', actions: [feed('kafkaFeed', 'Feed to listen to Kafka messages')] },
  {
    name: 'apimgmt', description: 'This package manages the gateway API configuration.', publish: false, actions: [
      apimgmt('createApi', 'Create an API'),
      apimgmt('getApi', 'Retrieve the specified API configuration (in JSON format)'),
      apimgmt('deleteApi', 'Delete the API'),
    ],
  },
];
