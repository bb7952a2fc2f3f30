// An API of OpenWhisk's API gateway (`wsk api`, the openwhisk client's `routes`): per namespace and
// base path, one swagger 2.0 document whose operations carry `x-openwhisk` {namespace, package,
// action, url} naming the web action that answers them (OpenWhisk's core/routemgmt apigw-utils.js).
import type { Entity } from './trigger.js';

export interface GatewayApi extends Entity {
  /** `name` is the API's base path (e.g. `/club`). */
  swagger: SwaggerApi;
}

export interface SwaggerOperation {
  operationId: string;
  parameters?: Array<{ name: string; in: string; description?: string; required?: boolean; type?: string }>;
  'x-openwhisk': { url: string; namespace: string; package: string; action: string };
  responses: Record<string, unknown>;
}

export interface SwaggerApi {
  swagger: '2.0';
  info: { title: string; version: string };
  basePath: string;
  /** relative path → lower-case verb → operation */
  paths: Record<string, Record<string, SwaggerOperation>>;
  [extension: string]: unknown;
}
